import type { Engagement } from '../engagement/engagement.ts';
import type { ContactStore, StoredTier, TierChange } from '../ports.ts';
import { assessTier, type TierOverride } from './assess-tier.ts';
import { assessLifecycle, lifecycleChangesAt } from './lifecycle.ts';
import type { TierPolicy } from './policy.ts';

export interface ReevaluateDeps {
  store: ContactStore;
  policy: TierPolicy;
  timeZone: string;
}

/** What a tier decision reads: one contact's facts, override and current tier. */
export interface TierInputs {
  externalUserId: string;
  engagement: Engagement;
  tier: StoredTier | null;
  override: TierOverride | null;
}

/**
 * The tier a contact should have at `now`, and the history entry if it changed. Pure, so
 * batch jobs (the nightly recompute, the due re-evaluation) decide exactly as
 * reevaluateTier does without a store round trip per contact.
 */
export function decideTier(
  input: TierInputs,
  deps: { policy: TierPolicy; timeZone: string },
  now: number,
): { stored: StoredTier; change: TierChange | null } {
  const assessment = assessTier(input.engagement, deps.policy, now, {
    timeZone: deps.timeZone,
    ...(input.override ? { override: input.override } : {}),
  });
  const previous = input.tier;
  const changed = previous?.tier !== assessment.tier;
  // Reviewed again when the tier may lapse or the lifecycle turns churned, whichever is first.
  const churnsAt = lifecycleChangesAt(input.engagement, deps.policy, now);
  const nextReviewAt = assessment.nextReviewAt === null ? churnsAt : churnsAt === null ? assessment.nextReviewAt : Math.min(assessment.nextReviewAt, churnsAt);
  const stored: StoredTier = {
    tier: assessment.tier,
    source: assessment.source,
    reasons: assessment.reasons,
    since: changed || !previous ? now : previous.since,
    nextReviewAt,
    lifecycle: assessLifecycle(input.engagement, deps.policy, now),
  };
  const change: TierChange | null = changed
    ? { externalUserId: input.externalUserId, from: previous?.tier ?? null, to: assessment.tier, at: now, source: assessment.source, reasons: assessment.reasons }
    : null;
  return { stored, change };
}

/**
 * Recomputes one contact's tier from its facts and stores it. A change goes to the
 * history and is returned, so the caller can mirror it as a WeCom corp tag.
 */
export async function reevaluateTier(deps: ReevaluateDeps, externalUserId: string, now: number): Promise<TierChange | null> {
  const record = await deps.store.get(externalUserId);
  if (!record) return null;
  const { stored, change } = decideTier({ externalUserId, ...record }, deps, now);
  await deps.store.saveTier(externalUserId, stored, change);
  return change;
}
