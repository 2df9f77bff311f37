import { Queue, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { RedisFollowUpIndex } from '../../src/adapters/redis/follow-up-index.ts';
import { RedisDryRunLog } from '../../src/adapters/redis/dry-run-log.ts';
import { RedisOutreachLedger } from '../../src/adapters/redis/outreach-ledger.ts';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { RedisContactStore } from '../../src/adapters/redis/redis-contact-store.ts';
import { WeComClient } from '../../src/adapters/wecom-api/client.ts';
import { WeComContactDirectory } from '../../src/adapters/wecom-api/contact-directory.ts';
import { HttpWeComApi } from '../../src/adapters/wecom-api/endpoints.ts';
import { testPolicies } from '../helpers/tier-rules.ts';
import { SANDBOX_CREDENTIALS as C } from '../../src/config/sandbox-credentials.ts';
import { settleTiers } from '../../src/domain/contacts/settle-tiers.ts';
import type { OutreachPlanner } from '../../src/domain/outreach/outreach.ts';
import { FollowUpPlanner } from '../../src/domain/outreach/planners/follow-up.ts';
import type { GroupMsgRule } from '../../src/domain/outreach/receive-rule.ts';
import type { ContactReads } from '../../src/domain/ports.ts';
import { OUTREACH_NOTIFY_JOB_NAME, OUTREACH_PLAN_JOB_NAME, OUTREACH_RESULT_JOB_NAME, OUTREACH_SEND_JOB_NAME } from '../../src/jobs/outreach/job.ts';
import { groupMsgLimiter } from '../../src/jobs/outreach/limiter.ts';
import type { PlanOutreachDeps } from '../../src/jobs/outreach/plan-outreach.ts';
import { outreachJobHandlers, planQueues, type OutreachJobDeps } from '../../src/jobs/outreach/worker.ts';
import { createQueueWorker } from '../../src/jobs/queue-worker.ts';
import { QUEUE_NAMES } from '../../src/jobs/queues.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts';
import { promoteDueResultChecks } from '../helpers/follow-up-results.ts';
import { fakeClock, type FakeClock } from '../helpers/in-process-fenji.ts';
import { connectTestRedis, deleteByPrefix, uniquePrefix } from '../helpers/redis.ts';
import { waitForQueuesIdle } from '../helpers/wait-for.ts';

/** Shared set-up of the follow-up and outreach integration tests: sandbox + real Redis + the outreach workers. */
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
  /** The outreach queue (plans, read-backs, A lists) and the outreach-sends queue. */
  queue: Queue;
  sendQueue: Queue;
  outreach: OutreachJobDeps;
  /** The follow-up policy and what contacts are recorded with (as the outreach deps have them). */
  followUps: Pick<OutreachJobDeps, 'contacts'> & { policy: typeof testPolicies.followUps };
  clock: FakeClock;
  workers: Worker[];
  /** What a planning run is given (its sends go to the queues). */
  planDeps(): PlanOutreachDeps;
  pause(): Promise<void>;
  resume(): void;
  /** A customer in the sandbox and in Fenji, added by `rep` at `at`, then tiered (C: newly added). */
  customer(id: string, rep: string, at?: number): Promise<void>;
  /** Waits until the outreach queues are idle (read-backs waiting for a later check aside). */
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

export interface WorldOptions {
  /** Planners besides the follow-up one (a test's own kinds). */
  planners?: (deps: { store: Pick<ContactReads, 'get'>; clock: FakeClock }) => OutreachPlanner[];
  /** The corp's receive rule (default month, as WeCom's). */
  rule?: GroupMsgRule;
  /** FENJI_DRY_RUN=1: the dry ledger and the dry-run log, as the container builds them. */
  dryRun?: boolean;
  /** The clock of Fenji and the sandbox (default: a fake one at T0 that moves only when told). */
  clock?: FakeClock;
  /** How long a 45009 makes a job wait (the client's default is WeCom's minute). */
  frequencyRetryAfterMs?: number;
}

export async function createFollowUpWorld(options: WorldOptions = {}): Promise<FollowUpWorld & { dryRunLog: RedisDryRunLog | null }> {
  const clock = options.clock ?? fakeClock(T0);
  const sandbox = await startSandbox({ clock });
  sandbox.state.seed({ reps: [{ userid: 'zhangwei', name: '张伟' }, { userid: 'lina', name: '李娜' }] });
  const redis = connectTestRedis();
  const workerRedis = connectTestRedis();
  const prefix = uniquePrefix('followups');
  const keys = new RedisKeys(prefix);
  const store = new RedisContactStore({ redis, keys });
  const queue = new Queue(QUEUE_NAMES.outreach, { connection: redis, prefix });
  const sendQueue = new Queue(QUEUE_NAMES.outreachSends, { connection: redis, prefix });
  const api = new HttpWeComApi(new WeComClient({ apiBase: sandbox.url, corpId: C.corpId, agentId: C.agentId, secret: C.secret, redis, keys, log, clock, concurrencyRetryAfterMs: 50,
    ...(options.frequencyRetryAfterMs ? { frequencyRetryAfterMs: options.frequencyRetryAfterMs } : {}) }));
  const index = new RedisFollowUpIndex({ redis, keys });
  const contacts = { store, directory: new WeComContactDirectory(api, clock), policy: policies.tiers, timeZone: 'Asia/Shanghai' };
  const dryRunLog = options.dryRun ? new RedisDryRunLog({ redis, keys, log }) : null;
  const outreach: OutreachJobDeps = {
    planners: [new FollowUpPlanner({ index, store, policy: policies.followUps, timeZone: 'Asia/Shanghai' }), ...(options.planners?.({ store, clock }) ?? [])],
    prepare: () => index.backfillOnce(),
    store,
    ledger: new RedisOutreachLedger({ redis, keys: options.dryRun ? new RedisKeys(`${prefix}:dry`) : keys, timeZone: 'Asia/Shanghai', rule: options.rule ?? 'month', clock }),
    api, contacts, policy: policies.followUps, timeZone: 'Asia/Shanghai', clock,
    ...(dryRunLog ? { dryRun: dryRunLog } : {}),
  };
  const handlers = outreachJobHandlers({ queue, sendQueue, outreach });
  const base = { connection: workerRedis, prefix, log, limiters: { 'outreach-sends': groupMsgLimiter(10_000) } };
  const workers = [
    createQueueWorker(QUEUE_NAMES.outreach, { [OUTREACH_PLAN_JOB_NAME]: handlers.plan, [OUTREACH_RESULT_JOB_NAME]: handlers.result, [OUTREACH_NOTIFY_JOB_NAME]: handlers.notify }, base),
    createQueueWorker(QUEUE_NAMES.outreachSends, { [OUTREACH_SEND_JOB_NAME]: handlers.send }, base),
  ];
  for (const worker of workers) void worker.run();

  async function idle(): Promise<void> {
    await waitForQueuesIdle([queue, sendQueue]);
  }

  return {
    sandbox, redis, prefix, keys, store, queue, sendQueue, outreach, clock, workers, idle, dryRunLog,
    followUps: { contacts, policy: policies.followUps },
    planDeps: () => ({ ...outreach, jobs: planQueues(queue, sendQueue), quietHours: policies.followUps.quietHours }),
    pause: async () => void await Promise.all(workers.map((wk) => wk.pause())),
    resume: () => workers.forEach((wk) => wk.resume()),
    async customer(id, rep, at = T0) {
      sandbox.state.seed({ contacts: [{ external_userid: id, name: id, follow: [rep] }] });
      await store.upsertContact({ externalUserId: id, name: id, type: 1, gender: 'unknown', profile: {}, createdAt: at, updatedAt: at,
        follows: [{ userId: rep, addedAt: at, changedAt: at, tagIds: [], status: 'active' }] });
      await settleTiers(contacts, [id], at);
    },
    async plan() {
      await queue.add(OUTREACH_PLAN_JOB_NAME, {});
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
      for (const worker of workers) await worker.close();
      await queue.close();
      await sendQueue.close();
      await sandbox.close();
      await deleteByPrefix(redis, prefix);
      redis.disconnect();
      workerRedis.disconnect();
    },
  };
}
