import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { FollowUpLedger, SendOutcome } from '../../domain/outreach/ports.ts';
import type { AddMsgTemplateRequest, AddMsgTemplateResponse } from '../../adapters/wecom-api/endpoints.ts';
import { WeComApiError, WeComTransportError } from '../../adapters/wecom-api/errors.ts';
import { testPolicies } from '../../../tests/helpers/tier-rules.ts';
import type { Interaction } from '../../domain/contacts/contact.ts';
import { emptyEngagement } from '../../domain/engagement/engagement.ts';
import type { ContactRecord } from '../../domain/ports.ts';
import type { FollowUpResultJobData, FollowUpSendJobData } from './job.ts';
import { FIRST_CHECK_MS } from './read-results.ts';
import { FAILED_HOLD_MS, sendFollowUp, type SendFollowUpDeps } from './send-outreach.ts';

const { followUps: policy } = testPolicies;
/** 2026-01-12 10:30 in Shanghai: a week after the contacts entered C. */
const NOW = Date.UTC(2026, 0, 12, 2, 30);
const SINCE = Date.UTC(2026, 0, 5, 2);
const ADD = '/cgi-bin/externalcontact/add_msg_template';
const JOB = 'followup.run.zhangwei.C';
const data: FollowUpSendJobData = { rep: 'zhangwei', tier: 'C', externalUserIds: ['wm1', 'wm2'], plannedAt: NOW };

function record(id: string): ContactRecord {
  return {
    contact: { externalUserId: id, name: id, type: 1, gender: 'unknown', profile: {}, createdAt: SINCE, updatedAt: SINCE,
      follows: [{ userId: 'zhangwei', addedAt: SINCE, changedAt: SINCE, tagIds: [], status: 'active' }] },
    engagement: emptyEngagement(), orders: { count: 0, amount: 0, profit: 0, paid: 0, daysLate: 0 },
    tier: { tier: 'C', source: 'rules', reasons: [], since: SINCE, nextReviewAt: null, lifecycle: 'potential' }, override: null, value: null,
  };
}

/** In-memory ledger with the Redis one's semantics (owner-checked claims). */
function memoryLedger(): FollowUpLedger & { claims: Map<string, { owner: string; ttl: number }>; outcomes: Map<string, SendOutcome> } {
  const claims = new Map<string, { owner: string; ttl: number }>();
  const outcomes = new Map<string, SendOutcome>();
  const mine = (ids: readonly string[], owner: string) => ids.filter((id) => claims.get(id)?.owner === owner);
  return {
    claims, outcomes,
    claim: async (ids, owner, ttl) => ids.filter((id) => {
      const held = claims.get(id);
      if (held && held.owner !== owner) return false;
      claims.set(id, { owner, ttl });
      return true;
    }),
    release: async (ids, owner) => void mine(ids, owner).forEach((id) => claims.delete(id)),
    hold: async (ids, owner, ttl) => void mine(ids, owner).forEach((id) => claims.set(id, { owner, ttl })),
    outcome: async (jobId) => outcomes.get(jobId) ?? null,
    saveOutcome: async (jobId, o) => void outcomes.set(jobId, o),
    clearOutcome: async (jobId) => void outcomes.delete(jobId),
  };
}

function setup(answer: (req: AddMsgTemplateRequest) => Promise<AddMsgTemplateResponse>) {
  const ledger = memoryLedger();
  const requests: AddMsgTemplateRequest[] = [];
  const recorded: Interaction[] = [];
  const results: { jobId: string; data: FollowUpResultJobData; delayMs: number }[] = [];
  const deps: SendFollowUpDeps = {
    store: { get: async (id) => record(id) },
    ledger,
    api: { addMsgTemplate: async (req) => (requests.push(req), answer(req)) },
    recordPushes: async (list) => void recorded.push(...list),
    results: { add: async (jobId, d, delayMs) => void results.push({ jobId, data: d, delayMs }) },
    policy, timeZone: 'Asia/Shanghai', clock: { now: () => NOW }, log: pino({ level: 'silent' }),
  };
  return { deps, ledger, requests, recorded, results };
}

const connectionError = (code: string) => Object.assign(new TypeError('fetch failed'), { cause: { code } });

