import type { ApiToken } from '../../../config/api-tokens.ts';
import type { ContactRecord, ContactStore, OptOutsListener, TierChange } from '../../../domain/ports.ts';
import { reevaluateTier } from '../../../domain/tiers/reevaluate-tier.ts';
import type { TierPolicy } from '../../../domain/tiers/policy.ts';
import type { Clock } from '../../../shared/clock.ts';
import type { Logger } from '../../../shared/logger.ts';

/** Everything the /api routes use, passed in (no globals). */
export interface ApiDeps {
  store: ContactStore;
  policy: TierPolicy;
  /** Business time zone (reasons show days in it). */
  timeZone: string;
  clock: Clock;
  /** FENJI_API_TOKENS; empty = the API answers 503 api_disabled. */
  tokens: readonly ApiToken[];
  /**
   * Told about every tier change a request caused, after it is stored (e.g. to mirror it
   * as a WeCom corp tag). Must be idempotent: a change may be reported twice when two
   * requests race on one contact. A failure is logged, not returned to the client — the
   * fact and the tier are already stored. Default: nothing.
   */
  onTierChanges?: (changes: readonly TierChange[]) => Promise<void>;
  /**
   * Told about an opt-out an inbound message posted to /api/interactions made, once stored
   * (e.g. to tell the reps). A failure is logged, not returned: the opt-out is stored.
   */
  onOptOuts?: OptOutsListener;
  log: Logger;
  /** Largest JSON body (default 256 KB). */
  maxBodyBytes?: number;
}

/**
 * Re-evaluates a contact's tier after a fact or an override changed, tells the hook about
 * a change, and returns the record as now stored (null if the contact is gone).
 */
export async function settleTier(deps: ApiDeps, externalUserId: string): Promise<ContactRecord | null> {
  const change = await reevaluateTier(deps, externalUserId, deps.clock.now());
  if (change && deps.onTierChanges) {
    try {
      await deps.onTierChanges([change]);
    } catch (err) {
      deps.log.warn({ externalUserId, err: { message: (err as Error).message } }, 'tier change hook failed: the tier is stored, its WeCom tag may lag');
    }
  }
  return deps.store.get(externalUserId);
}
