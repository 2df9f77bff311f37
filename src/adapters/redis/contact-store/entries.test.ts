import { describe, expect, it } from 'vitest';
import { contactRecord, inboundMessage } from '../../../../tests/helpers/factories.ts';
import type { Interaction } from '../../../domain/contacts/contact.ts';
import { canonicalInteraction } from '../../../domain/contacts/fact-identity.ts';
import { decodeEntry, encodeEntry, fingerprint, type Entry } from './codec.ts';
import { seenFact, withContact, withInteractionFact } from './entries.ts';

const T = Date.UTC(2025, 10, 1, 2);
const KEYWORDS = ['报价'];

/** Folds the interactions in, through the codec after each one, as the store does. */
function fold(interactions: Interaction[], start: Entry = withContact(null, contactRecord('wm1', T))): Entry {
  return interactions.reduce((e, i) => decodeEntry('wm1', encodeEntry(withInteractionFact(e, i, KEYWORDS))), start);
}

const occurrences = (raw: string, part: string): number => raw.split(part).length - 1;

describe('contact entries: remembered interactions', () => {
  it("stores an inbound message's id once: the summary's id doubles as the replay guard", () => {
    const raw = encodeEntry(fold([inboundMessage('m1', 'wm1', T + 1), { ...inboundMessage('p1', 'wm1', T + 2), direction: 'outbound', channel: 'push' }]));
    expect(occurrences(raw, fingerprint('m1'))).toBe(1);
    expect(occurrences(raw, fingerprint('p1'))).toBe(1);
  });

  it('answers the kept fields of every message the summary keeps, and of the last 16 it does not', () => {
    // 40 messages, newest first: each new one is older than the 16 kept, so it falls off at once.
    const messages = Array.from({ length: 40 }, (_, i) => inboundMessage(`m${i}`, 'wm1', T + 1000 - i, i % 2 ? '报价?' : undefined));
    const entry = fold(messages);
    expect(entry.record.engagement.inbound).toHaveLength(16);
    const fact = (m: Interaction) => seenFact(entry, m.id);
    const keptFields = (m: Interaction) => fingerprint(canonicalInteraction(m, KEYWORDS));
    for (const m of messages.slice(0, 16)) expect(fact(m)).toBe(keptFields(m));
    for (const m of messages.slice(24)) expect(fact(m)).toBe(keptFields(m));
    for (const m of messages.slice(16, 24)) expect(fact(m)).toBeNull();
  });

  it('counts three messages at the same time three times, and each once whatever the order', () => {
    const three = ['a', 'b', 'c'].map((id) => inboundMessage(id, 'wm1', T + 5));
    const one = fold(three).record.engagement;
    const other = fold([...three].reverse()).record.engagement;
    expect(one.inbound).toEqual([T + 5, T + 5, T + 5]);
    expect(other).toEqual(one);
  });
});
