import { Queue, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisFollowUpIndex } from '../../src/adapters/redis/follow-up-index.ts';
import { RedisFollowUpLedger } from '../../src/adapters/redis/follow-up-ledger.ts';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { RedisContactStore } from '../../src/adapters/redis/redis-contact-store.ts';
import { WeComClient } from '../../src/adapters/wecom-api/client.ts';
import { WeComContactDirectory } from '../../src/adapters/wecom-api/contact-directory.ts';
import { WeComApi } from '../../src/adapters/wecom-api/endpoints.ts';
import { loadPolicies } from '../../src/config/load-tier-policy.ts';
import { SANDBOX_CREDENTIALS as C } from '../../src/config/sandbox-credentials.ts';
import { settleTiers } from '../../src/domain/contacts/settle-tiers.ts';
import { DAY_MS } from '../../src/domain/tiers/policy.ts';
import { planFollowUps } from '../../src/jobs/followups/plan-follow-ups.ts';
import { createFollowUpWorker, sendQueue, type FollowUpJobDeps } from '../../src/jobs/followups/worker.ts';
import { FOLLOWUPS_PLAN_JOB_NAME, QUEUE_NAMES, type FollowUpJobData } from '../../src/jobs/queues.ts';
import { FOLLOWUPS_PLAN_EVERY_MS, upsertFollowUpSchedule } from '../../src/jobs/schedules.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts';
import { fakeClock, type FakeClock } from '../helpers/in-process-fenji.ts';
import { connectTestRedis, deleteByPrefix, uniquePrefix } from '../helpers/redis.ts';

const policies = loadPolicies('config/tiers.jsonc');
const TEXT = Object.fromEntries(Object.entries(policies.followUps.tiers).map(([t, f]) => [t, f.text]));
const log = pino({ level: 'silent' });
/** Monday 2026-01-05 10:00 in Shanghai; follow-ups go out 10:00-12:00. */
const T0 = Date.UTC(2026, 0, 5, 2);
const HOUR = 3_600_000;
const PATH = 'externalcontact/add_msg_template';

interface TemplateCall { chat_type: string; sender: string; external_userid: string[]; text: { content: string } }
const task = (sender: string, ids: string[], tier: string): TemplateCall => ({ chat_type: 'single', sender, external_userid: ids, text: { content: TEXT[tier]! } });

