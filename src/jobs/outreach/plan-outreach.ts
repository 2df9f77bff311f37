import { createHash } from 'node:crypto';
import type { DailySpan } from '../../domain/followups/policy.ts';
import { byPriority, customerName, givesWay, inQuietHours, quietHoursEnd } from '../../domain/outreach/guards.ts';
import type { OutreachGuardCheck, OutreachItem, OutreachKind, OutreachPlanPage, OutreachPlanner, OutreachSkipReason } from '../../domain/outreach/outreach.ts';
import { personalSkip } from '../../domain/outreach/personal-skip.ts';
import type { LedgerItem, OutreachLedger, OutreachPasses } from '../../domain/outreach/ports.ts';
import type { ContactReads, ContactRecord } from '../../domain/ports.ts';
import type { Clock } from '../../shared/clock.ts';
import { jobIdOf, packRecipients, type NotifyItem, type OutreachNotifyJobData, type OutreachSendJobData } from './job.ts';

/** Recipients per add_msg_template call (WeCom's limit); a larger group becomes several sends. */
export const MAX_RECIPIENTS = 10_000;
/** Send and list jobs queued at once at the end of a run. */
const QUEUE_PARALLEL = 32;
/** Candidates a planner returns per page. */
const PAGE = 500;
/** How long a planned item belongs to its send job: past queue waits and retries. A run that never queued its sends frees them by then. */
export const CLAIM_TTL_MS = 6 * 3_600_000;
/** Kinds whose A customers are greeted by their rep personally (a list), not by 企业群发; follow-ups of A stay 群发. */
const PERSONAL_KINDS: ReadonlySet<OutreachKind> = new Set(['birthday', 'holiday', 'aftersale']);

export interface PlanOutreachDeps {
  /** Every kind's planner (any order; run by priority). */
  planners: readonly OutreachPlanner[];
  store: Pick<ContactReads, 'get'>;
  ledger: Pick<OutreachLedger, 'claimEach'>;
  /** Completed passes (OutreachPlanner.passKey): without it every run reads every pass. */
  passes?: OutreachPasses;
  /** Runs before each planning run (the follow-up index's one-time backfill); returns what it did. */
  prepare?: () => Promise<number>;
  /** The queues' send and list jobs, by deterministic id. */
  jobs: {
    exists(jobId: string): Promise<boolean>;
    send(jobId: string, data: OutreachSendJobData): Promise<void>;
    notify(jobId: string, data: OutreachNotifyJobData): Promise<void>;
  };
  /** For every kind (the tier rules' followUps.quietHours). */
  quietHours: DailySpan;
  timeZone: string;
  clock: Clock;
}

export interface KindStats {
  due: number;
  skipped: Partial<Record<OutreachSkipReason, number>>;
  claimed: number;
  /** Set when this kind's pass was skipped: an earlier run completed it (OutreachPlanner.passKey). */
  passDone?: string;
}

export interface PlanStats {
  /** Set when the run did nothing: quiet hours, until then. */
  quietUntil?: number;
  prepared: number;
  kinds: Partial<Record<OutreachKind, KindStats>>;
  /** add_msg_template sends queued, and their recipients. */
  sends: number;
  recipients: number;
  /** A lists queued (one per rep and occasion), and the customers on them. */
  lists: number;
  listed: number;
}

/** One send or list being filled: its job, what it holds, and its place among its key's chunks. */
interface Group {
  jobId: string;
  personal: boolean;
  items: { item: OutreachItem; record: ContactRecord }[];
  /** Items given to it, claimed or being claimed. */
  size: number;
  chunk: number;
}

const hash8 = (s: string) => createHash('sha1').update(s).digest('hex').slice(0, 8);

/**
 * One planning run. Each planner, highest kind first, pages through its day's candidates;
 * every item then passes the guards the same way whatever its kind: personalSkip (left,
 * no rep, opted out, churned), gave_way (a higher kind is due the customer today), and the
 * ledger's claim (once per occasion, one a day, the receive cap), all but the last pure.
 * Claimed B/C/D items (and every follow-up) are grouped by (rep, kind, tier, text) into
 * add_msg_template sends of ≤ 10,000; A customers of a greeting kind go on their rep's list
 * for the occasion (outreach.notify). Nothing in quiet hours. A retried run claims its own
 * items again (its send ids are the same) and queues nothing twice. A planner's pass that
 * an earlier run completed (passKey, recorded once every send is queued) is skipped.
 */
