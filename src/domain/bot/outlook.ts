import { addDays, instantOf, localDateOf } from '../followups/local-time.ts';
import type { FollowUpPolicy } from '../followups/policy.ts';
import { OUTREACH_KIND_LABELS, type OutreachPlanner, type OutreachSkipReason } from '../outreach/outreach.ts';
import { personalSkip } from '../outreach/personal-skip.ts';
import { followUpDueAt } from '../outreach/planners/follow-up.ts';
import type { OccasionSettings } from '../outreach/planners/greeting.ts';
import { holidaysOn } from '../outreach/planners/holiday.ts';
import { followUpAnchor } from '../contacts/reach-anchor.ts';
import type { ContactRecord } from '../ports.ts';
import type { Tier } from '../tiers/policy.ts';

/**
 * What Fenji will do for one customer next, as the outreach planners decide it: the bot
 * asks them (their pure dueOn and planFollowUp's due rule), it has no rules of its own.
 */
export interface CustomerOutlook {
  readonly timeZone: string;
  /** Why nothing automated goes to this customer (left, no rep, opted out, churned), else null. */
  blocked(record: ContactRecord): Extract<OutreachSkipReason, 'customer_left' | 'churned' | 'opted_out' | 'no_rep'> | null;
  /** When the next follow-up falls due (local midnight of its day; may be past: overdue); null when the tier has none. */
  followUpDueAt(record: ContactRecord): number | null;
  /**
   * For counting a tier in the follow-up due index: anchors before `due` are due by the end
   * of today, anchors before `overdue` were due before today. Null when the tier has none.
   */
  followUpCutoffs(tier: Tier, now: number): { due: number; overdue: number } | null;
  /** The greetings due on the local day of `now` (生日祝福, 中秋 …). */
  greetingsOn(record: ContactRecord, now: number): string[];
  /** The first day from today (within `days`) with a greeting, and its labels. */
  nextGreeting(record: ContactRecord, now: number, days: number): { at: number; labels: string[] } | null;
}

export interface OutlookDeps {
  followUps: FollowUpPolicy;
  /** The greeting planners (birthday, holiday, after-sale): instances of the bot's own (their day memos move as it asks). */
  greetings: readonly OutreachPlanner[];
  occasions: OccasionSettings;
  timeZone: string;
}

/** The outlook the planners give; pure apart from their day memos. */
export function plannerOutlook(deps: OutlookDeps): CustomerOutlook {
  const { followUps, greetings, occasions, timeZone } = deps;
  const labelsOn = (record: ContactRecord, at: number): string[] =>
    greetings.filter((p) => p.kind !== 'followup' && p.dueOn(record, at)).flatMap((p) =>
      p.kind === 'holiday'
        ? holidaysOn(localDateOf(at, timeZone), occasions, timeZone).filter((o) => o.enabled).map((o) => `${o.name}问候`)
        : [OUTREACH_KIND_LABELS[p.kind]]);
  return {
    timeZone,
    blocked: (record) => personalSkip(record),
    followUpDueAt(record) {
      const anchored = followUpAnchor({ tier: record.tier, engagement: record.engagement, hasActiveRelation: record.contact.follows.some((f) => f.status === 'active') });
      const everyDays = anchored ? followUps.tiers[anchored.tier].everyDays : 0;
      return anchored && everyDays > 0 ? followUpDueAt(anchored.anchor, everyDays, timeZone) : null;
    },
    followUpCutoffs(tier, now) {
      const { everyDays } = followUps.tiers[tier];
      if (everyDays === 0) return null;
      // followUpDueAt: due at local midnight everyDays days after the anchor's day.
      const today = localDateOf(now, timeZone);
      return { due: instantOf(addDays(today, 1 - everyDays), 0, timeZone), overdue: instantOf(addDays(today, -everyDays), 0, timeZone) };
    },
    greetingsOn: (record, now) => labelsOn(record, now),
    nextGreeting(record, now, days) {
      const today = localDateOf(now, timeZone);
      for (let d = 0; d < days; d++) {
        // Noon: inside the day whatever the occasion's hour (dueOn is about the day).
        const at = instantOf(addDays(today, d), 12 * 60, timeZone);
        const labels = labelsOn(record, at);
        if (labels.length > 0) return { at, labels };
      }
      return null;
    },
  };
}
