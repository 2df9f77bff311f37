import { describe, expect, it } from 'vitest';
import type { ValueRow, ValueWrite } from '../../adapters/redis/contact-store/value-batches.ts';
import type { OrderTotals, ValueSummary } from '../../domain/ports.ts';
import { scoreValues, type Value, type ValuePolicy } from '../../domain/value/value-score.ts';
import { buyerNumbers, scoreAllValues, type ValueBatchStore } from './score-all-values.ts';

const policy: ValuePolicy = { weights: { credit: 0.1, amount: 0.3, profit: 0.6 }, creditZeroAtDaysLate: 60, split: { high: 0.2, mid: 0.3 } };
const NO_ORDERS: OrderTotals = { count: 0, amount: 0, profit: 0, paid: 0, daysLate: 0 };

/** An in-memory ValueBatchStore; `onSave` may report ids as changed meanwhile, `gone` ids vanish on re-read. */
class FakeBatches implements ValueBatchStore {
  readonly values = new Map<string, Value | null>();
  readonly reads: string[][] = [];
  summary: ValueSummary | null = null;
  onSave: (writes: ValueWrite[], call: number) => string[] = () => [];
  failReadAt = -1;
  readonly gone = new Set<string>();
  private saves = 0;

  constructor(readonly orders: Map<string, OrderTotals>) {
    for (const id of orders.keys()) this.values.set(id, null);
  }

  async scanIds(cursor: string | null, count: number): Promise<{ ids: string[]; nextCursor: string | null }> {
    const all = [...this.orders.keys()];
    const from = cursor === null ? 0 : Number(cursor);
    return { ids: all.slice(from, from + count), nextCursor: from + count < all.length ? String(from + count) : null };
  }

  async read(ids: string[]): Promise<ValueRow[]> {
    if (this.reads.length === this.failReadAt) throw new Error('redis went away');
    this.reads.push(ids);
    return ids.filter((id) => !(this.gone.has(id) && this.reads.length > 1 && this.saves > 0))
      .map((id) => ({ externalUserId: id, orders: this.orders.get(id)!, stored: this.values.get(id) ?? null, raw: Buffer.alloc(0), tail: null! }));
  }

  async saveIfUnchanged(writes: ValueWrite[]): Promise<string[]> {
    const stale = new Set(this.onSave(writes, this.saves++));
    for (const w of writes) if (!stale.has(w.row.externalUserId)) this.values.set(w.row.externalUserId, w.value);
    return [...stale];
  }

  async saveSummary(summary: ValueSummary): Promise<void> {
    this.summary = summary;
  }
}

function population(n: number): Map<string, OrderTotals> {
  return new Map(Array.from({ length: n }, (_, i) => [
    `wm${String(i).padStart(3, '0')}`,
    i % 4 === 0 ? NO_ORDERS : { count: 1 + (i % 3), amount: 10 * i, profit: (i * 7) % 13, paid: 1, daysLate: i % 50 },
  ]));
}

const run = (batches: FakeBatches, batchSize = 4) => scoreAllValues({ batches, policy, clock: { now: () => 42 } }, { batchSize });

describe('scoreAllValues (in-memory store)', () => {
  it('stores what scoreValues decides for buyers, nothing for contacts without orders', async () => {
    const orders = population(30);
    const batches = new FakeBatches(orders);
    const { stats } = await run(batches);
    const expected = scoreValues([...orders].map(([id, o]) => ({ externalUserId: id, ...buyerNumbers(o) })), policy);
    for (const { externalUserId, ...value } of expected) {
      expect(batches.values.get(externalUserId), externalUserId).toEqual(orders.get(externalUserId)!.count > 0 ? value : null);
    }
    expect(stats).toMatchObject({ contacts: 30, buyers: 22, written: 22, retried: 0, skipped: 0 });
    expect(batches.summary).toMatchObject({ at: 42, contacts: 30, buyers: 22 });
    expect(batches.summary!.grades.high + batches.summary!.grades.mid + batches.summary!.grades.low).toBe(30);
  });

  it('gives up on a contact still changing after 3 re-reads (left for the next run), counting it once', async () => {
    const batches = new FakeBatches(population(12));
    batches.onSave = (writes) => writes.filter((w) => w.row.externalUserId === 'wm005').map((w) => w.row.externalUserId);
    const { stats, summary } = await run(batches);
    expect(stats).toMatchObject({ retried: 3, skipped: 1, written: 8 });
    expect(batches.values.get('wm005')).toBeNull();
    expect(summary.contacts).toBe(12);
    expect(summary.buyers).toBe(9);
  });

  it('does not count a contact deleted between its read and its write', async () => {
    const batches = new FakeBatches(population(12));
    batches.gone.add('wm006');
    batches.onSave = (writes, call) => (call === 0 ? writes.filter((w) => w.row.externalUserId === 'wm006').map((w) => w.row.externalUserId) : []);
    const { stats, summary } = await run(batches, 12);
    expect(stats).toMatchObject({ retried: 1, skipped: 0 });
    expect(summary.contacts).toBe(11);
    expect(summary.buyers).toBe(8);
  });

  it('fails the run when a read fails, without an unhandled rejection from the reads ahead', async () => {
    const batches = new FakeBatches(population(40));
    batches.failReadAt = 3;
    await expect(run(batches)).rejects.toThrow('redis went away');
    expect(batches.summary).toBeNull();
  });
});
