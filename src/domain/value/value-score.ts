/**
 * Customer value (seed 001, 003): a 0-100 weighted score of payment credit, order amount
 * and profit, a grade by ratio split, and the frequency × volume quadrant. Amount and
 * profit are only meaningful against the other customers, so this scores a population.
 */
export interface ValueInput {
  externalUserId: string;
  orderCount: number;
  amount: number;
  profit: number;
  /** Average days paid late over paid orders (0 = always on time). */
  avgDaysLate: number;
}

export interface ValueWeights {
  credit: number;
  amount: number;
  profit: number;
}

export interface ValuePolicy {
  weights: ValueWeights;
  /** Days late at which credit reaches 0. */
  creditZeroAtDaysLate: number;
  /** Shares of customers graded high and mid (the rest are low), e.g. 0.2 and 0.3. */
  split: { high: number; mid: number };
}

export type ValueGrade = 'high' | 'mid' | 'low';
export type Quadrant = 'star' | 'flow' | 'stream' | 'burden';

export const QUADRANT_LABELS: Record<Quadrant, string> = { star: '明星', flow: '流量', stream: '小溪', burden: '负担' };
export const GRADE_LABELS: Record<ValueGrade, string> = { high: '高价值', mid: '中价值', low: '低价值' };

export interface ValueResult {
  externalUserId: string;
  score: number;
  grade: ValueGrade;
  /** Only customers with orders have a quadrant. */
  quadrant: Quadrant | null;
}

/** Scores every customer against the population. O(n log n). */
export function scoreValues(inputs: ValueInput[], policy: ValuePolicy): ValueResult[] {
  const buyers = inputs.filter((i) => i.orderCount > 0);
  const amountRank = percentileRanks(buyers.map((b) => b.amount));
  const profitRank = percentileRanks(buyers.map((b) => b.profit));
  const rankOf = new Map(buyers.map((b, i) => [b.externalUserId, { amount: amountRank[i]!, profit: profitRank[i]! }]));
  const { weights: w } = policy;
  const total = w.credit + w.amount + w.profit;

  const scored = inputs.map((input) => {
    const rank = rankOf.get(input.externalUserId);
    if (!rank) return { externalUserId: input.externalUserId, score: 0 };
    const credit = Math.max(0, 1 - input.avgDaysLate / policy.creditZeroAtDaysLate);
    const score = (100 * (w.credit * credit + w.amount * rank.amount + w.profit * rank.profit)) / total;
    return { externalUserId: input.externalUserId, score: Math.round(score * 10) / 10 };
  });

  const order = scored.map((s, i) => i).sort((a, b) => scored[b]!.score - scored[a]!.score || a - b);
  const grades = new Array<ValueGrade>(scored.length);
  const highCount = Math.round(scored.length * policy.split.high);
  const midCount = Math.round(scored.length * (policy.split.high + policy.split.mid));
  order.forEach((index, position) => {
    grades[index] = position < highCount ? 'high' : position < midCount ? 'mid' : 'low';
  });

  const medianFrequency = median(buyers.map((b) => b.orderCount));
  const medianVolume = median(buyers.map((b) => b.amount));
  return scored.map((s, i) => {
    const input = inputs[i]!;
    const quadrant: Quadrant | null =
      input.orderCount === 0
        ? null
        : quadrantOf(input.orderCount > medianFrequency, input.amount > medianVolume);
    return { ...s, grade: grades[i]!, quadrant };
  });
}

function quadrantOf(frequent: boolean, large: boolean): Quadrant {
  if (frequent) return large ? 'star' : 'stream';
  return large ? 'flow' : 'burden';
}

/** Rank in [0, 1] of each value (ties share the average rank); a single value is 1. */
function percentileRanks(values: number[]): number[] {
  if (values.length <= 1) return values.map(() => 1);
  const sorted = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < sorted.length; ) {
    let end = start;
    while (end + 1 < sorted.length && sorted[end + 1]!.v === sorted[start]!.v) end++;
    const rank = (start + end) / 2 / (values.length - 1);
    for (let k = start; k <= end; k++) ranks[sorted[k]!.i] = rank;
    start = end + 1;
  }
  return ranks;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
