import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisTierBatches } from '../../src/adapters/redis/contact-store/tier-batches.ts';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { RedisContactStore } from '../../src/adapters/redis/redis-contact-store.ts';
import { testPolicies } from '../helpers/tier-rules.ts';
import type { Interaction } from '../../src/domain/contacts/contact.ts';
import type { TierChange } from '../../src/domain/ports.ts';
import { decideTier } from '../../src/domain/tiers/reevaluate-tier.ts';
import { recomputeAllTiers } from '../../src/jobs/tiers/recompute-all-tiers.ts';
import { reevaluateDueTiers } from '../../src/jobs/tiers/reevaluate-due-tiers.ts';
import type { TierJobDeps } from '../../src/jobs/tiers/tier-batch.ts';
import { connectTestRedis, deleteByPrefix, uniquePrefix } from '../helpers/redis.ts';
import { inboundMessage } from '../helpers/factories.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2025, 10, 1, 2);
const { tiers: policy } = testPolicies;
const TZ = 'Asia/Shanghai';
const N = 40;

function inbound(id: string, contactId: string, at: number, text = '你好'): Interaction {
  return inboundMessage(id, contactId, at, text);
}

describe('tier batch jobs: full recompute and due re-evaluation (real Redis)', () => {
  let redis: Redis;
  let prefix: string;
  let store: RedisContactStore;
  let deps: TierJobDeps;
  let changes: TierChange[];

  beforeEach(async () => {
    redis = connectTestRedis();
    prefix = uniquePrefix('recompute');
    const keys = new RedisKeys(prefix);
    store = new RedisContactStore({ redis, keys });
    changes = [];
    deps = { batches: new RedisTierBatches({ redis, keys }), store, policy, timeZone: TZ, onChanges: async (c) => void changes.push(...c) };
    // A mix: some only added (C), some chatty (B), some buyers (A), some added long ago (D).
    for (let i = 0; i < N; i++) {
      const id = `wm${String(i).padStart(3, '0')}`;
      const addedAt = i % 4 === 3 ? T0 - 90 * DAY : T0 - (i % 7) * DAY;
      await store.upsertContact({ externalUserId: id, name: id, type: 1, gender: 'unknown', profile: {}, createdAt: addedAt, updatedAt: addedAt,
        follows: [{ userId: `rep${i % 3}`, addedAt, tagIds: [], status: 'active', changedAt: addedAt }] });
      if (i % 4 === 1) for (let k = 0; k < 3; k++) await store.addInteraction(inbound(`${id}-m${k}`, id, T0 - k * DAY), policy.seed.intentKeywords);
      if (i % 8 === 2) await store.addOrder({ orderId: `${id}-o`, externalUserId: id, amount: 10, paidAt: T0 - 5 * DAY });
    }
  });

  afterEach(async () => {
    await deleteByPrefix(redis, prefix);
    redis.disconnect();
  });

  async function expectEveryTierAsDecided(now: number): Promise<void> {
    for (let i = 0; i < N; i++) {
      const id = `wm${String(i).padStart(3, '0')}`;
      const record = (await store.get(id))!;
      expect(record.tier, id).not.toBeNull();
      expect(decideTier({ externalUserId: id, ...record }, { policy, timeZone: TZ }, now).change, id).toBeNull();
    }
  }

  it('tiers every contact once, then writes back only the ones time has changed', async () => {
    const first = await recomputeAllTiers(deps, { now: T0, batchSize: 7 });
    expect(first).toEqual({ scanned: N, written: N, changed: N, retried: 0 });
    await expectEveryTierAsDecided(T0);
    const counts = await store.tierCounts();
    expect(counts.A + counts.B + counts.C + counts.D).toBe(N);
    expect(counts.A).toBeGreaterThan(0);
    expect(counts.B).toBeGreaterThan(0);
    expect(counts.C).toBeGreaterThan(0);
    expect(counts.D).toBeGreaterThan(0);

    expect(await recomputeAllTiers(deps, { now: T0, batchSize: 7 })).toEqual({ scanned: N, written: 0, changed: 0, retried: 0 });

    changes = [];
    const later = T0 + 40 * DAY;
    const second = await recomputeAllTiers(deps, { now: later, batchSize: 6 });
    expect(second.scanned).toBe(N);
    expect(second.changed).toBeGreaterThan(0);
    expect(second.changed).toBe(changes.length);
    expect(changes.every((c) => c.at === later && c.from !== c.to)).toBe(true);
    await expectEveryTierAsDecided(later);
    expect(await store.due(later, 1000)).toEqual([]);
  });

  it('resumes from the cursor it reported, and re-evaluates a contact written to between read and write', async () => {
    await recomputeAllTiers(deps, { now: T0, batchSize: 50 });
    const cursors: (string | null)[] = [];
    await recomputeAllTiers(deps, { now: T0, batchSize: 10, onProgress: (p) => void cursors.push(p.cursor) });
    // Four batches: a cursor to resume from after each of the first three, null at the end.
    expect(cursors).toHaveLength(4);
    expect(cursors.slice(0, 3).every((c) => typeof c === 'string')).toBe(true);
    expect(cursors[3]).toBeNull();
    const resumed = await recomputeAllTiers(deps, { now: T0, batchSize: 10, from: cursors[1]! });
    expect(resumed.scanned).toBe(N - 20);

    // A message lands between the batch read and its write: the write must not clobber it.
    const racing = writesBetweenReadAndWrite(async () => {
      for (let k = 0; k < 3; k++) await store.addInteraction(inbound(`race${k}`, 'wm000', T0 + 40 * DAY - k), policy.seed.intentKeywords);
    });
    const result = await reevaluateDueTiers(racing, { now: T0 + 40 * DAY, limit: 100 });
    expect(result.retried).toBe(1);
    const wm000 = (await store.get('wm000'))!;
    expect(wm000.engagement.inbound).toHaveLength(3);
    expect(wm000.tier?.tier).toBe('B');
  });

  /** The tier job's deps, with `write` run between each batch's read and its write (a racing writer). */
  function writesBetweenReadAndWrite(write: () => Promise<unknown>): TierJobDeps {
    return {
      ...deps,
      batches: {
        scanIds: (c, n) => deps.batches.scanIds(c, n),
        read: (ids) => deps.batches.read(ids),
        saveIfUnchanged: async (writes) => {
          await write();
          return deps.batches.saveIfUnchanged(writes);
        },
      },
    };
  }

  it('keeps a profile written between read and write: a tier write replaces only the hot half', async () => {
    const racing = writesBetweenReadAndWrite(() => store.patchProfile('wm005', { occupation: '店长' }, T0 + 1));
    const result = await recomputeAllTiers(racing, { now: T0, batchSize: 100 });
    expect(result).toEqual({ scanned: N, written: N, changed: N, retried: 0 });
    const wm005 = (await store.get('wm005'))!;
    expect(wm005.contact.profile).toEqual({ occupation: '店长' });
    expect(wm005.tier).not.toBeNull();
  });

  it('re-evaluates only due contacts, oldest first, and empties the due index up to now', async () => {
    await recomputeAllTiers(deps, { now: T0, batchSize: 50 });
    const now = T0 + 20 * DAY;
    const due = await store.due(now, 1000);
    expect(due.length).toBeGreaterThan(0);
    expect(due.length).toBeLessThan(N);
    const first = await reevaluateDueTiers(deps, { now, limit: 3 });
    expect(first).toMatchObject({ due: 3, written: 3, retried: 0 });
    expect(await store.due(now, 1000)).toEqual(due.slice(3));
    const rest = await reevaluateDueTiers(deps, { now, limit: 1000, batchSize: 2 });
    expect(rest.due).toBe(due.length - 3);
    expect(await store.due(now, 1000)).toEqual([]);
    await expectEveryTierAsDecided(now);
  });
});
