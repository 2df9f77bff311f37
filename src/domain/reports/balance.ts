/** One rep's load: their A and B customers (the ones that take a rep's time). */
export interface RepLoad {
  rep: string;
  load: number;
}

/** Hand `count` A/B customers from one rep to another. */
export interface Handover {
  from: string;
  to: string;
  count: number;
}

export interface Balance {
  reps: number;
  total: number;
  mean: number;
  /** Coefficient of variation (standard deviation / mean): 0 = perfectly even. */
  spread: number;
  most: RepLoad;
  least: RepLoad;
  handovers: Handover[];
}

/** Suggestions shown at most: a manager acts on a few, the export has the whole table. */
const MAX_HANDOVERS = 3;

/**
 * How evenly A and B customers are spread across reps, and a simple fix (seed 001: a
 * manager keeps high-tier customers balanced so every rep starts from the same line). A fair
 * load is the mean, rounded; the most loaded rep above it hands the least loaded rep below it
 * as many as brings either to the fair load, then the next pair, a few times.
 */
export function balanceLoads(loads: readonly RepLoad[]): Balance | null {
  if (loads.length === 0) return null;
  const total = loads.reduce((s, l) => s + l.load, 0);
  const mean = total / loads.length;
  const variance = loads.reduce((s, l) => s + (l.load - mean) ** 2, 0) / loads.length;
  const sorted = [...loads].sort((a, b) => b.load - a.load || (a.rep < b.rep ? -1 : 1));
  const working = sorted.map((l) => ({ ...l }));
  const high = Math.ceil(mean);
  const low = Math.floor(mean);
  const handovers: Handover[] = [];
  while (handovers.length < MAX_HANDOVERS) {
    const giver = working.reduce((a, b) => (b.load > a.load ? b : a));
    const taker = working.reduce((a, b) => (b.load < a.load ? b : a));
    const count = Math.min(giver.load - high, low - taker.load);
    if (count <= 0) break;
    handovers.push({ from: giver.rep, to: taker.rep, count });
    giver.load -= count;
    taker.load += count;
  }
  return {
    reps: loads.length,
    total,
    mean,
    spread: mean === 0 ? 0 : Math.sqrt(variance) / mean,
    most: sorted[0]!,
    least: sorted[sorted.length - 1]!,
    handovers,
  };
}
