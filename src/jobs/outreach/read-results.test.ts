import { describe, expect, it } from 'vitest';
import type { GetGroupmsgSendResultRequest, GetGroupmsgSendResultResponse } from '../../wecom/api.ts';
import { WeComRateLimitedError } from '../../wecom/api-errors.ts';
import type { Interaction } from '../../domain/contacts/contact.ts';
import type { OutreachResultJobData } from './job.ts';
import { CHECK_EVERY_MS, pushChannel, readOutreachResults, type ReadResultsDeps } from './read-results.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The task was created 2026-01-12 10:30 in Shanghai. */
const CREATED = Date.UTC(2026, 0, 12, 2, 30);
const SEND = 'outreach.run.followup.zhangwei.C';
const job = (pending: string[]): OutreachResultJobData =>
  ({ msgid: 'msgA', rep: 'zhangwei', sendJobId: SEND, createdAt: CREATED, pending, checkAt: CREATED + HOUR, claimedAt: CREATED, occasions: ['followup:2026-01-12'] });
/** A mark as the test ledger keeps it: its owner, and until when (or sent; 'day' = only today kept). */
type Mark = { owner: string; until: number | 'sent' | 'day' };
type Row = GetGroupmsgSendResultResponse['send_list'][number];
const row = (id: string, status: number, sendTime?: number): Row =>
  ({ external_userid: id, userid: 'zhangwei', status, ...(sendTime ? { send_time: sendTime } : {}) });

/** WeCom's answer as pages of `pageSize`, a ledger of the send job's claims, and what got recorded. */
function setup(rows: Row[], now: number, pageSize = 1000) {
  const claims = new Map<string, Mark>(['wm1', 'wm2', 'wm3', 'wm4'].map((id) => [id, { owner: SEND, until: CREATED + 4 * DAY }]));
  const mine = (items: readonly { externalUserId: string }[], owner: string) => items.map((i) => i.externalUserId).filter((id) => claims.get(id)?.owner === owner);
  const requests: GetGroupmsgSendResultRequest[] = [];
  const cancels: string[] = [];
  const hooks: { onCancel?: () => void } = {};
  const recorded = new Map<string, Interaction>();
  const clock = { now: () => now };
  const deps: ReadResultsDeps = {
    api: {
      getGroupmsgSendResult: async (req) => {
        requests.push(req);
        const from = req.cursor ? Number(req.cursor) : 0;
        const end = from + pageSize;
        return { send_list: rows.slice(from, end), next_cursor: end < rows.length ? String(end) : '' };
      },
      cancelGroupmsgSend: async (req) => {
        cancels.push(req.msgid);
        hooks.onCancel?.();
      },
    },
    ledger: {
      release: async (items, owner, _at, options) => void mine(items, owner).forEach((id) => (options?.keepDay ? claims.set(id, { owner, until: 'day' }) : claims.delete(id))),
      hold: async (items, owner, _at, until) => void mine(items, owner).forEach((id) => claims.set(id, { owner, until })),
      markSent: async (items, owner) => void mine(items, owner).forEach((id) => claims.set(id, { owner, until: 'sent' })),
    },
    // Idempotent by id, like the contact store.
    recordPushes: async (list) => void list.forEach((i) => recorded.set(i.id, i)),
    policy: { confirmWithinDays: 3 },
    clock,
  };
  return { deps, claims, requests, cancels, hooks, recorded, set: (ms: number) => void (now = ms) };
}

