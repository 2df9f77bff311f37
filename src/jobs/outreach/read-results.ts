import type { WeComApi } from '../../wecom/api.ts';
import type { Interaction } from '../../domain/contacts/contact.ts';
import type { FollowUpPolicy } from '../../domain/followups/policy.ts';
import type { LedgerItem, OutreachLedger } from '../../domain/outreach/ports.ts';
import { DAY_MS } from '../../domain/tiers/policy.ts';
import type { Clock } from '../../shared/clock.ts';
import { jobIdOf, packRecipients, unpackRecipients, type OutreachResultJobData } from './job.ts';

const HOUR_MS = 3_600_000;
/** The first read-back, after the task was created: reps usually confirm within the hour. */
export const FIRST_CHECK_MS = HOUR_MS;
/** Later read-backs, until every recipient is settled or the confirmation limit passes. */
export const CHECK_EVERY_MS = 4 * HOUR_MS;
/** Pending recipients stay claimed this long past the limit, in case the last check runs late. */
const PENDING_MARGIN_MS = DAY_MS;
const PAGE_LIMIT = 1000;

/** get_groupmsg_send_result's status per recipient (docs/wecom/api.md, 'Mass messages'). */
const SENT = 1;
const NOT_FRIEND = 2;
const CAPPED = 3;

type ResultLedger = Pick<OutreachLedger, 'release' | 'hold' | 'markSent'>;

export interface ReadResultsDeps {
  api: Pick<WeComApi, 'getGroupmsgSendResult' | 'cancelGroupmsgSend'>;
  ledger: ResultLedger;
  /** The claims of tasks created by the old followups queue (result data without claimedAt). */
  legacyLedger?: ResultLedger;
  /** Stores push interactions (idempotent by id) and re-tiers their contacts. */
  recordPushes(interactions: Interaction[], now: number): Promise<void>;
  policy: Pick<FollowUpPolicy, 'confirmWithinDays'>;
  clock: Clock;
}

/** What one read-back settled, and what it still waits for ('waiting': check again at nextCheckAt). */
export type ResultCheck =
  | { status: 'waiting'; pushed: number; failed: number; pending: string[]; nextCheckAt: number }
  | { status: 'done'; pushed: number; failed: number; gaveUp: number };

/** The result job of one rep's part of one task. */
export function outreachResultJobId(msgid: string, rep: string): string {
  return jobIdOf('outreach-result', msgid, rep);
}

/** When the task's unconfirmed recipients are given up. */
export function giveUpAt(createdAt: number, policy: Pick<FollowUpPolicy, 'confirmWithinDays'>): number {
  return createdAt + policy.confirmWithinDays * DAY_MS;
}

/** Until when a task's pending recipients stay claimed: past the limit and the last check. */
export function pendingUntil(createdAt: number, policy: Pick<FollowUpPolicy, 'confirmWithinDays'>): number {
  return giveUpAt(createdAt, policy) + PENDING_MARGIN_MS;
}

/**
 * Reads back one rep's part of a created task (get_groupmsg_send_result, every page) and
 * settles each recipient still pending: sent (1) → a push interaction
 * `push:<msgid>:<external_userid>` at its send_time, the occasion marked sent for good;
 * not a friend (2) or capped (3) → no push, occasion and cap place freed but the day kept
 * (tried again tomorrow); not sent yet (0, or not listed) → asked again later, until the
 * task is `confirmWithinDays` old: then the task's unsent parts are cancelled
 * (cancel_groupmsg_send), no push, marks freed, so the next planning run finds them due.
 *
 * Idempotent: a re-run records the same push ids (duplicates are ignored) and marks are
 * owner-checked, so a crash between two steps costs nothing but a repeated step.
 * @throws WeCom errors (the job's rethrowForJob decides: rate limit waits, config fails).
 */
