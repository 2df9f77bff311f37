import type { DailySpan } from '../../domain/followups/policy.ts';
import { byPriority, customerName, givesWay, inQuietHours, quietHoursEnd } from '../../domain/outreach/guards.ts';
import type { OutreachGuardCheck, OutreachItem, OutreachKind, OutreachPlanPage, OutreachPlanner, OutreachSkipReason } from '../../domain/outreach/outreach.ts';
import { personalSkip } from '../../domain/outreach/personal-skip.ts';
import type { LedgerItem, OutreachLedger, OutreachPasses } from '../../domain/outreach/ports.ts';
import type { ContactReads, ContactRecord } from '../../domain/ports.ts';
import type { Clock } from '../../shared/clock.ts';
import type { OutreachNotifyJobData, OutreachSendJobData } from './job.ts';
import { isPersonal, notifyJobData, PlanGroups, sendJobData, type PlanGroup } from './plan-groups.ts';
import { readAhead } from './read-ahead.ts';

/** Send and list jobs queued at once at the end of a run. */
const QUEUE_PARALLEL = 32;
/** Candidates a planner returns per page. */
const PAGE = 2000;
/** Pages whose ledger claims may be pending while the next page is decided. */
const CLAIMS_IN_FLIGHT = 2;
/** Pages read ahead of the one being decided (a page's read is several round trips). */
const PAGES_AHEAD = 3;
/** How long a planned item belongs to its send job: past queue waits and retries. A run that never queued its sends frees them by then. */
export const CLAIM_TTL_MS = 6 * 3_600_000;

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
  const groups = new PlanGroups(runId);

  const completed: string[] = [];
  for (const planner of planners) {
    const kind: KindStats = { due: 0, skipped: {}, claimed: 0 };
    stats.kinds[planner.kind] = kind;
    const pass = deps.passes ? planner.passKey?.(now) ?? null : null;
    if (pass !== null && await deps.passes!.done(pass)) {
      kind.passDone = pass;
      continue;
    }
    await planPass({ deps, planner, planners, groups, kind, now });
    if (pass !== null) completed.push(pass);
  }

  // Groups are independent (one job id each): queue QUEUE_PARALLEL at a time rather than one
  // round trip after another (a 国庆 campaign over 1,000 reps queues ~4,000 jobs).
  const queueGroup = async (group: PlanGroup): Promise<void> => {
    if (await deps.jobs.exists(group.jobId)) return;
    if (group.personal) {
      const data = notifyJobData(group, now);
      await deps.jobs.notify(group.jobId, data);
      stats.lists += 1;
      stats.listed += data.items.length;
    } else {
      const data = sendJobData(group, now);
      await deps.jobs.send(group.jobId, data);
      stats.sends += 1;
      stats.recipients += data.externalUserIds.length;
    }
  };
  const all = groups.filled();
  for (let i = 0; i < all.length; i += QUEUE_PARALLEL) await Promise.all(all.slice(i, i + QUEUE_PARALLEL).map(queueGroup));
  // Only now: a run that stops before its sends are queued must leave its passes to the next run.
  for (const pass of completed) await deps.passes!.markDone(pass);
  return stats;
}

interface PassContext {
  deps: PlanOutreachDeps;
  planner: OutreachPlanner;
  /** All planners by priority (gave_way asks the higher ones). */
  planners: readonly OutreachPlanner[];
  groups: PlanGroups;
  kind: KindStats;
  now: number;
}

/**
 * One planner's pass over its candidates. Three stages overlap: the next pages are read
 * and the previous page's claims are with the ledger while this page is decided. Reads and
 * claims wait on Redis, deciding on this process; a million-customer day takes as long as
 * the slower of the two. Every claim in flight settles before the pass ends, failed or not.
 */
async function planPass({ deps, planner, planners, groups, kind, now }: PassContext): Promise<void> {
  const skip = (reason: OutreachSkipReason, n = 1) => void (kind.skipped[reason] = (kind.skipped[reason] ?? 0) + n);
  const claims: Promise<void>[] = [];
  try {
    for await (const page of readAhead((cursor) => planner.page(now, cursor, PAGE), PAGES_AHEAD)) {
      for (const [reason, n] of Object.entries(page.skipped)) skip(reason as OutreachSkipReason, n);
      // A contact whose tier changed while the pass read can come up twice (the pages follow
      // the tier indexes): the ledger gives its second item to nobody else, and a group
      // lists each recipient once (plan-groups.ts), so the pass keeps no set of every item.
      const records = await recordsOf(page, deps.store);
      const wanted: { group: PlanGroup; item: OutreachItem; name: string | undefined }[] = [];
      page.items.forEach((item, k) => {
        const record = records[k];
        if (!record) return;
        const reason = personalSkip(record) ?? (givesWay(item.kind, record, planners, now) ? 'gave_way' : null);
        if (reason) return skip(reason);
        kind.due += 1;
        const group = groups.of(item);
        // Only a list needs more of the record than the item (the name the rep knows): the
        // records of a million-customer day are not kept until the sends are queued.
        wanted.push({ group, item, name: group.personal ? customerName(record, item.rep) : undefined });
      });
      if (wanted.length === 0) continue;
      // One ledger call for the page, each item owned by its send: with a thousand reps a
      // page's items go to hundreds of sends, and a call per send was most of the run.
      const claim = deps.ledger.claimEach(
        wanted.map(({ group, item }) => ({ ...ledgerItem(item, !group.personal), owner: group.jobId })), now, now + CLAIM_TTL_MS,
      ).then((verdicts) => wanted.forEach(({ group, item, name }, k) => {
        if (verdicts[k] === 'ok') {
          groups.claimed(group, item, name);
          kind.claimed += 1;
        } else {
          skip(verdicts[k] as OutreachSkipReason);
          groups.refused(group);
        }
      }));
      // Observed now, so one failing while an older one is awaited is not "unhandled"; it
      // is awaited itself below and throws there.
      claim.catch(() => undefined);
      claims.push(claim);
      // A few pages' claims in flight at most: the ledger keeps pace, memory stays flat.
      if (claims.length >= CLAIMS_IN_FLIGHT) await claims.shift();
    }
  } finally {
    await Promise.allSettled(claims);
  }
  for (const claim of claims) await claim;
}

/** An item as the ledger sees it: 企业群发 counts against the receive cap, a rep's own chat does not. */
export function ledgerItem(item: Pick<OutreachItem, 'externalUserId' | 'occasionKey'>, counts: boolean): LedgerItem {
  return { externalUserId: item.externalUserId, occasionKey: item.occasionKey, counts };
}

/** The ledger's read-only verdicts for whole items, as claiming would decide at `now` (the preview's guard check). */
export function outreachGuardCheck(ledger: Pick<OutreachLedger, 'check'>): OutreachGuardCheck {
  return { check: (items, now) => ledger.check(items.map((i) => ledgerItem(i, !isPersonal(i))), now) };
}

/** The records of a page's items, by position: the planner's own, the others read (null when gone). */
async function recordsOf(page: OutreachPlanPage, store: PlanOutreachDeps['store']): Promise<(ContactRecord | null)[]> {
  const records = page.items.map((i) => page.records?.get(i.externalUserId) ?? null);
  const missing = page.items.flatMap((item, k) => (records[k] === null ? [k] : []));
  const read = await Promise.all(missing.map((k) => store.get(page.items[k]!.externalUserId)));
  missing.forEach((k, n) => void (records[k] = read[n] ?? null));
  return records;
}
