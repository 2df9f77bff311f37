import type { CallbackJobData } from '../queues.ts';
import type { Logger } from '../../shared/logger.ts';

/**
 * Takes one verified callback off the queue. Today it records that the event arrived
 * (kind, change type, ids; never message text at info); turning events into contact
 * facts is the archive's job (issue: customer archive, engagement and tiers).
 */
export async function handleCallbackEvent(data: CallbackJobData, log: Logger): Promise<void> {
  const { event } = data;
  const fields: Record<string, unknown> = { dedupeKey: data.dedupeKey, kind: event.kind };
  switch (event.kind) {
    case 'external_contact':
      Object.assign(fields, { changeType: event.changeType, userId: event.userId, externalUserId: event.externalUserId });
      break;
    case 'kf_msg_or_event':
      Object.assign(fields, { openKfId: event.openKfId });
      break;
    case 'app_message':
      Object.assign(fields, { msgType: event.msgType, from: event.fromUserName });
      break;
    case 'external_tag':
    case 'external_chat':
      Object.assign(fields, { changeType: event.changeType });
      break;
    case 'unknown':
      Object.assign(fields, { msgType: event.msgType, event: event.event });
      break;
  }
  log.info(fields, 'callback event processed');
}
