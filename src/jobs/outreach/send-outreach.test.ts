import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { LedgerItem, OutreachLedger, SendOutcome } from '../../domain/outreach/ports.ts';
import { FollowUpPlanner } from '../../domain/outreach/planners/follow-up.ts';
import type { AddMsgTemplateRequest, AddMsgTemplateResponse } from '../../wecom/api.ts';
import { WeComApiError, WeComTransportError } from '../../wecom/api-errors.ts';
import { testPolicies } from '../../../tests/helpers/tier-rules.ts';
import type { Interaction } from '../../domain/contacts/contact.ts';
import { emptyEngagement } from '../../domain/engagement/engagement.ts';
import type { ContactRecord } from '../../domain/ports.ts';
import type { OutreachResultJobData, OutreachSendJobData } from './job.ts';
import { FIRST_CHECK_MS } from './read-results.ts';
import { SETTLE_MS } from './find-created-task.ts';
import { sendOutreach, type SendOutreachDeps } from './send-outreach.ts';

const { followUps: policy } = testPolicies;
/** 2026-01-12 10:30 in Shanghai: a week after the contacts entered C. */
const NOW = Date.UTC(2026, 0, 12, 2, 30);
const SINCE = Date.UTC(2026, 0, 5, 2);
const ADD = '/cgi-bin/externalcontact/add_msg_template';
const JOB = 'outreach.run.followup.zhangwei.C';
const OCCASION = 'followup:2026-01-12';
const data: OutreachSendJobData = {
  kind: 'followup', rep: 'zhangwei', tier: 'C', text: policy.tiers.C.text, label: '跟进', externalUserIds: ['wm1', 'wm2'], occasions: [OCCASION], claimedAt: NOW, notBefore: NOW,
};

function record(id: string): ContactRecord {
  return {
    contact: { externalUserId: id, name: id, type: 1, gender: 'unknown', profile: {}, createdAt: SINCE, updatedAt: SINCE,
      follows: [{ userId: 'zhangwei', addedAt: SINCE, changedAt: SINCE, tagIds: [], status: 'active' }] },
    engagement: emptyEngagement(), orders: { count: 0, amount: 0, profit: 0, paid: 0, daysLate: 0 },
    tier: { tier: 'C', source: 'rules', reasons: [], since: SINCE, nextReviewAt: null, lifecycle: 'potential' }, override: null, value: null,
  };
}

type Mark = { owner: string; until: number | 'sent'; day: boolean };

/** In-memory ledger with the Redis one's owner semantics (one mark per customer; the day noted). */
function memoryLedger(): OutreachLedger & { claims: Map<string, Mark>; outcomes: Map<string, SendOutcome> } {
  const claims = new Map<string, Mark>();
  const outcomes = new Map<string, SendOutcome>();
  const mine = (items: readonly LedgerItem[], owner: string) => items.filter((i) => claims.get(i.externalUserId)?.owner === owner).map((i) => i.externalUserId);
  const claim = async (items: readonly LedgerItem[], owner: string, _at: number, until: number) => items.map((i) => {
    const held = claims.get(i.externalUserId);
    if (held && held.owner !== owner) return 'already_sent' as const;
    if (held?.until !== 'sent') claims.set(i.externalUserId, { owner, until, day: true });
    return 'ok' as const;
  });
  return {
    claims, outcomes, claim,
    claimEach: async (items, at, until) => (await Promise.all(items.map((i) => claim([i], i.owner, at, until)))).flat(),
    check: async (items) => items.map((i) => (claims.has(i.externalUserId) ? 'already_sent' : 'ok')),
    release: async (items, owner, _at, options) => void mine(items, owner).forEach((id) => {
      if (claims.get(id)!.until === 'sent') return;
      if (options?.keepDay) claims.set(id, { owner, until: 0, day: true });
      else claims.delete(id);
    }),
    hold: async (items, owner, _at, until) => void mine(items, owner).forEach((id) => claims.get(id)!.until !== 'sent' && claims.set(id, { owner, until, day: true })),
    markSent: async (items, owner) => void mine(items, owner).forEach((id) => claims.set(id, { owner, until: 'sent', day: true })),
    outcome: async (jobId) => outcomes.get(jobId) ?? null,
    saveOutcome: async (jobId, o) => void outcomes.set(jobId, o),
    clearOutcome: async (jobId) => void outcomes.delete(jobId),
  };
}

/** Tasks WeCom lists (get_groupmsg_list_v2) with their recipients, or an error it answers instead. */
type Listed = { msgid: string; text: string; recipients: string[] }[] | Error;

