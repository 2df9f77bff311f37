import type { Redis } from 'ioredis';
import pino from 'pino';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { RedisKfSyncState } from '../../src/adapters/redis/kf-sync-state.ts';
import { RedisContactStore } from '../../src/adapters/redis/redis-contact-store.ts';
import { WeComClient } from '../../src/adapters/wecom-api/client.ts';
import { WeComContactDirectory } from '../../src/adapters/wecom-api/contact-directory.ts';
import { HttpWeComApi } from '../../src/adapters/wecom-api/endpoints.ts';
import type { WeComApi } from '../../src/wecom/api.ts';
import { SANDBOX_CREDENTIALS as C } from '../../src/config/sandbox-credentials.ts';
import { testPolicies } from '../helpers/tier-rules.ts';
import type { ContactChangeDeps } from '../../src/domain/contacts/apply-contact-change.ts';
import type { TierChange } from '../../src/domain/ports.ts';
import { handleCallbackEvent } from '../../src/jobs/callbacks/handle-callback-event.ts';
import { syncKfMessages, type KfSyncDeps } from '../../src/jobs/kf/sync-kf-messages.ts';
import type { KfSyncJobData } from '../../src/jobs/kf/job.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts';
import type { ExternalContactEvent } from '../../src/wecom/events.ts';
import { contactEvent as makeContactEvent } from '../helpers/factories.ts';
import { connectTestRedis, deleteByPrefix, uniquePrefix } from '../helpers/redis.ts';

/** Shared set-up of the contact-events integration tests: sandbox + real Redis + real store. */
export const T0 = Date.UTC(2025, 10, 3, 2);
export const MINUTE = 60_000;
export const { tiers: policy } = testPolicies;
export const log = pino({ level: 'silent' });

export interface World {
  sandbox: Sandbox;
  redis: Redis;
  prefix: string;
  keys: RedisKeys;
  store: RedisContactStore;
  api: WeComApi;
  contacts: ContactChangeDeps;
  /** Every TierChange the onTierChanges hook was told about. */
  told: TierChange[];
  /** kf.sync jobs the callback handler queued, by jobId (a Map: the queue dedupes by id). */
  kfJobs: Map<string, KfSyncJobData>;
  clock: { now(): number; advance(ms: number): void };
  kfDeps(overrides?: Partial<KfSyncDeps>): KfSyncDeps;
  /** Runs one callback event through the real handler, with `dedupeKey` as its id. */
  handle(event: ExternalContactEvent | { kind: 'kf_msg_or_event'; token: string; openKfId: string }, dedupeKey: string): Promise<void>;
  /** Runs every queued kf.sync job once, in order, and forgets them. */
  runKfJobs(): Promise<void>;
  close(): Promise<void>;
}

export async function createWorld(label: string, reps = ['zhangwei', 'wangfang']): Promise<World> {
  let now = T0;
  const clock = { now: () => now, advance: (ms: number) => void (now += ms) };
  const sandbox = await startSandbox({ clock });
  sandbox.state.seed({
    reps: reps.map((userid) => ({ userid, name: userid })),
    tagGroups: [{ group_name: '客户分级', tags: ['A 成交', 'B 种子', 'C 潜在', 'D 沉默'] }],
  });
  const redis = connectTestRedis();
  const prefix = uniquePrefix(label);
  const keys = new RedisKeys(prefix);
  const store = new RedisContactStore({ redis, keys });
  const api = new HttpWeComApi(new WeComClient({ apiBase: sandbox.url, corpId: C.corpId, agentId: C.agentId, secret: C.secret, redis, keys, log, clock }));
  const told: TierChange[] = [];
  const contacts: ContactChangeDeps = {
    store, directory: new WeComContactDirectory(api, clock), policy, timeZone: 'Asia/Shanghai',
    onTierChanges: async (changes) => void told.push(...changes),
  };
  const kfJobs = new Map<string, KfSyncJobData>();
  const kfDeps = (overrides: Partial<KfSyncDeps> = {}): KfSyncDeps =>
    ({ api, state: new RedisKfSyncState(redis, keys), contacts, clock, log, ...overrides });
  const handlerDeps = {
    contacts, clock,
    enqueueKfSync: async (data: KfSyncJobData, jobId: string) => void (kfJobs.has(jobId) || kfJobs.set(jobId, data)),
  };
  return {
    sandbox, redis, prefix, keys, store, api, contacts, told, kfJobs, clock, kfDeps,
    handle: (event, dedupeKey) => {
      const createTime = 'createTime' in event && event.createTime > 0 ? event.createTime : Math.floor(now / 1000);
      const full = { toUserName: C.corpId, fromUserName: 'sys', ...event, createTime } as ExternalContactEvent;
      return handleCallbackEvent({ dedupeKey, receivedAt: now, event: full }, handlerDeps, log);
    },
    runKfJobs: async () => {
      const jobs = [...kfJobs.values()];
      kfJobs.clear();
      for (const job of jobs) await syncKfMessages(kfDeps(), job);
    },
    close: async () => {
      await sandbox.close();
      await deleteByPrefix(redis, prefix);
      redis.disconnect();
    },
  };
}

/** A change_external_contact event as parseEvent gives it (createTime 0: handle fills in now). */
/** A change_external_contact event for the sandbox corp (tests/helpers/factories.ts). */
export function contactEvent(changeType: string, userId: string, externalUserId: string, extra: Partial<ExternalContactEvent> = {}): ExternalContactEvent {
  return makeContactEvent(changeType, userId, externalUserId, { toUserName: C.corpId, ...extra });
}
