import type { Engagement } from '../engagement/engagement.ts';
import { DAY_MS, type TierPolicy } from './policy.ts';

/** Where a customer is in the relationship (seed 004): potential → new → loyal, or churned. */
export type Lifecycle = 'potential' | 'new' | 'loyal' | 'churned';

export const LIFECYCLE_LABELS: Record<Lifecycle, string> = { potential: '潜在', new: '新客', loyal: '忠诚', churned: '流失' };

/**
 * Churned when the customer removed the rep, or bought before but not for
 * `churnAfterDays`; loyal after `loyalOrders` paid orders; new after a first order.
 */
export function assessLifecycle(e: Engagement, policy: TierPolicy, now: number): Lifecycle {
  if (e.customerLeft) return 'churned';
  const paid = e.paidOrders.filter((t) => t <= now);
  const last = paid.at(-1);
  if (last === undefined) return 'potential';
  if (now - last > policy.lifecycle.churnAfterDays * DAY_MS) return 'churned';
  if (paid.length >= policy.lifecycle.loyalOrders) return 'loyal';
  return 'new';
}

/**
 * When the lifecycle next changes by time alone: the instant a customer who bought becomes
 * churned (just past `churnAfterDays` after the last paid order), or null when time alone
 * changes nothing (never bought, already churned). A tier's review time includes it, so a
 * churned customer is marked churned (and skipped by every outreach) when it happens, not
 * whenever something else touches the record.
 */
export function lifecycleChangesAt(e: Engagement, policy: TierPolicy, now: number): number | null {
  if (e.customerLeft) return null;
  const last = e.paidOrders.filter((t) => t <= now).at(-1);
  if (last === undefined) return null;
  const churnsAt = last + policy.lifecycle.churnAfterDays * DAY_MS + 1;
  return churnsAt > now ? churnsAt : null;
}