describe('readOutreachResults', () => {
  const confirmedAt = CREATED + 2 * HOUR;
  const rows = [row('wm1', 1, confirmedAt / 1000), row('wm2', 2), row('wm3', 3), row('wm4', 0)];

  it('sent → push at send_time, marked sent; not a friend or capped → no push, only the day kept; unsent → asked again later', async () => {
    const { deps, claims, requests, recorded } = setup(rows, CREATED + 3 * HOUR, 3);
    expect(await readOutreachResults(deps, job(['wm1', 'wm2', 'wm3', 'wm4']))).toEqual({
      status: 'waiting', pushed: 1, failed: 2, pending: ['wm4'], nextCheckAt: CREATED + 3 * HOUR + CHECK_EVERY_MS,
    });
    // Every page, the rep's part only.
    expect(requests).toEqual([{ msgid: 'msgA', userid: 'zhangwei', limit: 1000 }, { msgid: 'msgA', userid: 'zhangwei', limit: 1000, cursor: '3' }]);
    expect([...recorded.values()]).toEqual([{ id: 'push:msgA:wm1', externalUserId: 'wm1', direction: 'outbound', channel: 'push', at: confirmedAt, userId: 'zhangwei' }]);
    expect(claims.get('wm1')).toEqual({ owner: SEND, until: 'sent' });
    expect(claims.get('wm2')).toEqual({ owner: SEND, until: 'day' });
    expect(claims.get('wm3')).toEqual({ owner: SEND, until: 'day' });
    // Still claimed until the limit (3 days after creation) plus a day's margin.
    expect(claims.get('wm4')).toEqual({ owner: SEND, until: CREATED + 4 * DAY });
  });

  it('ends once every recipient is settled, and a re-run records nothing twice', async () => {
    const settled = [row('wm1', 1, confirmedAt / 1000), row('wm4', 1, (confirmedAt + HOUR) / 1000)];
    const { deps, claims, recorded } = setup(settled, CREATED + 5 * HOUR);
    const first = await readOutreachResults(deps, job(['wm1', 'wm4']));
    expect(first).toEqual({ status: 'done', pushed: 2, failed: 0, gaveUp: 0 });
    expect(await readOutreachResults(deps, job(['wm1', 'wm4']))).toEqual(first);
    expect([...recorded.keys()]).toEqual(['push:msgA:wm1', 'push:msgA:wm4']);
    expect(recorded.get('push:msgA:wm4')!.at).toBe(confirmedAt + HOUR);
    expect([...claims].filter(([, m]) => m.until === 'sent').map(([id]) => id)).toEqual(['wm1', 'wm4']);
  });

  it('only recipients still pending are settled: one settled at an earlier check is left alone', async () => {
    const { deps, claims, recorded } = setup(rows, CREATED + 9 * HOUR);
    claims.set('wm2', { owner: SEND, until: 1234 });
    expect(await readOutreachResults(deps, job(['wm4']))).toMatchObject({ status: 'waiting', pushed: 0, failed: 0, pending: ['wm4'] });
    expect(recorded.size).toBe(0);
    expect(claims.get('wm2')).toEqual({ owner: SEND, until: 1234 });
  });

  it('the last check falls on the limit; past it, the unsent part is cancelled and given up: no push, claims freed', async () => {
    const { deps, claims, cancels, recorded, set } = setup(rows, CREATED + 3 * DAY - HOUR);
    expect(await readOutreachResults(deps, job(['wm4']))).toMatchObject({ status: 'waiting', nextCheckAt: CREATED + 3 * DAY });
    expect(cancels).toEqual([]);
    set(CREATED + 3 * DAY);
    expect(await readOutreachResults(deps, job(['wm4']))).toEqual({ status: 'done', pushed: 0, failed: 0, gaveUp: 1 });
    expect(cancels).toEqual(['msgA']);
    expect(recorded.size).toBe(0);
    expect(claims.has('wm4')).toBe(false);
  });

  it('a confirmation just before the cancel still counts: the status is read again after cancelling', async () => {
    const live = [...rows];
    const { deps, cancels, hooks, recorded } = setup(live, CREATED + 3 * DAY);
    hooks.onCancel = () => void (live[3] = row('wm4', 1, (CREATED + 3 * DAY - 1000) / 1000));
    expect(await readOutreachResults(deps, job(['wm4']))).toEqual({ status: 'done', pushed: 1, failed: 0, gaveUp: 0 });
    expect(cancels).toEqual(['msgA']);
    expect(recorded.get('push:msgA:wm4')!.at).toBe(CREATED + 3 * DAY - 1000);
  });

  it('nothing to give up (all settled at the limit): no cancel', async () => {
    const { deps, cancels } = setup([row('wm1', 1, confirmedAt / 1000)], CREATED + 3 * DAY);
    expect(await readOutreachResults(deps, job(['wm1']))).toMatchObject({ status: 'done', pushed: 1 });
    expect(cancels).toEqual([]);
  });

  it('a recipient WeCom does not list counts as unsent; another owner’s claim is never freed', async () => {
    const { deps, claims } = setup([], CREATED + 4 * DAY);
    claims.set('wm4', { owner: 'outreach.later.followup.zhangwei.C', until: 1 });
    expect(await readOutreachResults(deps, job(['wm1', 'wm4']))).toEqual({ status: 'done', pushed: 0, failed: 0, gaveUp: 2 });
    expect(claims.has('wm1')).toBe(false);
    expect(claims.get('wm4')).toEqual({ owner: 'outreach.later.followup.zhangwei.C', until: 1 });
  });

  it('a WeCom error is thrown to the job before anything is settled', async () => {
    const { deps, claims, recorded } = setup(rows, CREATED + 3 * HOUR);
    const err = new WeComRateLimitedError({ errcode: 45009, errmsg: 'api freq out of limit', path: '/cgi-bin/externalcontact/get_groupmsg_send_result' }, 60_000);
    deps.api = { ...deps.api, getGroupmsgSendResult: async () => Promise.reject(err) };
    await expect(readOutreachResults(deps, job(['wm1', 'wm4']))).rejects.toBe(err);
    expect(recorded.size).toBe(0);
    expect(claims.get('wm1')).toEqual({ owner: SEND, until: CREATED + 4 * DAY });
  });
});

describe('readOutreachResults: a greeting is recorded as a greeting', () => {
  it('a follow-up recipient gets a push, a holiday greeting recipient of the same task a greeting (which leaves the follow-up cadence alone)', async () => {
    const confirmedAt = CREATED + 2 * HOUR;
    const { deps, recorded } = setup([row('wm1', 1, confirmedAt / 1000), row('wm2', 1, confirmedAt / 1000)], CREATED + 3 * HOUR);
    const data: OutreachResultJobData = { ...job(['wm1', 'wm2']), occasions: ['followup:2026-01-12', 'holiday:midAutumn:2026'], occasionOf: [0, 1] };
    await readOutreachResults(deps, data);
    expect([...recorded.values()].map((i) => [i.externalUserId, i.channel])).toEqual([['wm1', 'push'], ['wm2', 'greeting']]);
  });

  it('pushChannel: follow-ups and old followups tasks (no key) are pushes; every other kind a greeting', () => {
    expect(['followup:2026-01-12', '', 'holiday:midAutumn:2026', 'birthday:2026', 'aftersale:2026-09-16:7'].map(pushChannel)).toEqual(['push', 'push', 'greeting', 'greeting', 'greeting']);
  });
});
