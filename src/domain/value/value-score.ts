/**
 * Customer value (seed 001, 003): a 0-100 weighted score of payment credit, order amount
 * and profit, a grade by ratio split, and the frequency × volume quadrant. Amount and
 * profit are only meaningful against the other customers, so a score is relative to a
 * population: the buyers (customers with at least one order). Everyone else is worth
 * NON_BUYER_VALUE by definition, so they need no ranking and need not be stored.
 *
 * Two ways in, with the same arithmetic: scoreValues for a list of customers (tests,
 * small sets), or buildValueModel over the buyers' numbers as columns (typed arrays) and
 * then scoreBuyer per buyer — how the nightly job scores a million contacts without
 * holding them, in two passes (jobs/value/score-all-values.ts).
 */
export interface ValueInput {
  externalUserId: string;
  orderCount: number;
  amount: number;
  profit: number;
  /** Average days paid late over paid orders (0 = always on time). */
  avgDaysLate: number;
}

/** One buyer's numbers, without its id. */
export type BuyerNumbers = Omit<ValueInput, 'externalUserId'>;

export interface ValueWeights {
  credit: number;
  amount: number;
  profit: number;
}

export interface ValuePolicy {
  weights: ValueWeights;
  /** Days late at which credit reaches 0. */
  creditZeroAtDaysLate: number;
  /** Shares of buyers graded high and mid (the rest are low), e.g. 0.2 and 0.3. */
  split: { high: number; mid: number };
}

export type ValueGrade = 'high' | 'mid' | 'low';
/**
 * Frequency (order count) × volume (order amount), each against the buyers' median:
 * star 明星 frequent and large; flow 流量 large but infrequent (a few big orders);
 * stream 小溪 frequent but small (a steady trickle); burden 负担 neither.
 */
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

export type Value = Omit<ValueResult, 'externalUserId'>;

/** What every customer without an order is worth: nothing to rank, so never stored. */
export const NON_BUYER_VALUE: Readonly<Value> = Object.freeze({ score: 0, grade: 'low', quadrant: null });

/**
 * A contact's value as shown: the stored one, else NON_BUYER_VALUE for a contact without
 * orders, else null (a buyer the nightly scoring has not seen yet).
 */
export function effectiveValue(stored: Value | null, orderCount: number): Value | null {
  return stored ?? (orderCount === 0 ? { ...NON_BUYER_VALUE } : null);
}

/** The buyers' numbers column by column: plain arrays or typed arrays, all `length` long. */
export interface BuyerColumns {
  length: number;
  orderCount: ArrayLike<number>;
  amount: ArrayLike<number>;
  profit: ArrayLike<number>;
  avgDaysLate: ArrayLike<number>;
}

/** The population statistics a buyer is scored against. */
export interface ValueModel {
  policy: ValuePolicy;
  buyers: number;
  /** The buyers' amounts and profits, ascending (for percentile ranks by binary search). */
  amounts: Float64Array;
  profits: Float64Array;
  medianFrequency: number;
  medianVolume: number;
  /** A buyer is high when its score is above this: the best score left out of the top share. */
  highAbove: number;
  /** …and mid when above this, the best score left out of high + mid; low otherwise. */
  midAbove: number;
}

/**
 * The statistics of a population of buyers. Grade counts are the split's shares of the
 * buyers, rounded (20 % of 7 buyers = 1 high), except that the best buyer is high
 * whenever split.high > 0 (so a lone buyer is not mid). Buyers with equal scores always
 * get the same grade: where a tie straddles a cut, the whole tie takes the lower grade,
 * so a grade never holds more than its count. O(n log n); memory: a few arrays of n doubles.
 */
