import type { FollowUpLedger, SendOutcome } from '../../domain/outreach/ports.ts';
import type { WeComApi } from '../../adapters/wecom-api/endpoints.ts';
import { WeComApiError, WeComTransportError } from '../../adapters/wecom-api/errors.ts';
import type { Interaction } from '../../domain/contacts/contact.ts';
import { planFollowUp } from '../../domain/outreach/planners/follow-up.ts';
import type { FollowUpPolicy } from '../../domain/followups/policy.ts';
import { isSendAllowed, nextSendAllowedAt } from '../../domain/followups/send-window.ts';
import type { ContactReads } from '../../domain/ports.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/logger.ts';
import type { FollowUpResultJobData, FollowUpSendJobData } from './job.ts';
import { FAILED_HOLD_MS, FIRST_CHECK_MS, followUpResultJobId, pendingHoldMs } from './read-results.ts';
import { CLAIM_TTL_MS } from './plan-outreach.ts';

/** A contact WeCom put in fail_list is not tried again for this long (its claim is held). */
export { FAILED_HOLD_MS };
/** Claims of a created task's recipients outlast any retry of the job that records them. */
const RECORDING_HOLD_MS = 7 * 86_400_000;
/** "No customer can receive this mass message" (docs/wecom/api.md, 'Errcodes'): nothing was created. */
const NO_RECEIVER = 41048;
const ADD_MSG_TEMPLATE_PATH = '/cgi-bin/externalcontact/add_msg_template';
/** Network failures that happen before a request leaves: WeCom cannot have seen it. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);
/** Recipients re-read from the store at once before the call. */
const RECHECK_PARALLEL = 100;

export interface SendFollowUpDeps {
  store: Pick<ContactReads, 'get'>;
  ledger: FollowUpLedger;
  api: Pick<WeComApi, 'addMsgTemplate'>;
  /** Stores push interactions (idempotent by id) and re-tiers their contacts. */
  recordPushes(interactions: Interaction[], now: number): Promise<void>;
  /** Queues a task's read-back (followups.result) after `delayMs`; an existing job id is left alone. */
  results: { add(jobId: string, data: FollowUpResultJobData, delayMs: number): Promise<void> };
  policy: FollowUpPolicy;
  timeZone: string;
  clock: Clock;
  log: Logger;
}

export type SendResult =
  | { status: 'deferred'; until: number }
  | { status: 'nothing'; dropped: number }
  | { status: 'sent'; msgid: string | null; outcome: 'created' | 'unknown'; pushed: number; awaiting: number; failed: number; dropped: number };

/**
 * One follow-up task: re-checks every planned contact right before the call (one who
 * removed the rep, changed tier or rep, or was pushed meanwhile is dropped) and creates the
 * add_msg_template task from the rep. The task reaches nobody until the rep confirms it,
 * so its recipients not in fail_list stay claimed and a followups.result job reads back
 * who got it (follow-up-results.ts), which records their pushes at their send time.
 *
 * Never twice: the call's outcome is saved before and after it, so a retried job records
 * what the first attempt did instead of calling again. When WeCom may have created the
 * task but we cannot know (no answer, or a crash mid-call), the task counts as created:
 * a follow-up missed until the next cadence beats one the customer gets twice.
 * @throws WeCom errors when WeCom answered (nothing was created): the job retries.
 */
