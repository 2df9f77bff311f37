import type { ContactRecord, StoredTier, TierChange } from '../ports.ts';
import type { TierInputs } from './reevaluate-tier.ts';

/** Tier inputs plus the hot half they came from, which a write compares against. */
export interface VersionedTierInputs extends TierInputs, Pick<ContactRecord, 'optOut' | 'optOutReversal'> {
  reps: string[];
  /** Carried unchanged into the hot half a write re-encodes (the store's own encoding), as is the opt-out. */
  inboundFacts: string;
  version: string;
}

/** One contact's re-evaluated tier, written only if its hot half is still `input.version`. */
export interface TierWrite {
  input: VersionedTierInputs;
  tier: StoredTier;
  change: TierChange | null;
}
