import type { WeComApi } from '../../wecom/api.ts';
import type { OutreachItem } from '../../domain/outreach/outreach.ts';
import type { DryRunRecorder, OutreachLedger } from '../../domain/outreach/ports.ts';
import { repListMessages } from '../../domain/outreach/rep-list.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/logger.ts';
import type { NotifyItem, OutreachNotifyJobData } from './job.ts';
import { CLAIM_TTL_MS, ledgerItem } from './plan-outreach.ts';
import { recheck, surelyNotSent, waitUntil, type RecheckDeps } from './recheck.ts';

const MESSAGE_SEND_PATH = '/cgi-bin/message/send';

export interface NotifyRepDeps extends RecheckDeps {
  ledger: OutreachLedger;
  api: Pick<WeComApi, 'sendAppMessage'>;
  clock: Clock;
  log: Logger;
  dryRun?: DryRunRecorder;
}

export type NotifyResult =
  | { status: 'deferred'; until: number }
  | { status: 'nothing'; dropped: number }
  | { status: 'dry_run'; listed: number; parts: number; dropped: number }
  | { status: 'sent'; listed: number; parts: number; dropped: number };

/**
 * One rep's A list for one occasion: an app message (message/send, text, in numbered parts
 * when long) naming today's A customers, each with the planner's ready-to-send text, so
 * the rep greets them one by one from their own chat. Re-checked right before the call like
 * a 群发. The day is taken and the occasion marked sent once the list is out, but no cap
 * place (it is not 企业群发) and no push (Fenji cannot know the rep sent it).
 *
 * Never twice: before each part the job saves how many parts went out and that one is in
 * flight; a retry counts an in-flight part as sent and goes on after it.
 * @throws WeCom errors when WeCom answered (that part was not sent): the job retries.
 */
export async function notifyRep(deps: NotifyRepDeps, jobId: string, data: OutreachNotifyJobData): Promise<NotifyResult> {
  const saved = await deps.ledger.outcome(jobId);
  const byId = new Map(data.items.map((i) => [i.externalUserId, i]));
  const ledgerItems = (list: readonly NotifyItem[]) => list.map((i) => ledgerItem(i, false));
  let listed: NotifyItem[];
  let next = 0;
  let dropped = 0;
  if (saved && saved.state !== 'calling') {
    listed = saved.recipients.map((id) => byId.get(id)!);
    await deps.ledger.markSent(ledgerItems(listed), jobId, data.claimedAt);
    return { status: 'sent', listed: listed.length, parts: 0, dropped };
  }
  if (saved) {
    listed = saved.recipients.map((id) => byId.get(id)!);
    next = (saved.parts ?? 0) + (saved.inFlight ? 1 : 0);
    if (saved.inFlight) deps.log.warn({ jobId, part: next }, 'A list: an earlier attempt stopped while sending a part; counted as sent, not sent again');
  } else {
    const now = deps.clock.now();
    const until = waitUntil(deps, now, data.notBefore);
    if (until !== null) return { status: 'deferred', until };
    const planned: (OutreachItem & NotifyItem)[] = data.items.map((i) => ({ ...i, kind: data.kind, rep: data.rep, label: data.label, notBefore: data.notBefore }));
    const { keep, drop } = await recheck(deps, data.kind, planned, now);
    const verdicts = await deps.ledger.claim(ledgerItems(keep), jobId, data.claimedAt, now + CLAIM_TTL_MS);
    listed = keep.filter((_, k) => verdicts[k] === 'ok').map((i) => byId.get(i.externalUserId)!);
    dropped = planned.length - listed.length;
    await deps.ledger.release(ledgerItems(drop), jobId, data.claimedAt);
    if (listed.length === 0) return { status: 'nothing', dropped };
  }

  const parts = repListMessages(data.kind, data.label, listed);
  const recipients = listed.map((i) => i.externalUserId);
  const at = deps.clock.now();
  if (deps.dryRun) {
    await deps.dryRun.record({ at, jobId, api: 'message/send', kind: data.kind, rep: data.rep, label: data.label, recipients, texts: parts });
    await deps.ledger.markSent(ledgerItems(listed), jobId, data.claimedAt);
    return { status: 'dry_run', listed: listed.length, parts: parts.length, dropped };
  }
  for (let part = next; part < parts.length; part++) {
    await deps.ledger.saveOutcome(jobId, { state: 'calling', recipients, at, parts: part, inFlight: true });
    try {
      await deps.api.sendAppMessage({ touser: data.rep, msgtype: 'text', text: { content: parts[part]! } });
    } catch (err) {
      if (!surelyNotSent(err, MESSAGE_SEND_PATH)) {
        deps.log.warn({ jobId, part, err }, 'A list: WeCom may or may not have this part; counted as sent, not sent again');
        continue;
      }
      await deps.ledger.saveOutcome(jobId, { state: 'calling', recipients, at, parts: part, inFlight: false });
      throw err;
    }
  }
  await deps.ledger.saveOutcome(jobId, { state: 'created', msgid: null, failList: [], recipients, at });
  await deps.ledger.markSent(ledgerItems(listed), jobId, data.claimedAt);
  return { status: 'sent', listed: listed.length, parts: parts.length, dropped };
}
