import type { Tier } from '../tiers/policy.ts';

export type TierCounts = Record<Tier, number>;

/** Customers per tier now, for the corp and per rep (a rep's active relations). */
export interface TierTable {
  corp: TierCounts;
  reps: { rep: string; counts: TierCounts }[];
}

/** How the counts changed from `since` to now (`since` is later than a week ago when the aggregates are younger). */
export interface TierChange {
  since: number;
  delta: TierCounts;
}

/** Contacts that moved from one tier to another (`from` null: their first tier). */
export interface TierMove {
  from: Tier | null;
  to: Tier;
  count: number;
}

/** One product's or region's orders and amount (yuan). */
export interface ShareRow {
  label: string;
  orders: number;
  amount: number;
}

/** The top 20 % of buyers by what they bought, and what share of the whole they bring. */
export interface ParetoShare {
  buyers: number;
  top: number;
  topAmount: number;
  totalAmount: number;
}

/**
 * What reports read: aggregates kept with every tier write and every order
 * (adapters/redis/tier-aggregates.ts), never a scan of the archive. Windows end now.
 */
export interface ReportReads {
  tierTable(): Promise<TierTable>;
  /** One rep's row of the table (their active relations per tier). */
  repTierCounts(rep: string): Promise<TierCounts>;
  /** The change over the last 7 days (corp, or one rep). */
  tierChange(rep?: string): Promise<TierChange>;
  /** Moves between tiers over the last 7 days (corp, or one rep's customers). */
  tierMoves(rep?: string): Promise<{ since: number; moves: TierMove[] }>;
  orderBreakdown(): Promise<{ products: ShareRow[]; regions: ShareRow[] }>;
  pareto(share?: number): Promise<ParetoShare>;
}
