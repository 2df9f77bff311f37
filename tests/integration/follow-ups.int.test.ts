import { Queue } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { settleTiers } from '../../src/domain/contacts/settle-tiers.ts';
import { DAY_MS } from '../../src/domain/tiers/policy.ts';
import { planOutreach } from '../../src/jobs/outreach/plan-outreach.ts';
import { OUTREACH_PLAN_EVERY_MS, OUTREACH_PLAN_JOB_NAME } from '../../src/jobs/outreach/job.ts';
import { QUEUE_NAMES } from '../../src/jobs/queues.ts';
import { syncQueueSchedules } from '../../src/jobs/scheduler.ts';
import { createFollowUpWorld, HOUR, T0, task, TEMPLATE_PATH, type FollowUpWorld, type TemplateCall } from './follow-ups.fixture.ts';

describe('follow-up pushes through add_msg_template (sandbox, real Redis)', () => {
  let w: FollowUpWorld;
  beforeEach(async () => {
    w = await createFollowUpWorld();
  });
  afterEach(() => w.close());

  const customer = (id: string, rep: string, at?: number) => w.customer(id, rep, at);
  const plan = () => w.plan();
  const calls = () => w.sandbox.calls.list({ path: TEMPLATE_PATH });
  const templates = () => w.templates();
  const pushes = (id: string) => w.pushes(id);

  it('one task per (rep, tier) with the tier’s text, only to customers due; pushes recorded once confirmed; reruns send nothing twice', async () => {
    for (const id of ['wmA1', 'wmA2']) await customer(id, 'zhangwei');
    await customer('wmL1', 'lina');
    await customer('wmLate', 'zhangwei', T0 + 2 * DAY_MS);
    // wmSeed: three messages make it B; we pushed it on day 4.
    await customer('wmSeed', 'zhangwei');
    for (const h of [1, 2, 3]) {
      await w.store.addInteraction({ id: `in-${h}`, externalUserId: 'wmSeed', direction: 'inbound', channel: 'message', at: T0 + 4 * DAY_MS + h * HOUR }, []);
    }
    await w.store.addInteraction({ id: 'old-push', externalUserId: 'wmSeed', direction: 'outbound', channel: 'push', at: T0 + 4 * DAY_MS }, []);
    await settleTiers(w.followUps.contacts, ['wmSeed'], T0 + 4 * DAY_MS + 4 * HOUR);
    expect((await w.store.get('wmSeed'))!.tier!.tier).toBe('B');

    // Day 7, 10:30: the C customers added on day 0 (every 7 days) and the B one (every 3 days since its push).
    const sentAt = T0 + 7 * DAY_MS + 30 * 60_000;
    w.clock.set(sentAt);
    await plan();
    expect(templates()).toEqual([task('lina', ['wmL1'], 'C'), task('zhangwei', ['wmSeed'], 'B'), task('zhangwei', ['wmA1', 'wmA2'], 'C')]);
    // Nobody is pushed until a rep confirms; 李娜 does an hour later, and Fenji reads it back.
    expect(await pushes('wmL1')).toEqual([]);
    const msgid = [...w.sandbox.state.msgTemplates.values()].find((t) => t.sender === 'lina')!.msgid;
    w.clock.set(sentAt + HOUR);
    w.sandbox.simulate.confirmGroupMsg({ msgid });
    await w.readBack();
    expect(await pushes('wmL1')).toEqual([sentAt + HOUR]);
    expect(await pushes('wmA1')).toEqual([]);
    expect(await pushes('wmLate')).toEqual([]);
    // Recorded as push:<msgid>:<external_userid>: the same interaction again is a duplicate.
    expect(await w.store.addInteraction({ id: `push:${msgid}:wmL1`, externalUserId: 'wmL1', direction: 'outbound', channel: 'push', at: sentAt + HOUR, userId: 'lina' }, [])).toBe('duplicate');

    // The same day again and the next day: nothing twice.
    await plan();
    w.clock.advance(HOUR);
    await plan();
    w.clock.advance(DAY_MS);
    await plan();
    expect(templates()).toHaveLength(3);

    // wmLate was added two days later: its day comes two days later.
    w.clock.set(T0 + 9 * DAY_MS + 30 * 60_000);
    await plan();
    expect(templates().filter((t) => t.external_userid.includes('wmLate'))).toEqual([task('zhangwei', ['wmLate'], 'C')]);
    expect(templates()).toHaveLength(4);
  });

  it('sends nothing outside the send window or in quiet hours, and goes out once the window opens', async () => {
    await customer('wmNight', 'zhangwei');
    w.clock.set(T0 + 7 * DAY_MS + 12 * HOUR); // 22:00 in Shanghai, due since midnight
    await plan();
    w.clock.set(T0 + 8 * DAY_MS - 2 * HOUR); // 08:00 the next day
    await plan();
    expect(calls()).toEqual([]);
    w.clock.set(T0 + 8 * DAY_MS + HOUR); // 11:00
    await plan();
    expect(templates()).toEqual([task('zhangwei', ['wmNight'], 'C')]);
  });

  it('re-checks right before sending: a customer who removed the rep after planning gets nothing, the other does', async () => {
    await customer('wmStays', 'zhangwei');
    await customer('wmLeaves', 'zhangwei');
    w.clock.set(T0 + 7 * DAY_MS + HOUR);
    await w.pause();
    const stats = await planOutreach(w.planDeps(), 'run-1');
    expect(stats).toMatchObject({ kinds: { followup: { due: 2, claimed: 2 } }, sends: 1, recipients: 2 });
    await w.store.applyRelationFacts('wmLeaves', [{ userId: 'zhangwei', status: 'removed_by_customer', at: w.clock.now() }]);
    await w.store.setCustomerLeft('wmLeaves', true);
    w.resume();
    await w.idle();
    expect(templates()).toEqual([task('zhangwei', ['wmStays'], 'C')]);
    expect(await pushes('wmLeaves')).toEqual([]);
  });

  it('overlapping and retried planning runs put each contact in one task only', async () => {
    for (const id of ['wmP1', 'wmP2']) await customer(id, 'zhangwei');
    await customer('wmP3', 'lina');
    w.clock.set(T0 + 7 * DAY_MS + HOUR);
    await w.pause();
    const deps = w.planDeps();
    const runs = await Promise.all([planOutreach(deps, 'run-1'), planOutreach(deps, 'run-2')]);
    expect(runs.reduce((n, r) => n + r.recipients, 0)).toBe(3);
    expect(runs.reduce((n, r) => n + (r.kinds.followup!.skipped.already_sent ?? 0), 0)).toBe(3);
    // A retry of a run finds its sends already queued (same ids) and queues nothing.
    expect(await planOutreach(deps, 'run-1')).toMatchObject({ kinds: { followup: { due: 3 } }, sends: 0 });
    expect(await planOutreach(deps, 'run-2')).toMatchObject({ kinds: { followup: { due: 3 } }, sends: 0 });
    w.resume();
    await w.idle();
    const recipients = templates().flatMap((t) => t.external_userid).sort();
    expect(recipients).toEqual(['wmP1', 'wmP2', 'wmP3']);
  });

  it('never twice: a call that may have reached WeCom is not repeated; one WeCom refused is retried', async () => {
    await customer('wmOne', 'zhangwei');
    await customer('wmTwo', 'lina');
    w.clock.set(T0 + 7 * DAY_MS + HOUR);
    w.sandbox.faults.dropNext(1, { path: TEMPLATE_PATH });
    w.sandbox.faults.failNext(1, 45033, { path: TEMPLATE_PATH });
    await plan();
    const [dropped, ...others] = [...calls()].sort((a, b) => (a.errcode ?? -1) - (b.errcode ?? -1));
    // The dropped call (no answer) is not repeated; the 45033 one is, once.
    expect([dropped!.errcode, ...others.map((c) => c.errcode)]).toEqual([null, 0, 45033]);
    expect(others[0]!.body).toEqual(others[1]!.body);
    expect(dropped!.body).not.toEqual(others[0]!.body);
    // The dropped one may have reached WeCom and has no msgid to read back: counted as pushed
    // at creation. The created one waits for its rep's confirmation.
    const droppedId = (dropped!.body as TemplateCall).external_userid[0]!;
    expect(await pushes(droppedId)).toEqual([w.clock.now()]);
    expect(await pushes(droppedId === 'wmOne' ? 'wmTwo' : 'wmOne')).toEqual([]);
    w.clock.advance(HOUR);
    await plan();
    expect(calls()).toHaveLength(3);
  });

  it('the scheduler role upserts one planning run every 15 minutes (idempotent), 2 jobs at a time, and drops the old followups schedule', async () => {
    const old = new Queue(QUEUE_NAMES.followups, { connection: w.redis, prefix: w.prefix });
    await old.upsertJobScheduler('followups-plan', { every: OUTREACH_PLAN_EVERY_MS }, { name: 'followups.plan' });
    expect(await syncQueueSchedules(old, 'Asia/Shanghai')).toEqual(['followups-plan']);
    const other = new Queue(QUEUE_NAMES.outreach, { connection: w.redis, prefix: w.prefix });
    await syncQueueSchedules(other, 'Asia/Shanghai');
    await syncQueueSchedules(other, 'Asia/Shanghai');
    const schedulers = await other.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.every, s.name])).toEqual([['outreach-plan', OUTREACH_PLAN_EVERY_MS, OUTREACH_PLAN_JOB_NAME]]);
    expect(await other.getGlobalConcurrency()).toBe(2);
    await other.removeJobScheduler('outreach-plan');
    await other.close();
    await old.close();
  });

  it('indexes contacts stored before the follow-up index existed, once', async () => {
    await customer('wmOld1', 'zhangwei');
    await customer('wmOld2', 'lina');
    await w.redis.del(...['A', 'B', 'C', 'D'].map((t) => w.keys.followUpDue(t)), w.keys.followUpIndexVersion());
    w.clock.set(T0 + 7 * DAY_MS + HOUR);
    await plan();
    expect(templates()).toEqual([task('lina', ['wmOld2'], 'C'), task('zhangwei', ['wmOld1'], 'C')]);
    expect(await w.redis.get(w.keys.followUpIndexVersion())).toBe('1');
  });
});
