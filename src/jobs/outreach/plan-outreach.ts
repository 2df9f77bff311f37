import { followUpCutoff, planFollowUp, type FollowUpSkipReason } from '../../domain/outreach/planners/follow-up.ts';
import type { FollowUpPolicy } from '../../domain/followups/policy.ts';
import type { FollowUpIndex, FollowUpLedger } from '../../domain/outreach/ports.ts';
import { isSendAllowed, nextSendAllowedAt } from '../../domain/followups/send-window.ts';
import type { ContactReads } from '../../domain/ports.ts';
import { TIERS, type Tier } from '../../domain/tiers/policy.ts';
import type { Clock } from '../../shared/clock.ts';
import type { FollowUpSendJobData } from './job.ts';

/** Recipients per add_msg_template call (WeCom's limit); a larger group waits for the next run. */
export const MAX_RECIPIENTS = 10_000;
/** Index entries read per page, and at most per tier and run. */
const PAGE = 500;
const MAX_CANDIDATES_PER_TIER = 50_000;
/** How long a planned contact belongs to its send job: past queue waits and retries. */
export const CLAIM_TTL_MS = 6 * 3_600_000;

export interface PlanFollowUpsDeps {
  index: FollowUpIndex;
  store: Pick<ContactReads, 'get'>;
  ledger: Pick<FollowUpLedger, 'claim'>;
  /** The followups queue's send jobs. */
  sends: {
    exists(jobId: string): Promise<boolean>;
    add(jobId: string, data: FollowUpSendJobData): Promise<void>;
  };
  policy: FollowUpPolicy;
  timeZone: string;
  clock: Clock;
}

export interface PlanStats {
  /** Set when the run did nothing because now is outside the send window or in quiet hours. */
  quietUntil?: number;
  backfilled: number;
  candidates: number;
  due: number;
  skipped: Partial<Record<FollowUpSkipReason, number>>;
  /** Due, but already planned into another send (a run before, still pending or held). */
  claimedElsewhere: number;
  /** Due, beyond MAX_RECIPIENTS in one group: next run. */
  deferred: number;
  sends: number;
  recipients: number;
}

/**
 * The id of a planning run's send for one (rep, tier). A retry of the run gets the same
 * id, so it cannot queue a second send for the group. BullMQ ids may not contain ':'.
 */
export function followUpSendJobId(runId: string, rep: string, tier: Tier): string {
  return `followup.${runId}.${rep}.${tier}`.replaceAll(':', '_');
}

/**
 * One planning run: reads the contacts the due index says are past their tier's cadence
 * (never the whole archive), re-reads each and decides with planFollowUp, groups the due
 * ones by (rep, tier), claims them for the group's send job and queues it. A contact
 * claimed by another send (an overlapping run, a pending retry, a recent fail_list) is
 * left out, so no contact is ever in two tasks. Nothing happens outside the send window.
 */
export async function planFollowUps(deps: PlanFollowUpsDeps, runId: string): Promise<PlanStats> {
  const now = deps.clock.now();
  const stats: PlanStats = { backfilled: 0, candidates: 0, due: 0, skipped: {}, claimedElsewhere: 0, deferred: 0, sends: 0, recipients: 0 };
  stats.backfilled = await deps.index.backfillOnce();
  if (!isSendAllowed(now, deps.policy, deps.timeZone)) {
    return { ...stats, quietUntil: nextSendAllowedAt(now, deps.policy, deps.timeZone) };
  }
  const groups = new Map<string, { rep: string; tier: Tier; ids: string[] }>();
  const seen = new Set<string>();
  for (const tier of TIERS) {
    const { everyDays } = deps.policy.tiers[tier];
    if (everyDays === 0) continue;
    const cutoff = followUpCutoff(now, everyDays, deps.timeZone);
    for (let offset = 0; offset < MAX_CANDIDATES_PER_TIER; offset += PAGE) {
      const page = await deps.index.candidates(tier, cutoff, offset, PAGE);
      // A page boundary that moved while we read can repeat an id: decide each contact once.
      const ids = page.filter((id) => !seen.has(id));
      for (const id of ids) seen.add(id);
      stats.candidates += ids.length;
      const records = await Promise.all(ids.map((id) => deps.store.get(id)));
      for (const record of records) {
        if (!record) continue;
        const decision = planFollowUp(record, deps.policy, now, deps.timeZone);
        if (decision.status === 'skip') {
          stats.skipped[decision.reason] = (stats.skipped[decision.reason] ?? 0) + 1;
          continue;
        }
        stats.due += 1;
        const key = `${decision.userId}\n${decision.tier}`;
        const group = groups.get(key) ?? { rep: decision.userId, tier: decision.tier, ids: [] };
        group.ids.push(record.contact.externalUserId);
        groups.set(key, group);
      }
      if (page.length < PAGE) break;
    }
  }
  for (const group of groups.values()) {
    const ids = group.ids.sort().slice(0, MAX_RECIPIENTS);
    stats.deferred += group.ids.length - ids.length;
    const jobId = followUpSendJobId(runId, group.rep, group.tier);
    if (await deps.sends.exists(jobId)) continue;
    const held = await deps.ledger.claim(ids, jobId, CLAIM_TTL_MS);
    stats.claimedElsewhere += ids.length - held.length;
    if (held.length === 0) continue;
    await deps.sends.add(jobId, { rep: group.rep, tier: group.tier, externalUserIds: held, plannedAt: now });
    stats.sends += 1;
    stats.recipients += held.length;
  }
  return stats;
}
