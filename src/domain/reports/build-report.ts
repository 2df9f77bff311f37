import type { ValueSummary } from '../ports.ts';
import { TIERS } from '../tiers/policy.ts';
import { balanceLoads, type Balance } from './balance.ts';
import type { ParetoShare, ReportReads, ShareRow, TierChange, TierCounts, TierMove, TierTable } from './ports.ts';

/** Everything 报表 and its export show, read once from the aggregates (no archive scan). */
export interface CorpReport {
  at: number;
  table: TierTable;
  change: TierChange;
  moves: TierMove[];
  products: ShareRow[];
  regions: ShareRow[];
  value: ValueSummary | null;
  pareto: ParetoShare;
  balance: Balance | null;
}

/** What a rep's 报表 holds: their own customers only. */
export interface RepReport {
  at: number;
  rep: string;
  counts: TierCounts;
  change: TierChange;
  moves: TierMove[];
}

export interface ReportSources {
  reports: ReportReads;
  valueSummary(): Promise<ValueSummary | null>;
}

export async function buildCorpReport(src: ReportSources, at: number): Promise<CorpReport> {
  const [table, change, moves, orders, value, pareto] = await Promise.all([
    src.reports.tierTable(),
    src.reports.tierChange(),
    src.reports.tierMoves(),
    src.reports.orderBreakdown(),
    src.valueSummary(),
    src.reports.pareto(),
  ]);
  const balance = balanceLoads(table.reps.map(({ rep, counts }) => ({ rep, load: counts.A + counts.B })));
  return { at, table, change, moves: moves.moves, ...orders, value, pareto, balance };
}

export async function buildRepReport(reports: ReportReads, rep: string, at: number): Promise<RepReport> {
  const [counts, change, moves] = await Promise.all([reports.repTierCounts(rep), reports.tierChange(rep), reports.tierMoves(rep)]);
  return { at, rep, counts, change, moves: moves.moves };
}

export function totalOf(counts: TierCounts): number {
  return TIERS.reduce((s, t) => s + counts[t], 0);
}
