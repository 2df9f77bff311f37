import { applyContactChange, type ContactChange, type ContactChangeDeps } from '../../domain/contacts/apply-contact-change.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/logger.ts';
import type { ExternalContactEvent } from '../../wecom/events.ts';
import { botCommandJobId, type BotCommandJobData } from '../bot/job.ts';
import type { KfSyncJobData } from '../kf/job.ts';
import type { CallbackJobData } from './job.ts';

export interface CallbackHandlerDeps {
  contacts: ContactChangeDeps;
  clock: Clock;
  /** Queues a kf/sync_msg pull; `jobId` makes a retried callback queue it once. */
  enqueueKfSync(data: KfSyncJobData, jobId: string): Promise<void>;
  /** A member's text to the app: queues a bot.command; `jobId` (by MsgId) makes a retried callback queue it once. */
  enqueueBotCommand?(data: BotCommandJobData, jobId: string): Promise<void>;
  /** change_external_tag: the corp's tags changed (the tier tag catalog re-reads them). */
  onCorpTagsChanged?: () => Promise<void>;
}

const KINDS: Readonly<Record<string, ContactChange['kind']>> = {
  add_external_contact: 'added',
  add_half_external_contact: 'added',
  edit_external_contact: 'edited',
  del_external_contact: 'removed_by_rep',
  del_follow_user: 'removed_by_customer',
};

/**
 * Takes one verified callback off the queue and turns it into facts: relation events
 * update the archive and the tier, kf_msg_or_event queues a message pull, tag changes
 * refresh the tier tag catalog. Then logs `callback event processed` (kind, change type,
 * ids, outcome; never message text at info). Errors are thrown for the worker to retry.
 */
export async function handleCallbackEvent(data: CallbackJobData, deps: CallbackHandlerDeps, log: Logger): Promise<void> {
  const { event } = data;
  const fields: Record<string, unknown> = { dedupeKey: data.dedupeKey, kind: event.kind };
  switch (event.kind) {
    case 'external_contact':
      Object.assign(fields, { changeType: event.changeType, userId: event.userId, externalUserId: event.externalUserId });
      Object.assign(fields, await onExternalContact(event, deps, log));
      break;
    case 'kf_msg_or_event':
      Object.assign(fields, { openKfId: event.openKfId });
      await deps.enqueueKfSync({ openKfId: event.openKfId, token: event.token, receivedAt: data.receivedAt }, `kf-${data.dedupeKey}`);
      break;
    case 'app_message':
      Object.assign(fields, { msgType: event.msgType, from: event.fromUserName });
      // Text only: a picture or voice note to the app is not a command (logged, not answered).
      if (event.msgType === 'text' && event.content !== undefined && deps.enqueueBotCommand) {
        await deps.enqueueBotCommand({ userId: event.fromUserName, text: event.content, msgId: event.msgId, receivedAt: data.receivedAt }, botCommandJobId(data.dedupeKey));
        fields['queued'] = 'bot.command';
      }
      break;
    case 'external_tag':
      Object.assign(fields, { changeType: event.changeType });
      await deps.onCorpTagsChanged?.();
      break;
    case 'external_chat':
      Object.assign(fields, { changeType: event.changeType });
      break;
    case 'unknown':
      Object.assign(fields, { msgType: event.msgType, event: event.event });
      break;
  }
  log.info(fields, 'callback event processed');
}

/** change_external_contact → applyContactChange; the outcome goes into the log line. */
async function onExternalContact(event: ExternalContactEvent, deps: CallbackHandlerDeps, log: Logger): Promise<Record<string, unknown>> {
  if (event.changeType === 'transfer_fail') {
    // The customer stays with the old rep: nothing changes in the archive.
    log.warn({ userId: event.userId, externalUserId: event.externalUserId, failReason: event.failReason }, 'WeCom customer transfer failed');
    return { failReason: event.failReason };
  }
  const kind = KINDS[event.changeType];
  if (!kind || !event.externalUserId || !event.userId) return { outcome: 'ignored' };
  const now = deps.clock.now();
  const change: ContactChange = {
    kind,
    userId: event.userId,
    externalUserId: event.externalUserId,
    ...(event.state ? { state: event.state } : {}),
    at: event.createTime > 0 ? event.createTime * 1000 : now,
  };
  const result = await applyContactChange(deps.contacts, change, now);
  return {
    outcome: result.outcome,
    tierChanges: result.changes.map((c) => `${c.from ?? '-'}→${c.to}`),
    // DELETE_BY_TRANSFER: 在职继承 removed the relation, not the rep by hand.
    ...(event.source ? { source: event.source } : {}),
  };
}
