import type { Redis } from 'ioredis';
import { encodeEntry } from '../../src/adapters/redis/contact-store/codec.ts';
import { runCommits, type Commit } from '../../src/adapters/redis/contact-store/commit.ts';
import { withContact, withInteractionFact, withOrderFact } from '../../src/adapters/redis/contact-store/entries.ts';
import { historyOp, indexChanges, indexedState } from '../../src/adapters/redis/contact-store/indexes.ts';
import type { RedisKeys } from '../../src/adapters/redis/keys.ts';
import type { Contact } from '../../src/domain/contacts/contact.ts';
import { decideTier } from '../../src/domain/tiers/reevaluate-tier.ts';
import type { Tier, TierPolicy } from '../../src/domain/tiers/policy.ts';
import type { SandboxProcess } from './sandbox-process.ts';
import { syntheticContact, type SeedShape } from './tiers-seed.ts';

/**
 * Synthetic contacts for the campaign bench: the tiers bench's contacts (tiers-seed.ts:
 * names, relations, facts, orders, tiered at `seedAt`), their relations spread over
 * `reps` reps (`rep0` …) instead of 500, written as the store writes them. The sandbox
 * gets the same reps and active relations, so add_msg_template finds every recipient.
 */
export const repId = (k: number): string => `rep${k}`;

function withReps(contact: Contact, index: number, reps: number): Contact {
  const follows = contact.follows.map((f, k) => ({ ...f, userId: repId((index * 7 + k * 131) % reps) }));
  return { ...contact, follows };
}

/** Writes contacts [from, to) in one pipeline; returns how many got each tier. */
export async function seedCampaignBatch(
  redis: Redis,
  keys: RedisKeys,
  deps: { policy: TierPolicy; timeZone: string },
  shape: SeedShape & { reps: number },
  from: number,
  to: number,
  sandbox?: Pick<SandboxProcess, 'seed'>,
): Promise<Partial<Record<Tier | 'none', number>>> {
  const commits: Commit[] = [];
  const tiers: Partial<Record<Tier | 'none', number>> = {};
  const sandboxContacts: { external_userid: string; name: string; follow: string[] }[] = [];
  for (let i = from; i < to; i++) {
    const synthetic = syntheticContact(i, shape, deps.policy.seed.intentKeywords);
    const contact = withReps(synthetic.contact, i, shape.reps);
    let entry = withContact(null, contact);
    for (const interaction of synthetic.interactions) entry = withInteractionFact(entry, interaction, deps.policy.seed.intentKeywords);
    for (const order of synthetic.orders) entry = withOrderFact(entry, order);
    const id = contact.externalUserId;
    const { stored, change } = decideTier({ externalUserId: id, ...entry.record }, deps, shape.seedAt);
    const tier = stored?.tier ?? 'none';
    tiers[tier] = (tiers[tier] ?? 0) + 1;
    const tiered = { ...entry, record: { ...entry.record, tier: stored } };
    const ops = indexChanges(keys, id, null, indexedState(tiered.record));
    if (change) ops.push(historyOp(keys, change));
    commits.push({ key: keys.contact(id), expected: null, next: encodeEntry(tiered), ops });
    const active = contact.follows.filter((f) => f.status === 'active').map((f) => f.userId);
    if (active.length > 0) sandboxContacts.push({ external_userid: id, name: contact.name, follow: active });
  }
  const results = await runCommits(redis, commits);
  const failed = results.findIndex((r) => r !== 'ok');
  if (failed >= 0) throw new Error(`seeding ${commits[failed]!.key} failed: ${results[failed]}`);
  await sandbox?.seed({ contacts: sandboxContacts });
  return tiers;
}