export async function sendFollowUp(deps: SendFollowUpDeps, jobId: string, data: FollowUpSendJobData): Promise<SendResult> {
  const saved = await deps.ledger.outcome(jobId);
  if (saved) {
    const outcome: SendOutcome = saved.state === 'calling' ? { state: 'unknown', recipients: saved.recipients, at: saved.at } : saved;
    if (saved.state === 'calling') deps.log.warn({ jobId }, 'follow-up task: an earlier attempt stopped during the call; counted as created, not sent again');
    return finish(deps, jobId, data, outcome, 0);
  }
  const now = deps.clock.now();
  if (!isSendAllowed(now, deps.policy, deps.timeZone)) return { status: 'deferred', until: nextSendAllowedAt(now, deps.policy, deps.timeZone) };

  const eligible: string[] = [];
  // Up to 10,000 recipients: read them RECHECK_PARALLEL at a time, not one round trip each.
  for (let i = 0; i < data.externalUserIds.length; i += RECHECK_PARALLEL) {
    const ids = data.externalUserIds.slice(i, i + RECHECK_PARALLEL);
    const records = await Promise.all(ids.map((id) => deps.store.get(id)));
    records.forEach((record, k) => {
      const decision = record ? planFollowUp(record, deps.policy, now, deps.timeZone) : null;
      if (decision?.status === 'due' && decision.userId === data.rep && decision.tier === data.tier) eligible.push(ids[k]!);
    });
  }
  const recipients = await deps.ledger.claim(eligible, jobId, CLAIM_TTL_MS);
  const heldSet = new Set(recipients);
  const dropped = data.externalUserIds.filter((id) => !heldSet.has(id));
  await deps.ledger.release(dropped, jobId);
  if (recipients.length === 0) return { status: 'nothing', dropped: dropped.length };

  await deps.ledger.saveOutcome(jobId, { state: 'calling', recipients, at: now });
  let outcome: SendOutcome;
  try {
    const res = await deps.api.addMsgTemplate({
      chat_type: 'single', sender: data.rep, external_userid: recipients, text: { content: deps.policy.tiers[data.tier].text },
    });
    outcome = { state: 'created', msgid: res.msgid, failList: res.fail_list ?? [], recipients, at: now };
  } catch (err) {
    if (err instanceof WeComApiError && err.errcode === NO_RECEIVER) {
      outcome = { state: 'created', msgid: null, failList: recipients, recipients, at: now };
    } else if (surelyNotSent(err)) {
      await deps.ledger.clearOutcome(jobId);
      throw err;
    } else {
      deps.log.warn({ jobId, err }, 'follow-up task: WeCom may or may not have created it; counted as created, not sent again');
      outcome = { state: 'unknown', recipients, at: now };
    }
  }
  await deps.ledger.saveOutcome(jobId, outcome);
  return finish(deps, jobId, data, outcome, dropped.length);
}

/** Hands a created task to its read-back, or records the pushes of one that may exist; then frees or holds the claims. */
async function finish(deps: SendFollowUpDeps, jobId: string, data: FollowUpSendJobData, outcome: SendOutcome, dropped: number): Promise<SendResult> {
  if (outcome.state === 'calling') throw new Error('finish() needs a settled outcome');
  await deps.ledger.hold(outcome.recipients, jobId, RECORDING_HOLD_MS);
  const failList = new Set(outcome.state === 'created' ? outcome.failList : []);
  const reached = outcome.recipients.filter((id) => !failList.has(id));
  const msgid = outcome.state === 'created' ? outcome.msgid : null;
  let pushed = 0;
  let awaiting = 0;
  if (msgid !== null) {
    // Created: the claims stay until the read-back settles each recipient (or gives up).
    const now = deps.clock.now();
    await deps.ledger.hold(reached, jobId, pendingHoldMs(outcome.at, deps.policy, now));
    const checkAt = outcome.at + FIRST_CHECK_MS;
    const result: FollowUpResultJobData = { msgid, rep: data.rep, sendJobId: jobId, createdAt: outcome.at, pending: reached, checkAt };
    if (reached.length > 0) await deps.results.add(followUpResultJobId(msgid, data.rep), result, Math.max(0, checkAt - now));
    awaiting = reached.length;
  } else {
    // Unknown outcome (no answer, or a crash mid-call): there is no msgid to read back, so
    // we cannot learn whether anyone got it. Counted as pushed at creation, as a missed
    // follow-up (one cadence late) beats one the customer gets twice.
    const interactions: Interaction[] = reached.map((id) => ({
      id: `push:unknown-${jobId}:${id}`, externalUserId: id, direction: 'outbound', channel: 'push', at: outcome.at, userId: data.rep,
    }));
    await deps.recordPushes(interactions, deps.clock.now());
    await deps.ledger.release(reached, jobId);
    pushed = reached.length;
  }
  await deps.ledger.hold([...failList], jobId, FAILED_HOLD_MS);
  return { status: 'sent', msgid, outcome: outcome.state, pushed, awaiting, failed: failList.size, dropped };
}

/** Whether WeCom cannot have created the task: it answered, or the request never left. */
function surelyNotSent(err: unknown): boolean {
  if (err instanceof WeComApiError) return true;
  if (!(err instanceof WeComTransportError)) return true;
  if (err.path !== ADD_MSG_TEMPLATE_PATH) return true;
  const code = ((err.cause as { cause?: { code?: unknown } } | undefined)?.cause)?.code;
  return typeof code === 'string' && NOT_SENT_CODES.has(code);
}