export async function readOutreachResults(deps: ReadResultsDeps, data: OutreachResultJobData): Promise<ResultCheck> {
  let statuses = await sendStatuses(deps, data);
  const now = deps.clock.now();
  const limit = giveUpAt(data.createdAt, deps.policy);
  if (now >= limit && data.pending.some((id) => (statuses.get(id)?.status ?? 0) === 0)) {
    // Giving up: stop the unsent parts first, so a rep who confirms later sends nothing we
    // would not record; then read once more, for anyone sent in between.
    await deps.api.cancelGroupmsgSend({ msgid: data.msgid });
    statuses = await sendStatuses(deps, data);
  }

  const { ledger, items, at, occasionOf } = marks(deps, data);
  const sent: Interaction[] = [];
  const failed: string[] = [];
  const pending: string[] = [];
  for (const id of data.pending) {
    const result = statuses.get(id);
    if (result?.status === SENT) {
      // send_time is in seconds; WeCom always gives it with status 1 (now if it ever does not).
      const at = result.sendTime ? result.sendTime * 1000 : now;
      sent.push({ id: `push:${data.msgid}:${id}`, externalUserId: id, direction: 'outbound', channel: pushChannel(occasionOf(id)), at, userId: data.rep });
    } else if (result?.status === NOT_FRIEND || result?.status === CAPPED) {
      failed.push(id);
    } else {
      pending.push(id);
    }
  }
  await deps.recordPushes(sent, now);
  await ledger.markSent(items(sent.map((i) => i.externalUserId)), data.sendJobId, at);
  await ledger.release(items(failed), data.sendJobId, at, { keepDay: true });

  if (pending.length > 0 && now < limit) {
    await ledger.hold(items(pending), data.sendJobId, at, pendingUntil(data.createdAt, deps.policy));
    return { status: 'waiting', pushed: sent.length, failed: failed.length, pending, nextCheckAt: Math.min(now + CHECK_EVERY_MS, limit) };
  }
  await ledger.release(items(pending), data.sendJobId, at);
  return { status: 'done', pushed: sent.length, failed: failed.length, gaveUp: pending.length };
}

/** The job's data for its next check: the recipients still pending, with their occasions. */
export function nextCheck(data: OutreachResultJobData, pending: string[], checkAt: number): OutreachResultJobData {
  if (data.claimedAt === undefined) return { ...data, pending, checkAt };
  const occasionOf = new Map(unpackRecipients({ externalUserIds: data.pending, occasions: data.occasions ?? [], ...(data.occasionOf ? { occasionOf: data.occasionOf } : {}) })
    .map((r) => [r.externalUserId, r.occasionKey]));
  const { occasions, occasionOf: index } = packRecipients(pending.map((id) => ({ externalUserId: id, occasionKey: occasionOf.get(id)! })));
  const { occasionOf: _old, ...rest } = data;
  return { ...rest, pending, checkAt, occasions, ...(index ? { occasionOf: index } : {}) };
}

/** Where the task's recipients are marked: the outreach ledger, or the old followups claims for a task created before it. */
function marks(deps: ReadResultsDeps, data: OutreachResultJobData): { ledger: ResultLedger; items: (ids: string[]) => LedgerItem[]; at: number; occasionOf: (id: string) => string } {
  if (data.claimedAt === undefined) {
    const legacy = deps.legacyLedger ?? deps.ledger;
    return { ledger: legacy, items: (ids) => ids.map((id) => ({ externalUserId: id, occasionKey: '', counts: true })), at: data.createdAt, occasionOf: () => '' };
  }
  const occasionOf = new Map(unpackRecipients({ externalUserIds: data.pending, occasions: data.occasions ?? [], ...(data.occasionOf ? { occasionOf: data.occasionOf } : {}) })
    .map((r) => [r.externalUserId, r.occasionKey]));
  return {
    ledger: deps.ledger, items: (ids) => ids.map((id) => ({ externalUserId: id, occasionKey: occasionOf.get(id)!, counts: true })), at: data.claimedAt,
    occasionOf: (id) => occasionOf.get(id) ?? '',
  };
}

/**
 * The interaction channel a received message is recorded under, by its occasion key: a
 * follow-up (`followup:…`, or a task of the old followups queue: no key) is a `push`; a
 * holiday, birthday or after-sale greeting is a `greeting`, which leaves the follow-up
 * cadence alone (withInteraction).
 */
export function pushChannel(occasionKey: string): 'push' | 'greeting' {
  return occasionKey === '' || occasionKey.startsWith('followup:') ? 'push' : 'greeting';
}

/** Every page of get_groupmsg_send_result for the rep's part of the task, by customer. */
async function sendStatuses(deps: ReadResultsDeps, data: OutreachResultJobData): Promise<Map<string, { status: number; sendTime?: number }>> {
  const statuses = new Map<string, { status: number; sendTime?: number }>();
  let cursor = '';
  do {
    const page = await deps.api.getGroupmsgSendResult({ msgid: data.msgid, userid: data.rep, limit: PAGE_LIMIT, ...(cursor ? { cursor } : {}) });
    for (const r of page.send_list) {
      if (r.external_userid) statuses.set(r.external_userid, { status: r.status, ...(r.send_time ? { sendTime: r.send_time } : {}) });
    }
    cursor = page.next_cursor ?? '';
  } while (cursor);
  return statuses;
}
