import type { z } from 'zod';
import type { ContactRecord, TierChange, ValueSummary } from '../../../domain/ports.ts';
import type { TierOverride } from '../../../domain/tiers/assess-tier.ts';
import { LIFECYCLE_LABELS } from '../../../domain/tiers/lifecycle.ts';
import { TIER_LABELS } from '../../../domain/tiers/policy.ts';
import { effectiveValue, GRADE_LABELS, QUADRANT_LABELS, type Quadrant, type Value, type ValueGrade } from '../../../domain/value/value-score.ts';
import type { ContactDetail, ContactSummary, HistoryEntry, OptOutResult, OverrideView, TierView, TiersSummary } from './schemas/responses.ts';

// Domain records → API JSON: snake_case, ISO times, zh labels next to codes.

/** Epoch ms → ISO 8601 UTC, the API's time format out. */
export const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : iso(ms));

function presentOverride(o: TierOverride): z.infer<typeof OverrideView> {
  return { tier: o.tier, label: TIER_LABELS[o.tier], by: o.by, reason: o.reason, at: iso(o.at), until: isoOrNull(o.until) };
}

/** The stored tier with its reasons and the override (if any) shown as such. */
export function presentTier(record: ContactRecord): z.infer<typeof TierView> | null {
  const t = record.tier;
  if (!t) return null;
  return {
    tier: t.tier, label: TIER_LABELS[t.tier], source: t.source, reasons: t.reasons,
    since: iso(t.since), next_review_at: isoOrNull(t.nextReviewAt),
    override: record.override ? presentOverride(record.override) : null,
  };
}

/** One tier history entry. */
export function presentHistory(change: TierChange): z.infer<typeof HistoryEntry> {
  return { from: change.from, to: change.to, at: iso(change.at), source: change.source, reasons: change.reasons };
}

/** GET /api/contacts/:id: the record with its latest history entries (newest first). */
export function presentContact(record: ContactRecord, history: TierChange[]): z.infer<typeof ContactDetail> {
  const { contact: c, engagement: e, orders: o } = record;
  const v = effectiveValue(record.value, o.count);
  return {
    contact: {
      external_userid: c.externalUserId, name: c.name, type: c.type, gender: c.gender,
      corp_name: c.corpName ?? null, avatar: c.avatar ?? null, created_at: iso(c.createdAt), updated_at: iso(c.updatedAt),
    },
    follows: c.follows.map((f) => ({
      userid: f.userId, remark: f.remark ?? null, added_at: iso(f.addedAt), add_way: f.addWay ?? null,
      state: f.state ?? null, tag_ids: f.tagIds, status: f.status, changed_at: iso(f.changedAt),
    })),
    profile: c.profile,
    engagement: {
      added_at: isoOrNull(e.addedAt), inbound: e.inbound.map(iso), pushes: e.pushes.map(iso),
      intents: e.intents.map((i) => ({ at: iso(i.at), keyword: i.keyword })), paid_orders: e.paidOrders.map(iso),
      customer_left: e.customerLeft,
    },
    orders: { count: o.count, amount: o.amount, profit: o.profit, paid: o.paid, avg_days_late: o.paid === 0 ? 0 : o.daysLate / o.paid },
    tier: presentTier(record),
    lifecycle: record.tier ? { stage: record.tier.lifecycle, label: LIFECYCLE_LABELS[record.tier.lifecycle] } : null,
    value: v ? presentValue(v) : null,
    history: history.map(presentHistory),
    ...presentOptOut(record),
  };
}

/** The opt-out state: the opt-out while it holds, or the reversal that was the last word. */
export function presentOptOut(state: Pick<ContactRecord, 'optOut' | 'optOutReversal'>): Omit<z.infer<typeof OptOutResult>, 'external_userid'> {
  const { optOut: o, optOutReversal: r } = state;
  return {
    opt_out: o ? { at: iso(o.at), keyword: o.keyword, source: o.source } : null,
    opt_out_reversal: r ? { at: iso(r.at), by: r.by } : null,
  };
}

/** A value with the zh labels of its grade and quadrant. */
export function presentValue(v: Value): NonNullable<z.infer<typeof ContactDetail>['value']> {
  return { score: v.score, grade: v.grade, grade_label: GRADE_LABELS[v.grade], quadrant: v.quadrant, quadrant_label: v.quadrant ? QUADRANT_LABELS[v.quadrant] : null };
}

/** The value part of GET /api/tiers/summary. */
export function presentValueSummary(s: ValueSummary): NonNullable<z.infer<typeof TiersSummary>['value']> {
  return {
    scored_at: iso(s.at), contacts: s.contacts, buyers: s.buyers,
    grades: (['high', 'mid', 'low'] as const satisfies readonly ValueGrade[]).map((grade) => ({ grade, label: GRADE_LABELS[grade], count: s.grades[grade] })),
    quadrants: (['star', 'flow', 'stream', 'burden'] as const satisfies readonly Quadrant[])
      .map((quadrant) => ({ quadrant, label: QUADRANT_LABELS[quadrant], count: s.quadrants[quadrant] })),
  };
}

/** One row of GET /api/contacts. */
export function presentSummary(record: ContactRecord): z.infer<typeof ContactSummary> {
  const { contact: c, tier: t } = record;
  return {
    external_userid: c.externalUserId, name: c.name, corp_name: c.corpName ?? null,
    tier: t?.tier ?? null, tier_label: t ? TIER_LABELS[t.tier] : null, tier_source: t?.source ?? null,
    lifecycle: t?.lifecycle ?? null,
    reps: c.follows.filter((f) => f.status === 'active').map((f) => f.userId),
    opted_out: Boolean(record.optOut),
    updated_at: iso(c.updatedAt),
  };
}