function setup(answer: (req: AddMsgTemplateRequest) => Promise<AddMsgTemplateResponse>, listed: Listed = []) {
  const ledger = memoryLedger();
  const requests: AddMsgTemplateRequest[] = [];
  const recorded: Interaction[] = [];
  const results: { jobId: string; data: OutreachResultJobData; delayMs: number }[] = [];
  const store = { get: async (id: string) => record(id), getMany: async (ids: string[]) => ids.map((id) => record(id)) };
  const deps: SendOutreachDeps = {
    store,
    planners: [new FollowUpPlanner({ store, index: { backfillOnce: async () => 0, candidates: async () => [] }, policy, timeZone: 'Asia/Shanghai' })],
    ledger,
    api: {
      addMsgTemplate: async (req) => (requests.push(req), answer(req)),
      getGroupmsgListV2: async () => {
        if (listed instanceof Error) throw listed;
        return { group_msg_list: listed.map((t) => ({ msgid: t.msgid, creator: 'zhangwei', create_time: NOW / 1000, create_type: 0, text: { content: t.text } })) };
      },
      getGroupmsgSendResult: async ({ msgid }) => ({
        send_list: (listed instanceof Error ? [] : listed.find((t) => t.msgid === msgid)?.recipients ?? []).map((id) => ({ external_userid: id, userid: 'zhangwei', status: 0 })),
      }),
    },
    recordPushes: async (list) => void recorded.push(...list),
    results: { add: async (jobId, d, delayMs) => void results.push({ jobId, data: d, delayMs }) },
    policy, timeZone: 'Asia/Shanghai', clock: { now: () => NOW }, log: pino({ level: 'silent' }),
  };
  return { deps, ledger, requests, recorded, results };
}

const connectionError = (code: string) => Object.assign(new TypeError('fetch failed'), { cause: { code } });

