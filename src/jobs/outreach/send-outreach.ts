import type { WeComApi } from '../../wecom/api.ts';
import { WeComApiError } from '../../wecom/api-errors.ts';
import type { Interaction } from '../../domain/contacts/contact.ts';
import type { FollowUpPolicy } from '../../domain/followups/policy.ts';
import type { OutreachItem } from '../../domain/outreach/outreach.ts';
import type { DryRunRecorder, OutreachLedger, SendOutcome } from '../../domain/outreach/ports.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/logger.ts';
import { packRecipients, unpackRecipients, type OutreachResultJobData, type OutreachSendJobData } from './job.ts';
import { CLAIM_TTL_MS, ledgerItem } from './plan-outreach.ts';
import { FIRST_CHECK_MS, outreachResultJobId, pendingUntil, pushChannel } from './read-results.ts';
import { findCreatedTask, SETTLE_MS } from './find-created-task.ts';
import { recheck, surelyNotSent, waitUntil, type RecheckDeps } from './recheck.ts';

/** The marks of a created task's recipients outlast any retry of the job that records them. */
const RECORDING_HOLD_MS = 7 * 86_400_000;
/** "No customer can receive this mass message" (docs/wecom/api.md, 'Errcodes'): nothing was created. */
const NO_RECEIVER = 41048;
const ADD_MSG_TEMPLATE_PATH = '/cgi-bin/externalcontact/add_msg_template';

export interface SendOutreachDeps extends RecheckDeps {
  ledger: OutreachLedger;
  api: Pick<WeComApi, 'addMsgTemplate' | 'getGroupmsgListV2' | 'getGroupmsgSendResult'>;
  /** Stores push interactions (idempotent by id) and re-tiers their contacts. */
  recordPushes(interactions: Interaction[], now: number): Promise<void>;
  /** Queues a task's read-back (outreach.result) after `delayMs`; an existing job id is left alone. */
  results: { add(jobId: string, data: OutreachResultJobData, delayMs: number): Promise<void> };
  policy: Pick<FollowUpPolicy, 'quietHours' | 'confirmWithinDays'>;
  clock: Clock;
  log: Logger;
  /** Set in a dry run: what would be sent is recorded here and WeCom is never called. */
  dryRun?: DryRunRecorder;
}

export type SendResult =
  | { status: 'deferred'; until: number }
  | { status: 'nothing'; dropped: number }
  | { status: 'dry_run'; recipients: number; dropped: number }
  | { status: 'sent'; msgid: string | null; outcome: 'created' | 'unknown'; pushed: number; awaiting: number; failed: number; dropped: number };

/**
 * One 企业群发 task of any kind: re-checks every planned recipient right before the call
 * (one who left, opted out, changed tier or rep, or is no longer due is dropped and their
 * marks released) and creates the add_msg_template task from the rep. It reaches nobody
 * until the rep confirms it, so its recipients stay claimed and an outreach.result job
 * reads back who got it (read-results.ts), which records their pushes at send_time.
 *
 * Never twice: the call's outcome is saved before and after it, so a retried job finishes
 * what the first attempt did instead of calling again. After a crash mid-call the retry
 * looks the task up (findCreatedTask): found, it is read back like any; surely not created,
 * it calls again. When WeCom may have created the task but we cannot know (no answer, or
 * WeCom will not list it), it counts as created and sent: a message missed beats one the
 * customer gets twice.
 * @throws WeCom errors when WeCom answered (nothing was created): the job retries.
 */
