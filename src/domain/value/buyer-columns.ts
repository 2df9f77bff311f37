import type { BuyerColumns, BuyerNumbers } from './value-score.ts';

/**
 * The buyers' numbers gathered one by one into typed arrays that double as they fill:
 * 28 bytes a buyer (plus slack), no object or id per buyer — what lets the value job
 * rank a million buyers in a few tens of MB.
 */
export class BuyerColumnsBuilder {
  private size = 0;
  private orderCount: Uint32Array;
  private amount: Float64Array;
  private profit: Float64Array;
  private avgDaysLate: Float64Array;

  constructor(capacity = 1024) {
    const n = Math.max(1, capacity);
    this.orderCount = new Uint32Array(n);
    this.amount = new Float64Array(n);
    this.profit = new Float64Array(n);
    this.avgDaysLate = new Float64Array(n);
  }

  get length(): number {
    return this.size;
  }

  push(b: BuyerNumbers): void {
    if (this.size === this.amount.length) this.grow();
    const i = this.size++;
    this.orderCount[i] = b.orderCount;
    this.amount[i] = b.amount;
    this.profit[i] = b.profit;
    this.avgDaysLate[i] = b.avgDaysLate;
  }

  /** The columns so far (views, not copies). */
  view(): BuyerColumns {
    const n = this.size;
    return {
      length: n,
      orderCount: this.orderCount.subarray(0, n),
      amount: this.amount.subarray(0, n),
      profit: this.profit.subarray(0, n),
      avgDaysLate: this.avgDaysLate.subarray(0, n),
    };
  }

  private grow(): void {
    const n = this.amount.length * 2;
    const grown = <T extends Uint32Array | Float64Array>(from: T, to: T): T => {
      to.set(from);
      return to;
    };
    this.orderCount = grown(this.orderCount, new Uint32Array(n));
    this.amount = grown(this.amount, new Float64Array(n));
    this.profit = grown(this.profit, new Float64Array(n));
    this.avgDaysLate = grown(this.avgDaysLate, new Float64Array(n));
  }
}