describe('sendOutreach', () => {
  it('creates the task, records no push yet and queues its read-back; the recipients stay claimed', async () => {
    const { deps, ledger, requests, recorded, results } = setup(async () => ({ msgid: 'msgA', fail_list: ['wm2'] }));
    expect(await sendOutreach(deps, JOB, data)).toEqual({ status: 'sent', msgid: 'msgA', outcome: 'created', pushed: 0, awaiting: 1, failed: 1, dropped: 0 });
    expect(requests).toEqual([{ chat_type: 'single', sender: 'zhangwei', external_userid: ['wm1', 'wm2'], text: { content: policy.tiers.C.text } }]);
    expect(recorded).toEqual([]);
    expect(results).toEqual([{
      jobId: 'outreach-result.msgA.zhangwei', delayMs: FIRST_CHECK_MS,
      data: { msgid: 'msgA', rep: 'zhangwei', sendJobId: JOB, createdAt: NOW, pending: ['wm1'], checkAt: NOW + FIRST_CHECK_MS, claimedAt: NOW, occasions: [OCCASION] },
    }]);
    // Claimed until the confirmation limit (3 days) and a day's margin.
    expect(ledger.claims.get('wm1')).toEqual({ owner: JOB, until: NOW + 4 * 86_400_000, day: true });
    // In fail_list: the occasion free again, today taken (tried tomorrow).
    expect(ledger.claims.get('wm2')).toEqual({ owner: JOB, until: 0, day: true });
  });

  it('a retry after the task was created queues the same read-back without calling WeCom again', async () => {
    const { deps, ledger, requests, recorded, results } = setup(async () => ({ msgid: 'msgB' }));
    ledger.outcomes.set(JOB, { state: 'created', msgid: 'msgA', failList: [], recipients: ['wm1', 'wm2'], at: NOW - 60_000 });
    await sendOutreach(deps, JOB, data);
    expect(requests).toEqual([]);
    expect(recorded).toEqual([]);
    expect(results.map((r) => [r.jobId, r.data.pending, r.data.createdAt, r.delayMs])).toEqual([['outreach-result.msgA.zhangwei', ['wm1', 'wm2'], NOW - 60_000, FIRST_CHECK_MS - 60_000]]);
  });

  it('a retry soon after an attempt stopped mid-call waits until WeCom has surely answered that call', async () => {
    const { deps, ledger, requests } = setup(async () => ({ msgid: 'msgB' }));
    ledger.outcomes.set(JOB, { state: 'calling', recipients: ['wm1', 'wm2'], at: NOW - 1000 });
    expect(await sendOutreach(deps, JOB, data)).toEqual({ status: 'deferred', until: NOW - 1000 + SETTLE_MS });
    expect(requests).toEqual([]);
  });

  it('a retry after an attempt stopped mid-call finds the task it created (same rep and text, our recipients) and reads it back, never calling twice', async () => {
    const text = policy.tiers.C.text;
    const listed = [{ msgid: 'msgOther', text, recipients: ['wm9'] }, { msgid: 'msgOtherText', text: '别的', recipients: ['wm1'] }, { msgid: 'msgA', text, recipients: ['wm1'] }];
    const { deps, ledger, requests, recorded, results } = setup(async () => ({ msgid: 'msgB' }), listed);
    ledger.outcomes.set(JOB, { state: 'calling', recipients: ['wm1', 'wm2'], at: NOW - SETTLE_MS });
    ledger.claims.set('wm1', { owner: JOB, until: NOW + 1, day: true });
    ledger.claims.set('wm2', { owner: JOB, until: NOW + 1, day: true });
    expect(await sendOutreach(deps, JOB, data)).toMatchObject({ status: 'sent', msgid: 'msgA', outcome: 'created', awaiting: 1, failed: 1 });
    expect(requests).toEqual([]);
    expect(recorded).toEqual([]);
    expect(results.map((r) => [r.jobId, r.data.pending])).toEqual([['outreach-result.msgA.zhangwei', ['wm1']]]);
    expect(ledger.outcomes.get(JOB)).toMatchObject({ state: 'created', msgid: 'msgA', failList: ['wm2'] });
  });

  it('a retry after an attempt stopped mid-call, whose request never reached WeCom (no such task), calls again', async () => {
    const { deps, ledger, requests, results } = setup(async () => ({ msgid: 'msgB' }), [{ msgid: 'msgOther', text: policy.tiers.C.text, recipients: ['wm9'] }]);
    ledger.outcomes.set(JOB, { state: 'calling', recipients: ['wm1', 'wm2'], at: NOW - SETTLE_MS });
    expect(await sendOutreach(deps, JOB, data)).toMatchObject({ status: 'sent', msgid: 'msgB', outcome: 'created', awaiting: 2 });
    expect(requests).toHaveLength(1);
    expect(results.map((r) => r.jobId)).toEqual(['outreach-result.msgB.zhangwei']);
  });

  it('a retry after an attempt stopped mid-call, when WeCom will not list its tasks, counts the task as created (never twice)', async () => {
    const refused = new WeComApiError({ errcode: 48002, errmsg: 'api forbidden', path: '/cgi-bin/externalcontact/get_groupmsg_list_v2' });
    const { deps, ledger, requests, recorded } = setup(async () => ({ msgid: 'msgB' }), refused);
    ledger.outcomes.set(JOB, { state: 'calling', recipients: ['wm1'], at: NOW - SETTLE_MS });
    ledger.claims.set('wm1', { owner: JOB, until: NOW + 1, day: true });
    expect(await sendOutreach(deps, JOB, data)).toMatchObject({ status: 'sent', outcome: 'unknown', pushed: 1, awaiting: 0 });
    expect(requests).toEqual([]);
    expect(recorded.map((i) => [i.id, i.at])).toEqual([[`push:unknown-${JOB}:wm1`, NOW - SETTLE_MS]]);
    expect(ledger.claims.get('wm1')).toEqual({ owner: JOB, until: 'sent', day: true });
  });

  it('no answer from WeCom (timeout, connection reset): counted as pushed at creation (no msgid to read back), not retried', async () => {
    const { deps, requests, recorded, results } = setup(async () => {
      throw new WeComTransportError(ADD, 'no answer within 10000 ms', new DOMException('timeout', 'TimeoutError'));
    });
    expect(await sendOutreach(deps, JOB, data)).toMatchObject({ status: 'sent', outcome: 'unknown', pushed: 2 });
    expect(requests).toHaveLength(1);
    expect(recorded.map((i) => i.at)).toEqual([NOW, NOW]);
    expect(results).toEqual([]);
  });

  it('WeCom answered an error, or the request never left: nothing recorded, the job retries', async () => {
    const cases = [
      new WeComApiError({ errcode: 40096, errmsg: 'invalid external userid', path: ADD }),
      new WeComTransportError(ADD, 'fetch failed (ECONNREFUSED)', connectionError('ECONNREFUSED')),
      new WeComTransportError('/cgi-bin/gettoken', 'no answer within 10000 ms'),
    ];
    for (const err of cases) {
      const { deps, ledger, recorded } = setup(async () => {
        throw err;
      });
      await expect(sendOutreach(deps, JOB, data)).rejects.toBe(err);
      expect(recorded).toEqual([]);
      expect(ledger.outcomes.get(JOB)).toBeUndefined();
      expect([...ledger.claims.values()].map((c) => c.owner)).toEqual([JOB, JOB]);
    }
  });

  it('41048 (nobody can receive): nothing recorded, the contacts held back for the day', async () => {
    const { deps, ledger, recorded, results } = setup(async () => {
      throw new WeComApiError({ errcode: 41048, errmsg: 'no valid receiver', path: ADD });
    });
    expect(await sendOutreach(deps, JOB, data)).toMatchObject({ status: 'sent', msgid: null, pushed: 0, awaiting: 0, failed: 2 });
    expect(recorded).toEqual([]);
    expect(results).toEqual([]);
    expect(ledger.claims.get('wm1')).toEqual({ owner: JOB, until: 0, day: true });
  });

  it('drops contacts claimed by another send, and waits out quiet hours (behaviour change: not the follow-up window)', async () => {
    const { deps, ledger, requests } = setup(async () => ({ msgid: 'msgA' }));
    ledger.claims.set('wm2', { owner: 'outreach.other.followup.zhangwei.C', until: NOW + 1, day: true });
    expect(await sendOutreach(deps, JOB, data)).toMatchObject({ status: 'sent', awaiting: 1, dropped: 1 });
    expect(requests[0]!.external_userid).toEqual(['wm1']);

    const night = { ...deps, clock: { now: () => NOW + 12 * 3_600_000 } };
    expect(await sendOutreach(night, 'followup.run2.zhangwei.C', data)).toEqual({ status: 'deferred', until: Date.UTC(2026, 0, 13, 1) });
  });
});