export async function sendOutreach(deps: SendOutreachDeps, jobId: string, data: OutreachSendJobData): Promise<SendResult> {
  const saved = await deps.ledger.outcome(jobId);
  if (saved && saved.state !== 'calling') return finish(deps, jobId, data, saved, 0);
  if (saved) {
    // An earlier attempt died during its call: ask WeCom whether the task exists.
    if (deps.clock.now() < saved.at + SETTLE_MS) return { status: 'deferred', until: saved.at + SETTLE_MS };
    const found = await findCreatedTask(deps.api, { rep: data.rep, text: data.text, recipients: saved.recipients, at: saved.at }, deps.clock.now());
    deps.log.warn({ jobId, found: found.state }, 'outreach task: an earlier attempt stopped during the call; looked for its task');
    if (found.state !== 'not_created') {
      const outcome: SendOutcome = found.state === 'created'
        ? { state: 'created', msgid: found.msgid, failList: found.failList, recipients: saved.recipients, at: saved.at }
        : { state: 'unknown', recipients: saved.recipients, at: saved.at };
      await deps.ledger.saveOutcome(jobId, outcome);
      return finish(deps, jobId, data, outcome, 0);
    }
    // The request never reached WeCom: this attempt calls again.
    await deps.ledger.clearOutcome(jobId);
  }
  const now = deps.clock.now();
  const until = waitUntil(deps, now, data.notBefore);
  if (until !== null) return { status: 'deferred', until };

  const planned: OutreachItem[] = unpackRecipients(data).map((r) => ({ ...r, kind: data.kind, rep: data.rep, tier: data.tier, text: data.text, label: data.label, notBefore: data.notBefore }));
  const { keep, drop } = await recheck(deps, data.kind, planned, now);
  const verdicts = await deps.ledger.claim(keep.map((i) => ledgerItem(i, true)), jobId, data.claimedAt, now + CLAIM_TTL_MS);
  const mine = keep.filter((_, k) => verdicts[k] === 'ok');
  const dropped = planned.length - mine.length;
  await deps.ledger.release(drop.map((i) => ledgerItem(i, true)), jobId, data.claimedAt);
  if (mine.length === 0) return { status: 'nothing', dropped };
  const recipients = mine.map((i) => i.externalUserId);

  if (deps.dryRun) {
    await deps.dryRun.record({ at: now, jobId, api: 'add_msg_template', kind: data.kind, rep: data.rep, label: data.label, recipients, texts: [data.text] });
    await deps.ledger.markSent(mine.map((i) => ledgerItem(i, true)), jobId, data.claimedAt);
    return { status: 'dry_run', recipients: recipients.length, dropped };
  }

  await deps.ledger.saveOutcome(jobId, { state: 'calling', recipients, at: now });
  let outcome: SendOutcome;
  try {
    const res = await deps.api.addMsgTemplate({ chat_type: 'single', sender: data.rep, external_userid: recipients, text: { content: data.text } });
    outcome = { state: 'created', msgid: res.msgid, failList: res.fail_list ?? [], recipients, at: now };
  } catch (err) {
    if (err instanceof WeComApiError && err.errcode === NO_RECEIVER) {
      outcome = { state: 'created', msgid: null, failList: recipients, recipients, at: now };
    } else if (surelyNotSent(err, ADD_MSG_TEMPLATE_PATH)) {
      await deps.ledger.clearOutcome(jobId);
      throw err;
    } else {
      deps.log.warn({ jobId, err }, 'outreach task: WeCom may or may not have created it; counted as created, not sent again');
      outcome = { state: 'unknown', recipients, at: now };
    }
  }
  await deps.ledger.saveOutcome(jobId, outcome);
  return finish(deps, jobId, data, outcome, dropped);
}

/** Hands a created task to its read-back, or records the pushes of one that may exist; then marks or frees the recipients. */
async function finish(deps: SendOutreachDeps, jobId: string, data: OutreachSendJobData, outcome: SendOutcome, dropped: number): Promise<SendResult> {
  if (outcome.state === 'calling') throw new Error('finish() needs a settled outcome');
  const occasionOf = new Map(unpackRecipients(data).map((r) => [r.externalUserId, r.occasionKey]));
  const items = (ids: readonly string[]) => ids.map((id) => ledgerItem({ externalUserId: id, occasionKey: occasionOf.get(id)! }, true));
  const now = deps.clock.now();
  const failList = new Set(outcome.state === 'created' ? outcome.failList : []);
  const reached = outcome.recipients.filter((id) => !failList.has(id));
  const msgid = outcome.state === 'created' ? outcome.msgid : null;
  let pushed = 0;
  let awaiting = 0;
  if (msgid !== null) {
    // Created: the marks stay claimed until the read-back settles each recipient (or gives
    // up), days past any retry of this job; one ledger call, the first thing done.
    await deps.ledger.hold(items(reached), jobId, data.claimedAt, pendingUntil(outcome.at, deps.policy));
    const checkAt = outcome.at + FIRST_CHECK_MS;
    const packed = packRecipients(reached.map((id) => ({ externalUserId: id, occasionKey: occasionOf.get(id)! })));
    const result: OutreachResultJobData = {
      msgid, rep: data.rep, sendJobId: jobId, createdAt: outcome.at, pending: reached, checkAt,
      claimedAt: data.claimedAt, occasions: packed.occasions, ...(packed.occasionOf ? { occasionOf: packed.occasionOf } : {}),
    };
    if (reached.length > 0) await deps.results.add(outreachResultJobId(msgid, data.rep), result, Math.max(0, checkAt - now));
    awaiting = reached.length;
  } else {
    // Unknown outcome (no answer, or a crash mid-call): there is no msgid to read back, so
    // we cannot learn whether anyone got it. Counted as sent at creation; the marks outlast
    // any retry of this job while the pushes are recorded.
    await deps.ledger.hold(items(outcome.recipients), jobId, data.claimedAt, now + RECORDING_HOLD_MS);
    const interactions: Interaction[] = reached.map((id) => ({
      id: `push:unknown-${jobId}:${id}`, externalUserId: id, direction: 'outbound', channel: pushChannel(occasionOf.get(id)!), at: outcome.at, userId: data.rep,
    }));
    await deps.recordPushes(interactions, now);
    await deps.ledger.markSent(items(reached), jobId, data.claimedAt);
    pushed = reached.length;
  }
  // WeCom refused these at once (fail_list, 41048): free the occasion and the cap place, keep
  // today taken, so they are tried again tomorrow.
  await deps.ledger.release(items([...failList]), jobId, data.claimedAt, { keepDay: true });
  return { status: 'sent', msgid, outcome: outcome.state, pushed, awaiting, failed: failList.size, dropped };
}