describe('follow-up pushes through add_msg_template (sandbox, real Redis)', () => {
  let sandbox: Sandbox;
  let redis: Redis;
  let workerRedis: Redis;
  let prefix: string;
  let keys: RedisKeys;
  let store: RedisContactStore;
  let queue: Queue<FollowUpJobData>;
  let followUps: FollowUpJobDeps;
  let clock: FakeClock;
  let worker: Worker;

  beforeEach(async () => {
    clock = fakeClock(T0);
    sandbox = await startSandbox({ clock });
    sandbox.state.seed({ reps: [{ userid: 'zhangwei', name: '张伟' }, { userid: 'lina', name: '李娜' }] });
    redis = connectTestRedis();
    workerRedis = connectTestRedis();
    prefix = uniquePrefix('followups');
    keys = new RedisKeys(prefix);
    store = new RedisContactStore({ redis, keys });
    queue = new Queue<FollowUpJobData>(QUEUE_NAMES.followups, { connection: redis, prefix });
    const api = new WeComApi(new WeComClient({ apiBase: sandbox.url, corpId: C.corpId, agentId: C.agentId, secret: C.secret, redis, keys, log, clock, concurrencyRetryAfterMs: 50 }));
    followUps = {
      index: new RedisFollowUpIndex({ redis, keys }), store, ledger: new RedisFollowUpLedger({ redis, keys }), api,
      contacts: { store, directory: new WeComContactDirectory(api, clock), policy: policies.tiers, timeZone: 'Asia/Shanghai' },
      policy: policies.followUps, timeZone: 'Asia/Shanghai', clock,
    };
    worker = createFollowUpWorker({ connection: workerRedis, prefix, queue, followUps, log });
    void worker.run();
  });

  afterEach(async () => {
    await worker.close();
    await queue.close();
    await sandbox.close();
    await deleteByPrefix(redis, prefix);
    redis.disconnect();
    workerRedis.disconnect();
  });

  /** A customer in the sandbox and in Fenji, added by `rep` at `at`, then tiered (C: newly added). */
  async function customer(id: string, rep: string, at = T0): Promise<void> {
    sandbox.state.seed({ contacts: [{ external_userid: id, name: id, follow: [rep] }] });
    await store.upsertContact({ externalUserId: id, name: id, type: 1, gender: 'unknown', profile: {}, createdAt: at, updatedAt: at,
      follows: [{ userId: rep, addedAt: at, changedAt: at, tagIds: [], status: 'active' }] });
    await settleTiers(followUps.contacts, [id], at);
  }

  async function idle(): Promise<void> {
    const deadline = Date.now() + 15_000;
    for (let quiet = 0; quiet < 2;) {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      quiet = Object.values(counts).every((n) => n === 0) ? quiet + 1 : 0;
      if (Date.now() > deadline) throw new Error(`followups queue still busy: ${JSON.stringify(counts)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** One planning run as the scheduler queues it, and everything it queued. */
  async function plan(): Promise<void> {
    await queue.add(FOLLOWUPS_PLAN_JOB_NAME, {});
    await idle();
  }

  const calls = () => sandbox.calls.list({ path: PATH });
  const templates = (): TemplateCall[] => calls().filter((c) => c.errcode === 0).map((c) => c.body as TemplateCall)
    .sort((a, b) => (a.sender + a.text.content).localeCompare(b.sender + b.text.content));
  const pushes = async (id: string) => (await store.get(id))!.engagement.pushes;

  it('one task per (rep, tier) with the tier’s text, only to customers due; pushes recorded; reruns send nothing twice', async () => {
    for (const id of ['wmA1', 'wmA2']) await customer(id, 'zhangwei');
    await customer('wmL1', 'lina');
    await customer('wmLate', 'zhangwei', T0 + 2 * DAY_MS);
    // wmSeed: three messages make it B; we pushed it on day 4.
    await customer('wmSeed', 'zhangwei');
    for (const h of [1, 2, 3]) {
      await store.addInteraction({ id: `in-${h}`, externalUserId: 'wmSeed', direction: 'inbound', channel: 'message', at: T0 + 4 * DAY_MS + h * HOUR }, []);
    }
    await store.addInteraction({ id: 'old-push', externalUserId: 'wmSeed', direction: 'outbound', channel: 'push', at: T0 + 4 * DAY_MS }, []);
    await settleTiers(followUps.contacts, ['wmSeed'], T0 + 4 * DAY_MS + 4 * HOUR);
    expect((await store.get('wmSeed'))!.tier!.tier).toBe('B');

    // Day 7, 10:30: the C customers added on day 0 (every 7 days) and the B one (every 3 days since its push).
    const sentAt = T0 + 7 * DAY_MS + 30 * 60_000;
    clock.set(sentAt);
    await plan();
    expect(templates()).toEqual([task('lina', ['wmL1'], 'C'), task('zhangwei', ['wmSeed'], 'B'), task('zhangwei', ['wmA1', 'wmA2'], 'C')]);
    expect(await pushes('wmL1')).toEqual([sentAt]);
    expect(await pushes('wmLate')).toEqual([]);
    // Recorded as push:<msgid>:<external_userid>: the same interaction again is a duplicate.
    const msgid = [...sandbox.state.msgTemplates.values()].find((t) => t.sender === 'lina')!.msgid;
    expect(await store.addInteraction({ id: `push:${msgid}:wmL1`, externalUserId: 'wmL1', direction: 'outbound', channel: 'push', at: sentAt }, [])).toBe('duplicate');

    // The same day again and the next day: nothing twice.
    await plan();
    clock.advance(HOUR);
    await plan();
    clock.advance(DAY_MS);
    await plan();
    expect(templates()).toHaveLength(3);

    // wmLate was added two days later: its day comes two days later.
    clock.set(T0 + 9 * DAY_MS + 30 * 60_000);
    await plan();
    expect(templates().filter((t) => t.external_userid.includes('wmLate'))).toEqual([task('zhangwei', ['wmLate'], 'C')]);
    expect(templates()).toHaveLength(4);
  });

  it('sends nothing outside the send window or in quiet hours, and goes out once the window opens', async () => {
    await customer('wmNight', 'zhangwei');
    clock.set(T0 + 7 * DAY_MS + 12 * HOUR); // 22:00 in Shanghai, due since midnight
    await plan();
    clock.set(T0 + 8 * DAY_MS - 2 * HOUR); // 08:00 the next day
    await plan();
    expect(calls()).toEqual([]);
    clock.set(T0 + 8 * DAY_MS + HOUR); // 11:00
    await plan();
    expect(templates()).toEqual([task('zhangwei', ['wmNight'], 'C')]);
  });

  it('re-checks right before sending: a customer who removed the rep after planning gets nothing, the other does', async () => {
    await customer('wmStays', 'zhangwei');
    await customer('wmLeaves', 'zhangwei');
    clock.set(T0 + 7 * DAY_MS + HOUR);
    await worker.pause();
    const stats = await planFollowUps({ ...followUps, sends: sendQueue(queue) }, 'run-1');
    expect(stats).toMatchObject({ due: 2, sends: 1, recipients: 2 });
    await store.applyRelationFacts('wmLeaves', [{ userId: 'zhangwei', status: 'removed_by_customer', at: clock.now() }]);
    await store.setCustomerLeft('wmLeaves', true);
    await worker.resume();
    await idle();
    expect(templates()).toEqual([task('zhangwei', ['wmStays'], 'C')]);
    expect(await pushes('wmLeaves')).toEqual([]);
  });

  it('overlapping and retried planning runs put each contact in one task only', async () => {
    for (const id of ['wmP1', 'wmP2']) await customer(id, 'zhangwei');
    await customer('wmP3', 'lina');
    clock.set(T0 + 7 * DAY_MS + HOUR);
    await worker.pause();
    const deps = { ...followUps, sends: sendQueue(queue) };
    const runs = await Promise.all([planFollowUps(deps, 'run-1'), planFollowUps(deps, 'run-2')]);
    expect(runs.reduce((n, r) => n + r.recipients, 0)).toBe(3);
    expect(runs.reduce((n, r) => n + r.claimedElsewhere, 0)).toBe(3);
    // A retry of a run finds its sends already queued (same ids) and queues nothing.
    expect(await planFollowUps(deps, 'run-1')).toMatchObject({ due: 3, sends: 0 });
    expect(await planFollowUps(deps, 'run-2')).toMatchObject({ due: 3, sends: 0 });
    await worker.resume();
    await idle();
    const recipients = templates().flatMap((t) => t.external_userid).sort();
    expect(recipients).toEqual(['wmP1', 'wmP2', 'wmP3']);
  });

  it('never twice: a call that may have reached WeCom is not repeated; one WeCom refused is retried', async () => {
    await customer('wmOne', 'zhangwei');
    await customer('wmTwo', 'lina');
    clock.set(T0 + 7 * DAY_MS + HOUR);
    sandbox.faults.dropNext(1, { path: PATH });
    sandbox.faults.failNext(1, 45033, { path: PATH });
    await plan();
    const [dropped, ...others] = [...calls()].sort((a, b) => (a.errcode ?? -1) - (b.errcode ?? -1));
    // The dropped call (no answer) is not repeated; the 45033 one is, once.
    expect([dropped!.errcode, ...others.map((c) => c.errcode)]).toEqual([null, 0, 45033]);
    expect(others[0]!.body).toEqual(others[1]!.body);
    expect(dropped!.body).not.toEqual(others[0]!.body);
    // Both count as pushed: the dropped one may have reached WeCom.
    for (const id of ['wmOne', 'wmTwo']) expect(await pushes(id)).toEqual([clock.now()]);
    clock.advance(HOUR);
    await plan();
    expect(calls()).toHaveLength(3);
  });

  it('the scheduler role upserts one planning run every 15 minutes (idempotent), 2 jobs at a time', async () => {
    const other = new Queue(QUEUE_NAMES.followups, { connection: redis, prefix });
    await upsertFollowUpSchedule(other);
    await upsertFollowUpSchedule(other);
    const schedulers = await other.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.every, s.name])).toEqual([['followups-plan', FOLLOWUPS_PLAN_EVERY_MS, FOLLOWUPS_PLAN_JOB_NAME]]);
    expect(await other.getGlobalConcurrency()).toBe(2);
    await other.removeJobScheduler('followups-plan');
    await other.close();
  });

  it('indexes contacts stored before the follow-up index existed, once', async () => {
    await customer('wmOld1', 'zhangwei');
    await customer('wmOld2', 'lina');
    await redis.del(...['A', 'B', 'C', 'D'].map((t) => keys.followUpDue(t)), keys.followUpIndexVersion());
    clock.set(T0 + 7 * DAY_MS + HOUR);
    await plan();
    expect(templates()).toEqual([task('lina', ['wmOld2'], 'C'), task('zhangwei', ['wmOld1'], 'C')]);
    expect(await redis.get(keys.followUpIndexVersion())).toBe('1');
  });
});