export async function planOutreach(deps: PlanOutreachDeps, runId: string): Promise<PlanStats> {
  const now = deps.clock.now();
  const stats: PlanStats = { prepared: 0, kinds: {}, sends: 0, recipients: 0, lists: 0, listed: 0 };
  stats.prepared = (await deps.prepare?.()) ?? 0;
  if (inQuietHours(now, deps.quietHours, deps.timeZone)) return { ...stats, quietUntil: quietHoursEnd(now, deps.quietHours, deps.timeZone) };

  const planners = byPriority(deps.planners);
  const groups = new Map<string, Group>();
  const groupOf = (item: OutreachItem): Group => {
    const personal = isPersonal(item);
    const key = personal ? `${item.kind}\n${item.rep}\n${item.label}` : `${item.kind}\n${item.rep}\n${item.tier}\n${item.text}`;
    let group = groups.get(key);
    if (!group || group.size >= MAX_RECIPIENTS) {
      const chunk = group ? group.chunk + 1 : 0;
      const jobId = personal
        ? jobIdOf('outreach-list', runId, item.kind, item.rep, hash8(item.label))
        : jobIdOf('outreach', runId, item.kind, item.rep, item.tier, hash8(item.text), String(chunk));
      if (group) groups.set(`${key}\n${chunk - 1}`, group);
      group = { jobId, personal, items: [], size: 0, chunk };
      groups.set(key, group);
    }
    group.size += 1;
    return group;
  };

  const completed: string[] = [];
  for (const planner of planners) {
    const kind: KindStats = { due: 0, skipped: {}, claimed: 0 };
    stats.kinds[planner.kind] = kind;
    const pass = deps.passes ? planner.passKey?.(now) ?? null : null;
    if (pass !== null && await deps.passes!.done(pass)) {
      kind.passDone = pass;
      continue;
    }
    const skip = (reason: OutreachSkipReason, n = 1) => void (kind.skipped[reason] = (kind.skipped[reason] ?? 0) + n);
    const seen = new Set<string>();
    // The next page is read while this one is decided and claimed: the reads and the
    // claims both wait on Redis, the deciding on this process, so they overlap.
    let next: Promise<OutreachPlanPage> | null = planner.page(now, null, PAGE);
    while (next !== null) {
      const page: OutreachPlanPage = await next;
      next = page.nextCursor === null ? null : planner.page(now, page.nextCursor, PAGE);
      for (const [reason, n] of Object.entries(page.skipped)) skip(reason as OutreachSkipReason, n);
      // A page boundary that moved while we read can repeat an item: decide each once.
      const items = page.items.filter((i) => !seen.has(`${i.externalUserId}\n${i.occasionKey}`));
      for (const i of items) seen.add(`${i.externalUserId}\n${i.occasionKey}`);
      const records = await Promise.all(items.map((i) => page.records?.get(i.externalUserId) ?? deps.store.get(i.externalUserId)));
      const wanted: { group: Group; item: OutreachItem; record: ContactRecord }[] = [];
      items.forEach((item, k) => {
        const record = records[k];
        if (!record) return;
        const reason = personalSkip(record) ?? (givesWay(item.kind, record, planners, now) ? 'gave_way' : null);
        if (reason) return skip(reason);
        kind.due += 1;
        wanted.push({ group: groupOf(item), item, record });
      });
      // One ledger call for the page, each item owned by its send: with a thousand reps a
      // page's items go to hundreds of sends, and a call per send was most of the run.
      const verdicts = wanted.length === 0 ? [] : await deps.ledger.claimEach(
        wanted.map(({ group, item }) => ({ ...ledgerItem(item, !group.personal), owner: group.jobId })), now, now + CLAIM_TTL_MS,
      );
      wanted.forEach(({ group, item, record }, k) => {
        if (verdicts[k] === 'ok') {
          group.items.push({ item, record });
          kind.claimed += 1;
        } else {
          skip(verdicts[k] as OutreachSkipReason);
          group.size -= 1;
        }
      });
    }
    if (pass !== null) completed.push(pass);
  }

  // Groups are independent (one job id each): queue QUEUE_PARALLEL at a time rather than one
  // round trip after another (a 国庆 campaign over 1,000 reps queues ~4,000 jobs).
  const queueGroup = async (group: Group): Promise<void> => {
    if (group.items.length === 0 || await deps.jobs.exists(group.jobId)) return;
    const first = group.items[0]!.item;
    const notBefore = Math.max(...group.items.map((w) => w.item.notBefore));
    if (group.personal) {
      const items: NotifyItem[] = group.items.map(({ item, record }) => ({
        externalUserId: item.externalUserId, occasionKey: item.occasionKey, tier: item.tier, text: item.text, name: customerName(record, item.rep),
      }));
      await deps.jobs.notify(group.jobId, { kind: first.kind, rep: first.rep, label: first.label, claimedAt: now, notBefore, items });
      stats.lists += 1;
      stats.listed += items.length;
    } else {
      const packed = packRecipients(group.items.map((w) => w.item));
      await deps.jobs.send(group.jobId, { ...packed, kind: first.kind, rep: first.rep, tier: first.tier, text: first.text, label: first.label, claimedAt: now, notBefore });
      stats.sends += 1;
      stats.recipients += packed.externalUserIds.length;
    }
  };
  const all = [...new Set(groups.values())];
  for (let i = 0; i < all.length; i += QUEUE_PARALLEL) await Promise.all(all.slice(i, i + QUEUE_PARALLEL).map(queueGroup));
  // Only now: a run that stops before its sends are queued must leave its passes to the next run.
  for (const pass of completed) await deps.passes!.markDone(pass);
  return stats;
}

/** An item as the ledger sees it: 企业群发 counts against the receive cap, a rep's own chat does not. */
export function ledgerItem(item: Pick<OutreachItem, 'externalUserId' | 'occasionKey'>, counts: boolean): LedgerItem {
  return { externalUserId: item.externalUserId, occasionKey: item.occasionKey, counts };
}

/** Whether an item goes on its rep's A list (a greeting to an A customer) rather than into a 群发. */
export function isPersonal(item: Pick<OutreachItem, 'kind' | 'tier'>): boolean {
  return item.tier === 'A' && PERSONAL_KINDS.has(item.kind);
}

/** The ledger's read-only verdicts for whole items, as claiming would decide at `now` (the preview's guard check). */
export function outreachGuardCheck(ledger: Pick<OutreachLedger, 'check'>): OutreachGuardCheck {
  return { check: (items, now) => ledger.check(items.map((i) => ledgerItem(i, !isPersonal(i))), now) };
}
