import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../src/domain/tiers/policy.ts';
import { outreachResultJobId } from '../../src/jobs/outreach/read-results.ts';
import { waitingResultChecks } from '../helpers/follow-up-results.ts';
import { createFollowUpWorld, HOUR, T0, task, type FollowUpWorld } from './follow-ups.fixture.ts';

/** Day 7, 10:30 in Shanghai: the C customers added on day 0 are due. */
const CREATED = T0 + 7 * DAY_MS + 30 * 60_000;

describe('follow-up read-back: pushes recorded when the rep confirms (sandbox, real Redis)', () => {
  let w: FollowUpWorld;
  beforeEach(async () => {
    w = await createFollowUpWorld();
  });
  afterEach(() => w.close());

  /** Plans day 7's task for the given customers of 张伟 and returns its msgid. */
  async function createTask(ids: string[]): Promise<string> {
    for (const id of ids) await w.customer(id, 'zhangwei');
    w.clock.set(CREATED);
    await w.plan();
    expect(w.templates()).toEqual([task('zhangwei', [...ids].sort(), 'C')]);
    return [...w.sandbox.state.msgTemplates.values()].at(-1)!.msgid;
  }
  const state = async (msgid: string) => (await w.queue.getJob(outreachResultJobId(msgid, 'zhangwei')))?.getState();

  it('no push when the task is created; the rep confirms hours later and the push counts from then', async () => {
    const msgid = await createTask(['wmA', 'wmB']);
    expect(await w.pushes('wmA')).toEqual([]);
    // The first check, an hour later: not confirmed yet, so nothing, and it checks again later.
    w.clock.set(CREATED + HOUR);
    await w.readBack();
    expect(await w.pushes('wmA')).toEqual([]);
    expect(await state(msgid)).toBe('delayed');

    const confirmedAt = CREATED + 3 * HOUR;
    w.clock.set(confirmedAt);
    w.sandbox.simulate.confirmGroupMsg({ msgid });
    w.clock.set(CREATED + 5 * HOUR);
    await w.readBack();
    for (const id of ['wmA', 'wmB']) expect(await w.pushes(id)).toEqual([confirmedAt]);
    expect(await state(msgid)).toBe('completed');
    expect(await waitingResultChecks(w.queue)).toEqual([]);
    // The occasion is marked sent and the cadence counts from the confirmation: due again on day 14, not before.
    w.clock.set(T0 + 13 * DAY_MS + HOUR);
    await w.plan();
    expect(w.templates()).toHaveLength(1);
    w.clock.set(T0 + 14 * DAY_MS + HOUR);
    await w.plan();
    expect(w.templates()).toHaveLength(2);
  });

  it('never confirmed: after confirmWithinDays, no push and the contact is due again', async () => {
    const msgid = await createTask(['wmNever']);
    // Claimed meanwhile: the next days' runs leave it out.
    for (const d of [8, 9]) {
      w.clock.set(T0 + d * DAY_MS + HOUR);
      await w.readBack();
      await w.plan();
    }
    expect(w.templates()).toHaveLength(1);
    expect(await state(msgid)).toBe('delayed');
    // The limit (3 days after creation): one last read, then given up.
    w.clock.set(CREATED + w.followUps.policy.confirmWithinDays * DAY_MS);
    await w.readBack();
    expect(await state(msgid)).toBe('completed');
    expect((await w.queue.getJob(outreachResultJobId(msgid, 'zhangwei')))!.returnvalue).toEqual({ status: 'done', pushed: 0, failed: 0, gaveUp: 1 });
    expect(await w.pushes('wmNever')).toEqual([]);
    // The unsent part was cancelled in WeCom: the rep confirming it now sends nothing.
    expect(w.sandbox.calls.list({ path: 'externalcontact/cancel_groupmsg_send', errcode: 0 }).map((c) => c.body)).toEqual([{ msgid }]);
    expect(w.sandbox.simulate.confirmGroupMsg({ msgid })).toEqual({ confirmed: 0, notFriends: 0, capped: 0 });
    await w.plan();
    expect(w.templates()).toEqual([task('zhangwei', ['wmNever'], 'C'), task('zhangwei', ['wmNever'], 'C')]);
  });

  it('a customer who is no longer a friend when the rep confirms: no push, left alone for the rest of the day', async () => {
    const msgid = await createTask(['wmStays', 'wmGone']);
    await w.sandbox.simulate.customerDeletesRep({ userid: 'zhangwei', external_userid: 'wmGone' });
    w.clock.set(CREATED + 2 * HOUR);
    w.sandbox.simulate.confirmGroupMsg({ msgid });
    await w.readBack();
    expect(await w.pushes('wmStays')).toEqual([CREATED + 2 * HOUR]);
    expect(await w.pushes('wmGone')).toEqual([]);
    expect(await state(msgid)).toBe('completed');
    // Its day stays taken (day_taken), its occasion is free again: tried the next day.
    expect(await w.outreach.ledger.check([{ externalUserId: 'wmGone', occasionKey: 'followup:2026-01-12', counts: true }], CREATED)).toEqual(['day_taken']);
    expect(await w.outreach.ledger.check([{ externalUserId: 'wmGone', occasionKey: 'followup:2026-01-12', counts: true }], CREATED + DAY_MS)).toEqual(['ok']);
  });
});
