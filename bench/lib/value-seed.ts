import type { Redis } from 'ioredis';
import { encodeEntry } from '../../src/adapters/redis/contact-store/codec.ts';
import { runCommits, type Commit } from '../../src/adapters/redis/contact-store/commit.ts';
import { withContact, withInteractionFact, withOrderFact } from '../../src/adapters/redis/contact-store/entries.ts';
import { indexChanges, indexedState } from '../../src/adapters/redis/contact-store/indexes.ts';
import type { RedisKeys } from '../../src/adapters/redis/keys.ts';
import type { Order } from '../../src/domain/contacts/contact.ts';
import { decideTier } from '../../src/domain/tiers/reevaluate-tier.ts';
import { DAY_MS, type TierPolicy } from '../../src/domain/tiers/policy.ts';
import { rng, syntheticContact, type SeedShape } from './tiers-seed.ts';

/**
 * Synthetic contacts for the value bench: the tiers bench's contacts (names, relations,
 * messages; tiers-seed.ts), with their orders replaced so that a chosen share are buyers:
 * 1-8 orders (most 1-2), amounts spread over three orders of magnitude, margins −5…40 %,
 * 70 % paid on time and the rest up to 90 days late, 10 % not paid. Tiered at `seedAt`
 * so they spread over the tier indexes the job scans. Deterministic for a given index.
 */
export interface ValueSeedShape extends SeedShape {
  /** Share of contacts with at least one order, 0-1. */
  buyers: number;
}

function ordersOf(index: number, id: string, shape: ValueSeedShape): Order[] {
  const r = rng(index * 31 + 7);
  if (r() >= shape.buyers) return [];
  const n = 1 + Math.floor(-Math.log(1 - r() * 0.999) * 1.2) % 8;
  const scale = 10 ** (1 + r() * 3); // a customer's typical order: ¥10 … ¥10,000
  const orders: Order[] = [];
  for (let k = 0; k < n; k++) {
    const amount = Math.round(scale * (0.5 + r()) * 100) / 100;
    const paid = r() < 0.9;
    const late = r() < 0.7 ? 0 : Math.floor(r() * 90);
    orders.push({
      orderId: `v${index.toString(36)}-${k}`, externalUserId: id, amount, profit: Math.round(amount * (r() * 0.45 - 0.05) * 100) / 100,
      ...(paid ? { paidAt: shape.seedAt - Math.floor(r() * 400 * DAY_MS), daysLate: late } : { dueAt: shape.seedAt }),
    });
  }
  return orders;
}

/** Writes contacts [from, to) in one pipeline of commits (the store's codec and index writes). */
export async function seedValueBatch(
  redis: Redis,
  keys: RedisKeys,
  deps: { policy: TierPolicy; timeZone: string },
  shape: ValueSeedShape,
  from: number,
  to: number,
): Promise<number> {
  const commits: Commit[] = [];
  let buyers = 0;
  for (let i = from; i < to; i++) {
    const { contact, interactions } = syntheticContact(i, shape, deps.policy.seed.intentKeywords);
    const id = contact.externalUserId;
    let entry = withContact(null, contact);
    for (const interaction of interactions) entry = withInteractionFact(entry, interaction, deps.policy.seed.intentKeywords);
    const orders = ordersOf(i, id, shape);
    for (const order of orders) entry = withOrderFact(entry, order);
    if (orders.length > 0) buyers++;
    const { stored } = decideTier({ externalUserId: id, ...entry.record }, deps, shape.seedAt);
    const tiered = { ...entry, record: { ...entry.record, tier: stored } };
    commits.push({ key: keys.contact(id), expected: null, next: encodeEntry(tiered), ops: indexChanges(keys, id, null, indexedState(tiered.record)) });
  }
  const results = await runCommits(redis, commits);
  const failed = results.findIndex((r) => r !== 'ok');
  if (failed >= 0) throw new Error(`seeding ${commits[failed]!.key} failed: ${results[failed]}`);
  return buyers;
}
