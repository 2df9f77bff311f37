import type { Job } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../src/domain/tiers/policy.ts';
import { OUTREACH_SEND_CONCURRENCY } from '../../src/jobs/outreach/job.ts';
import { planOutreach } from '../../src/jobs/outreach/plan-outreach.ts';
import { tickingClock } from '../helpers/in-process-fenji.ts';
import { dayAfterT0, oneOccasionPlanner } from '../helpers/one-occasion-planner.ts';
import { waitForQueuesIdle } from '../helpers/wait-for.ts';
import { createFollowUpWorld, T0, TEMPLATE_PATH, type TemplateCall } from './follow-ups.fixture.ts';

const TEXTS = { A: '{name}，中秋快乐！', B: '中秋快乐！B', C: '中秋快乐！C', D: '中秋快乐！D' };
const REPS = Array.from({ length: 12 }, (_, r) => `rep${r}`);
const PER_REP = 3;
/** How long the sandbox answers 45009 to every add_msg_template, and how long a 45009 makes Fenji wait. */
const STORM_MS = 4000;
const RETRY_AFTER_MS = 1000;

/**
 * A 45009 storm from WeCom during a holiday campaign (issue 8, "Done when"): the sends
 * back off instead of hammering, no job fails or spends an attempt on it, and once the
 * storm is over every customer gets exactly one task.
 */
describe('a 45009 storm during a campaign', () => {
  let w: Awaited<ReturnType<typeof createFollowUpWorld>> | undefined;
  afterEach(() => w?.close());

  it('slows the campaign and loses nothing', async () => {
    const customers = REPS.flatMap((rep) => Array.from({ length: PER_REP }, (_, k) => ({ id: `wm${rep}x${k}`, rep })));
    const clock = tickingClock(T0);
    w = await createFollowUpWorld({
      clock, frequencyRetryAfterMs: RETRY_AFTER_MS,
      planners: ({ store }) => [oneOccasionPlanner(store, { kind: 'holiday', id: 'midAutumn', label: '中秋', date: dayAfterT0(1), at: 9 * 60 + 30, customers: customers.map((c) => c.id), texts: TEXTS })],
    });
    const world = w;
    world.sandbox.state.seed({ reps: REPS.map((userid) => ({ userid, name: userid })) });
    for (const c of customers) await world.customer(c.id, c.rep);
    clock.set(T0 + DAY_MS); // 10:00 on 中秋
    await world.pause();
    const stats = await planOutreach(world.planDeps(), 'storm-run');
    expect(stats.sends).toBe(REPS.length);

    world.sandbox.faults.add({ kind: 'storm', ms: STORM_MS, path: TEMPLATE_PATH });
    const stormFrom = clock.now();
    world.resume();
    await waitForQueuesIdle([world.queue, world.sendQueue], { timeoutMs: 30_000 });

    const calls = world.sandbox.calls.list({ path: TEMPLATE_PATH });
    const refused = calls.filter((c) => c.errcode === 45009);
    const inStorm = calls.filter((c) => c.at < stormFrom + STORM_MS);
    // The storm was met (every call in it refused) and ridden out: every customer in exactly one task.
    expect(refused.length).toBeGreaterThan(0);
    expect(inStorm.every((c) => c.errcode === 45009)).toBe(true);
    const created = calls.filter((c) => c.errcode === 0).map((c) => c.body as TemplateCall);
    expect(created.flatMap((t) => t.external_userid).sort()).toEqual(customers.map((c) => c.id).sort());
    expect(created.every((t) => t.text.content === TEXTS.C)).toBe(true);
    // Paused, not hammering: after a 45009 the whole queue waits, so each wait window lets
    // at most one round of sends through (≤ the send concurrency), not one call per send.
    const windows = Math.ceil(STORM_MS / RETRY_AFTER_MS) + 1;
    expect(inStorm.length).toBeLessThanOrEqual(windows * OUTREACH_SEND_CONCURRENCY);
    expect(inStorm.length).toBeLessThan(windows * REPS.length);

    // No job failed, and the waits spent no attempt: each send completed on its first.
    const sends: Job[] = await world.sendQueue.getJobs(['completed', 'failed']);
    expect(sends.map((j) => j.finishedOn !== undefined && j.failedReason === undefined)).toEqual(REPS.map(() => true));
    expect(sends.map((j) => j.attemptsMade)).toEqual(REPS.map(() => 1));
    for (const c of customers) expect(await world.store.get(c.id)).not.toBeNull();
  }, 60_000);
});
