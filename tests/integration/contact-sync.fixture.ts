import type { Redis } from 'ioredis';
import pino from 'pino';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { RedisContactStore } from '../../src/adapters/redis/redis-contact-store.ts';
import { RedisSyncSeen } from '../../src/adapters/redis/sync-seen.ts';
import { WeComClient } from '../../src/adapters/wecom-api/client.ts';
import { HttpWeComApi } from '../../src/adapters/wecom-api/endpoints.ts';
import { SANDBOX_CREDENTIALS as C } from '../../src/config/sandbox-credentials.ts';
import { testPolicies } from '../helpers/tier-rules.ts';
import type { FollowRelation } from '../../src/domain/contacts/contact.ts';
import type { TierChange } from '../../src/domain/ports.ts';
import type { ContactSyncDeps } from '../../src/jobs/contacts-sync/deps.ts';
import type { ContactSyncJob } from '../../src/jobs/contacts-sync/run-sync.ts';
import type { ContactSyncJobData } from '../../src/jobs/contacts-sync/job.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts';
import { connectTestRedis, deleteByPrefix, uniquePrefix } from '../helpers/redis.ts';

/** Shared set-up of the contact sync tests: a seeded sandbox, real Redis, the real store. */
export const T0 = Date.UTC(2025, 10, 3, 2);
export const REPS = ['zhangwei', 'lina', 'wangfang'];
export const CUSTOMERS = 250;
export const BATCH_PATH = 'externalcontact/batch/get_by_user';
const log = pino({ level: 'silent' });

export interface SyncWorld {
  sandbox: Sandbox;
  redis: Redis;
  prefix: string;
  keys: RedisKeys;
  store: RedisContactStore;
  deps: ContactSyncDeps;
  /** Every TierChange the hook was told about. */
  told: TierChange[];
  clock: { now(): number; advance(ms: number): void };
  /** The sandbox's (customer, rep) pairs, as `id rep` strings, sorted. */
  wecomPairs(): string[];
  /** Fenji's relations in a given status, as `id rep` strings, sorted. */
  storedPairs(status?: FollowRelation['status']): Promise<string[]>;
  close(): Promise<void>;
}

/** Customer i follows rep i % 3; every 4th also the next rep, every 25th all three (shared customers). */
export function repsOf(i: number): string[] {
  const reps = new Set([REPS[i % 3]!]);
  if (i % 4 === 0) reps.add(REPS[(i + 1) % 3]!);
  if (i % 25 === 0) REPS.forEach((r) => reps.add(r));
  return [...reps];
}

export const customerId = (i: number): string => `wmSync${String(i).padStart(4, '0')}`;

export async function createSyncWorld(label: string, customers = CUSTOMERS): Promise<SyncWorld> {
  let now = T0;
  const clock = { now: () => now, advance: (ms: number) => void (now += ms) };
  const sandbox = await startSandbox({ clock });
  sandbox.state.seed({
    reps: REPS.map((userid) => ({ userid, name: userid })),
    contacts: Array.from({ length: customers }, (_, i) => ({ external_userid: customerId(i), name: `客户${i}`, gender: (i % 3) as 0 | 1 | 2, follow: repsOf(i) })),
  });
  const redis = connectTestRedis();
  const prefix = uniquePrefix(label);
  const keys = new RedisKeys(prefix);
  const store = new RedisContactStore({ redis, keys });
  const api = new HttpWeComApi(new WeComClient({
    apiBase: sandbox.url, corpId: C.corpId, agentId: C.agentId, secret: C.secret, redis, keys, log, clock,
    busyBaseDelayMs: 1, frequencyRetryAfterMs: 300,
  }));
  const told: TierChange[] = [];
  const deps: ContactSyncDeps = {
    api,
    contacts: { store, policy: testPolicies.tiers, timeZone: 'Asia/Shanghai', onTierChanges: async (changes) => void told.push(...changes) },
    seen: new RedisSyncSeen(redis, keys),
    clock,
    log,
  };
  const pairs = (list: { external_userid: string; userid: string }[]) => list.map((r) => `${r.external_userid} ${r.userid}`).sort();
  return {
    sandbox, redis, prefix, keys, store, deps, told, clock,
    wecomPairs: () => pairs([...sandbox.state.relations.values()]),
    storedPairs: async (status = 'active') => {
      const out: { external_userid: string; userid: string }[] = [];
      let cursor: string | null = null;
      do {
        const page = await store.list({ cursor, limit: 1000 });
        for (const { contact } of page.records) {
          for (const f of contact.follows) if (f.status === status) out.push({ external_userid: contact.externalUserId, userid: f.userId });
        }
        cursor = page.nextCursor;
      } while (cursor);
      return pairs(out);
    },
    close: async () => {
      await sandbox.close();
      await deleteByPrefix(redis, prefix);
      redis.disconnect();
    },
  };
}

/** A stand-in for a BullMQ job; `killAfterSaves` makes updateProgress throw, like a worker dying mid-run. */
export function fakeJob(id: string, killAfterSaves = Infinity): ContactSyncJob & { saves: number } {
  const job = {
    id,
    data: { trigger: 'manual' } as ContactSyncJobData,
    progress: 0 as ContactSyncJob['progress'],
    saves: 0,
    updateData: async (data: ContactSyncJobData) => void (job.data = data),
    updateProgress: async (progress: ContactSyncJob['progress']) => {
      job.saves += 1;
      if (job.saves > killAfterSaves) throw new Error('worker killed');
      job.progress = progress;
    },
  };
  return job;
}