export function buildValueModel(buyers: BuyerColumns, policy: ValuePolicy): ValueModel {
  const n = buyers.length;
  const amounts = Float64Array.from({ length: n }, (_, i) => buyers.amount[i]!).sort();
  const profits = Float64Array.from({ length: n }, (_, i) => buyers.profit[i]!).sort();
  const counts = Float64Array.from({ length: n }, (_, i) => buyers.orderCount[i]!).sort();
  const model: ValueModel = {
    policy, buyers: n, amounts, profits,
    medianFrequency: medianOfSorted(counts), medianVolume: medianOfSorted(amounts),
    highAbove: Infinity, midAbove: Infinity,
  };
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    scores[i] = scoreOf(model, buyers.orderCount[i]!, buyers.amount[i]!, buyers.profit[i]!, buyers.avgDaysLate[i]!);
  }
  scores.sort();
  // The k-th best score is scores[n - 1 - k]; "above the best one left out" keeps ties together.
  const highCount = policy.split.high > 0 ? Math.max(1, Math.round(n * policy.split.high)) : 0;
  const highOrMidCount = Math.max(highCount, Math.round(n * (policy.split.high + policy.split.mid)));
  const cut = (count: number): number => (count >= n ? -Infinity : scores[n - 1 - count]!);
  model.highAbove = cut(highCount);
  model.midAbove = cut(highOrMidCount);
  return model;
}

/** One buyer's value against the model (a buyer outside the population is ranked between its neighbours). */
export function scoreBuyer(model: ValueModel, b: BuyerNumbers): Value {
  const score = scoreOf(model, b.orderCount, b.amount, b.profit, b.avgDaysLate);
  const grade: ValueGrade = score > model.highAbove ? 'high' : score > model.midAbove ? 'mid' : 'low';
  const frequent = b.orderCount > model.medianFrequency;
  const large = b.amount > model.medianVolume;
  const quadrant: Quadrant = frequent ? (large ? 'star' : 'stream') : large ? 'flow' : 'burden';
  return { score, grade, quadrant };
}

/** Scores every customer: buyers against each other, the rest NON_BUYER_VALUE. O(n log n). */
export function scoreValues(inputs: readonly ValueInput[], policy: ValuePolicy): ValueResult[] {
  const buyers = inputs.filter((i) => i.orderCount > 0);
  const model = buildValueModel({
    length: buyers.length,
    orderCount: buyers.map((b) => b.orderCount),
    amount: buyers.map((b) => b.amount),
    profit: buyers.map((b) => b.profit),
    avgDaysLate: buyers.map((b) => b.avgDaysLate),
  }, policy);
  return inputs.map((input) => ({
    externalUserId: input.externalUserId,
    ...(input.orderCount > 0 ? scoreBuyer(model, input) : NON_BUYER_VALUE),
  }));
}

/** Credit in [0, 1]: 1 when paid on time, falling linearly to 0 at creditZeroAtDaysLate. */
export function creditOf(avgDaysLate: number, policy: ValuePolicy): number {
  return Math.min(1, Math.max(0, 1 - avgDaysLate / policy.creditZeroAtDaysLate));
}

/** The weighted score, rounded to 0.1 (grades compare rounded scores: what people see). */
function scoreOf(model: ValueModel, orderCount: number, amount: number, profit: number, avgDaysLate: number): number {
  const w = model.policy.weights;
  const total = w.credit + w.amount + w.profit;
  if (!(total > 0) || orderCount <= 0) return 0;
  const weighted = w.credit * creditOf(avgDaysLate, model.policy) + w.amount * rankIn(model.amounts, amount) + w.profit * rankIn(model.profits, profit);
  return Math.round((1000 * weighted) / total) / 10;
}

/**
 * Percentile rank in [0, 1] of `value` among `sorted`: lowest 0, highest 1, ties share the
 * average of their positions; a population of one (or none) ranks everyone 1.
 */
export function rankIn(sorted: Float64Array, value: number): number {
  const n = sorted.length;
  if (n <= 1) return 1;
  const below = bound(sorted, value, false);
  const upTo = bound(sorted, value, true);
  const rank = (below + upTo - 1) / 2 / (n - 1);
  return Math.min(1, Math.max(0, rank));
}

/** First index whose element is ≥ value (or > value when `after`). */
function bound(sorted: Float64Array, value: number, after: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value || (after && sorted[mid] === value)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function medianOfSorted(s: Float64Array): number {
  if (s.length === 0) return 0;
  const mid = s.length >>> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
