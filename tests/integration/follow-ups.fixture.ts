import { Queue, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { RedisFollowUpIndex } from '../../src/adapters/redis/follow-up-index.ts';
import { RedisFollowUpLedger } from '../../src/adapters/redis/outreach-ledger.ts';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { RedisContactStore } from '../../src/adapters/redis/redis-contact-store.ts';
import { WeComClient } from '../../src/adapters/wecom-api/client.ts';
import { WeComContactDirectory } from '../../src/adapters/wecom-api/contact-directory.ts';
import { WeComApi } from '../../src/adapters/wecom-api/endpoints.ts';
import { testPolicies } from '../helpers/tier-rules.ts';
import { SANDBOX_CREDENTIALS as C } from '../../src/config/sandbox-credentials.ts';
import { settleTiers } from '../../src/domain/contacts/settle-tiers.ts';
import { createFollowUpWorker, type FollowUpJobDeps } from '../../src/jobs/outreach/worker.ts';
import { FOLLOWUPS_PLAN_JOB_NAME, type FollowUpJobData } from '../../src/jobs/outreach/job.ts';
import { QUEUE_NAMES } from '../../src/jobs/queues.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts';
import { promoteDueResultChecks } from '../helpers/follow-up-results.ts';
import { fakeClock, type FakeClock } from '../helpers/in-process-fenji.ts';
import { connectTestRedis, deleteByPrefix, uniquePrefix } from '../helpers/redis.ts';
import { waitForQueuesIdle } from '../helpers/wait-for.ts';

/** Shared set-up of the follow-up integration tests: sandbox + real Redis + the followups worker. */
export const policies = testPolicies;
export const TEXT = Object.fromEntries(Object.entries(policies.followUps.tiers).map(([t, f]) => [t, f.text]));
/** Monday 2026-01-05 10:00 in Shanghai; follow-ups go out 10:00-12:00. */
export const T0 = Date.UTC(2026, 0, 5, 2);
export const HOUR = 3_600_000;
export const TEMPLATE_PATH = 'externalcontact/add_msg_template';
const log = pino({ level: 'silent' });

export interface TemplateCall { chat_type: string; sender: string; external_userid: string[]; text: { content: string } }
export const task = (sender: string, ids: string[], tier: string): TemplateCall =>
  ({ chat_type: 'single', sender, external_userid: ids, text: { content: TEXT[tier]! } });

export interface FollowUpWorld {
  sandbox: Sandbox;
  redis: Redis;
  prefix: string;
  keys: RedisKeys;
  store: RedisContactStore;
  queue: Queue<FollowUpJobData>;
  followUps: FollowUpJobDeps;
  clock: FakeClock;
  worker: Worker;
  /** A customer in the sandbox and in Fenji, added by `rep` at `at`, then tiered (C: newly added). */
  customer(id: string, rep: string, at?: number): Promise<void>;
  /** Waits until the followups queue is idle (read-backs waiting for a later check aside). */
  idle(): Promise<void>;
  /** One planning run as the scheduler queues it, and everything it queued. */
  plan(): Promise<void>;
  /** Runs the read-backs due by the fake clock, whatever their BullMQ delay. */
  readBack(): Promise<void>;
  /** add_msg_template calls that created a task, sorted by sender and text. */
  templates(): TemplateCall[];
  pushes(id: string): Promise<number[]>;
  close(): Promise<void>;
}

export async function createFollowUpWorld(): Promise<FollowUpWorld> {
  const clock = fakeClock(T0);
  const sandbox = await startSandbox({ clock });
  sandbox.state.seed({ reps: [{ userid: 'zhangwei', name: '张伟' }, { userid: 'lina', name: '李娜' }] });
  const redis = connectTestRedis();
  const workerRedis = connectTestRedis();
  const prefix = uniquePrefix('followups');
  const keys = new RedisKeys(prefix);
  const store = new RedisContactStore({ redis, keys });
  const queue = new Queue<FollowUpJobData>(QUEUE_NAMES.followups, { connection: redis, prefix });
  const api = new WeComApi(new WeComClient({ apiBase: sandbox.url, corpId: C.corpId, agentId: C.agentId, secret: C.secret, redis, keys, log, clock, concurrencyRetryAfterMs: 50 }));
  const followUps: FollowUpJobDeps = {
    index: new RedisFollowUpIndex({ redis, keys }), store, ledger: new RedisFollowUpLedger({ redis, keys }), api,
    contacts: { store, directory: new WeComContactDirectory(api, clock), policy: policies.tiers, timeZone: 'Asia/Shanghai' },
    policy: policies.followUps, timeZone: 'Asia/Shanghai', clock,
  };
  const worker = createFollowUpWorker({ connection: workerRedis, prefix, queue, followUps, log });
  void worker.run();

  async function idle(): Promise<void> {
    await waitForQueuesIdle([queue]);
  }

  return {
    sandbox, redis, prefix, keys, store, queue, followUps, clock, worker, idle,
    async customer(id, rep, at = T0) {
      sandbox.state.seed({ contacts: [{ external_userid: id, name: id, follow: [rep] }] });
      await store.upsertContact({ externalUserId: id, name: id, type: 1, gender: 'unknown', profile: {}, createdAt: at, updatedAt: at,
        follows: [{ userId: rep, addedAt: at, changedAt: at, tagIds: [], status: 'active' }] });
      await settleTiers(followUps.contacts, [id], at);
    },
    async plan() {
      await queue.add(FOLLOWUPS_PLAN_JOB_NAME, {});
      await idle();
    },
    async readBack() {
      await promoteDueResultChecks(queue, clock.now());
      await idle();
    },
    templates: () => sandbox.calls.list({ path: TEMPLATE_PATH }).filter((c) => c.errcode === 0).map((c) => c.body as TemplateCall)
      .sort((a, b) => (a.sender + a.text.content).localeCompare(b.sender + b.text.content)),
    pushes: async (id) => (await store.get(id))!.engagement.pushes,
    async close() {
      await worker.close();
      await queue.close();
      await sandbox.close();
      await deleteByPrefix(redis, prefix);
      redis.disconnect();
      workerRedis.disconnect();
    },
  };
}