describe('sendFollowUp', () => {
  it('creates the task, records no push yet and queues its read-back; the recipients stay claimed', async () => {
    const { deps, ledger, requests, recorded, results } = setup(async () => ({ msgid: 'msgA', fail_list: ['wm2'] }));
    expect(await sendFollowUp(deps, JOB, data)).toEqual({ status: 'sent', msgid: 'msgA', outcome: 'created', pushed: 0, awaiting: 1, failed: 1, dropped: 0 });
    expect(requests).toEqual([{ chat_type: 'single', sender: 'zhangwei', external_userid: ['wm1', 'wm2'], text: { content: policy.tiers.C.text } }]);
    expect(recorded).toEqual([]);
    expect(results).toEqual([{
      jobId: 'followup-result.msgA.zhangwei', delayMs: FIRST_CHECK_MS,
      data: { msgid: 'msgA', rep: 'zhangwei', sendJobId: JOB, createdAt: NOW, pending: ['wm1'], checkAt: NOW + FIRST_CHECK_MS },
    }]);
    // Claimed until the confirmation limit (3 days) and a day's margin.
    expect(ledger.claims.get('wm1')).toEqual({ owner: JOB, ttl: 4 * 86_400_000 });
    expect(ledger.claims.get('wm2')).toEqual({ owner: JOB, ttl: FAILED_HOLD_MS });
  });

  it('a retry after the task was created queues the same read-back without calling WeCom again', async () => {
    const { deps, ledger, requests, recorded, results } = setup(async () => ({ msgid: 'msgB' }));
    ledger.outcomes.set(JOB, { state: 'created', msgid: 'msgA', failList: [], recipients: ['wm1', 'wm2'], at: NOW - 60_000 });
    await sendFollowUp(deps, JOB, data);
    expect(requests).toEqual([]);
    expect(recorded).toEqual([]);
    expect(results.map((r) => [r.jobId, r.data.pending, r.data.createdAt, r.delayMs])).toEqual([['followup-result.msgA.zhangwei', ['wm1', 'wm2'], NOW - 60_000, FIRST_CHECK_MS - 60_000]]);
  });

  it('a retry after an attempt stopped mid-call counts the task as created (never twice)', async () => {
    const { deps, ledger, requests, recorded } = setup(async () => ({ msgid: 'msgB' }));
    ledger.outcomes.set(JOB, { state: 'calling', recipients: ['wm1'], at: NOW });
    expect(await sendFollowUp(deps, JOB, data)).toMatchObject({ status: 'sent', outcome: 'unknown', pushed: 1, awaiting: 0 });
    expect(requests).toEqual([]);
    expect(recorded.map((i) => [i.id, i.at])).toEqual([[`push:unknown-${JOB}:wm1`, NOW]]);
    expect(ledger.claims.get('wm1')).toBeUndefined();
  });

  it('no answer from WeCom (timeout, connection reset): counted as pushed at creation (no msgid to read back), not retried', async () => {
    const { deps, requests, recorded, results } = setup(async () => {
      throw new WeComTransportError(ADD, 'no answer within 10000 ms', new DOMException('timeout', 'TimeoutError'));
    });
    expect(await sendFollowUp(deps, JOB, data)).toMatchObject({ status: 'sent', outcome: 'unknown', pushed: 2 });
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
      await expect(sendFollowUp(deps, JOB, data)).rejects.toBe(err);
      expect(recorded).toEqual([]);
      expect(ledger.outcomes.get(JOB)).toBeUndefined();
      expect([...ledger.claims.values()].map((c) => c.owner)).toEqual([JOB, JOB]);
    }
  });

  it('41048 (nobody can receive): nothing recorded, the contacts held back a day', async () => {
    const { deps, ledger, recorded, results } = setup(async () => {
      throw new WeComApiError({ errcode: 41048, errmsg: 'no valid receiver', path: ADD });
    });
    expect(await sendFollowUp(deps, JOB, data)).toMatchObject({ status: 'sent', msgid: null, pushed: 0, awaiting: 0, failed: 2 });
    expect(recorded).toEqual([]);
    expect(results).toEqual([]);
    expect(ledger.claims.get('wm1')).toEqual({ owner: JOB, ttl: FAILED_HOLD_MS });
  });

  it('drops contacts claimed by another send, and waits outside the send window', async () => {
    const { deps, ledger, requests } = setup(async () => ({ msgid: 'msgA' }));
    ledger.claims.set('wm2', { owner: 'followup.other.zhangwei.C', ttl: 1 });
    expect(await sendFollowUp(deps, JOB, data)).toMatchObject({ status: 'sent', awaiting: 1, dropped: 1 });
    expect(requests[0]!.external_userid).toEqual(['wm1']);

    const night = { ...deps, clock: { now: () => NOW + 12 * 3_600_000 } };
    expect(await sendFollowUp(night, 'followup.run2.zhangwei.C', data)).toEqual({ status: 'deferred', until: Date.UTC(2026, 0, 13, 2) });
  });
});
