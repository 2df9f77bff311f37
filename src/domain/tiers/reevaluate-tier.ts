import type { ContactStore, StoredTier, TierChange } from '../ports.ts';
import { assessTier } from './assess-tier.ts';
import { assessLifecycle } from './lifecycle.ts';
import type { TierPolicy } from './policy.ts';

export interface ReevaluateDeps {
  store: ContactStore;
  policy: TierPolicy;
  timeZone: string;
}

/**
 * Recomputes one contact's tier from its facts and stores it. A change goes to the
 * history and is returned, so the caller can mirror it as a WeCom corp tag.
 */
export async function reevaluateTier(deps: ReevaluateDeps, externalUserId: string, now: number): Promise<TierChange | null> {
  const record = await deps.store.get(externalUserId);
  if (!record) return null;
  const assessment = assessTier(record.engagement, deps.policy, now, {
    timeZone: deps.timeZone,
    ...(record.override ? { override: record.override } : {}),
  });
  const previous = record.tier;
  const changed = previous?.tier !== assessment.tier;
  const stored: StoredTier = {
    tier: assessment.tier,
    source: assessment.source,
    reasons: assessment.reasons,
    since: changed || !previous ? now : previous.since,
    nextReviewAt: assessment.nextReviewAt,
    lifecycle: assessLifecycle(record.engagement, deps.policy, now),
  };
  const change: TierChange | null = changed
    ? { externalUserId, from: previous?.tier ?? null, to: assessment.tier, at: now, source: assessment.source, reasons: assessment.reasons }
    : null;
  await deps.store.saveTier(externalUserId, stored, change);
  return change;
}
