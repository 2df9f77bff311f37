import type { ValueRow, ValueWrite } from '../../adapters/redis/contact-store/value-batches.ts';
import type { OrderTotals, ValueSummary } from '../../domain/ports.ts';
import { BuyerColumnsBuilder } from '../../domain/value/buyer-columns.ts';
import { buildValueModel, NON_BUYER_VALUE, scoreBuyer, type BuyerNumbers, type Value, type ValueModel, type ValuePolicy } from '../../domain/value/value-score.ts';
import type { Clock } from '../../shared/clock.ts';
import { ValueTally } from '../../domain/value/value-tally.ts';

/** Batch reads and conditional writes of values (adapters/redis RedisValueBatches). */
export interface ValueBatchStore {
  scanIds(cursor: string | null, count: number): Promise<{ ids: string[]; nextCursor: string | null }>;
  read(ids: string[]): Promise<ValueRow[]>;
  saveIfUnchanged(writes: ValueWrite[]): Promise<string[]>;
  saveSummary(summary: ValueSummary): Promise<void>;
}

export interface ValueJobDeps {
  batches: ValueBatchStore;
  policy: ValuePolicy;
  clock: Clock;
}

export interface ValueRunStats {
  contacts: number;
  buyers: number;
  /** Values written (changed, or cleared from a contact without orders). */
  written: number;
  /** Contacts that changed between read and write, read and scored again. */
  retried: number;
  /** Contacts still changing after RETRIES re-reads: left for the next run. */
  skipped: number;
  /** Wall time of the ranking pass and of the scoring-and-writing pass. */
  rankMs: number;
  writeMs: number;
}

export interface ValueProgress {
  pass: 'rank' | 'write';
  contacts: number;
}

export const VALUE_BATCH = 1000;
const IDS_PER_FETCH = 8;
const READS_AHEAD = 2;
const WRITES_IN_FLIGHT = 2;
const RETRIES = 3;

/**
 * Scores every buyer against all buyers, in two passes over every contact with memory
 * flat in the number of contacts (a few batches of records in hand at a time):
 * 1. rank: read each record's order totals (its tail only) and keep just the buyers'
 *    numbers in typed arrays (BuyerColumnsBuilder) — no ids, no objects — then build the
 *    population model (sorted amounts and profits, medians, grade cut scores);
 * 2. write: read every record again, score each buyer against the model (scoreBuyer is
 *    a function of the buyer's own numbers and the model, so no id needs remembering
 *    between the passes) and write the values that changed as batched compare-and-set
 *    commits, while the next batches are read.
 * Contacts without orders are not ranked and not stored: their value is NON_BUYER_VALUE
 * by definition (effectiveValue shows it); a stale stored value on one is cleared.
 * A contact that changes during the run is scored as read in the write pass (ranked
 * against the population of the rank pass); one that moves tier index meanwhile may be
 * missed (scored next night) or read twice (same result). The summary (counts by grade
 * and quadrant, non-buyers as low) is saved at the end.
 */
export async function scoreAllValues(
  deps: ValueJobDeps,
  options: { batchSize?: number; onProgress?: (p: ValueProgress) => void | Promise<void> } = {},
): Promise<{ stats: ValueRunStats; summary: ValueSummary }> {
  const batchSize = options.batchSize ?? VALUE_BATCH;
  const t0 = performance.now();
  const columns = new BuyerColumnsBuilder();
  let read = 0;
  for await (const rows of rowBatches(deps.batches, batchSize)) {
    for (const row of rows) if (row.orders.count > 0) columns.push(buyerNumbers(row.orders));
    read += rows.length;
    await options.onProgress?.({ pass: 'rank', contacts: read });
  }
  const model = buildValueModel(columns.view(), deps.policy);
  const t1 = performance.now();

  const tally = new ValueTally();
  const stats: ValueRunStats = { contacts: 0, buyers: 0, written: 0, retried: 0, skipped: 0, rankMs: Math.round(t1 - t0), writeMs: 0 };
  const writing: Promise<void>[] = [];
  for await (const rows of rowBatches(deps.batches, batchSize)) {
    const writes = decide(rows, model, tally);
    if (writing.length >= WRITES_IN_FLIGHT) await writing.shift();
    writing.push(quiet(applyWrites(deps, model, tally, writes, stats)));
    stats.contacts = tally.contacts;
    await options.onProgress?.({ pass: 'write', contacts: tally.contacts });
  }
  for (const w of writing) await w;
  const summary = tally.summary(deps.clock.now());
  await deps.batches.saveSummary(summary);
  return { stats: { ...stats, contacts: summary.contacts, buyers: summary.buyers, writeMs: Math.round(performance.now() - t1) }, summary };
}

/** The inputs of the score from a contact's order totals. */
export function buyerNumbers(o: OrderTotals): BuyerNumbers {
  return { orderCount: o.count, amount: o.amount, profit: o.profit, avgDaysLate: o.paid === 0 ? 0 : o.daysLate / o.paid };
}

/** The value each row should have; counted in the tally; writes for those that differ from what is stored. */
function decide(rows: ValueRow[], model: ValueModel, tally: ValueTally): ValueWrite[] {
  const writes: ValueWrite[] = [];
  for (const row of rows) {
    const value = row.orders.count > 0 ? scoreBuyer(model, buyerNumbers(row.orders)) : null;
    tally.add(value ?? NON_BUYER_VALUE, value !== null);
    if (!sameValue(row.stored, value)) writes.push({ row, value });
  }
  return writes;
}

/** Writes a batch; contacts written to meanwhile are read, scored and written again (RETRIES times). */
async function applyWrites(deps: ValueJobDeps, model: ValueModel, tally: ValueTally, writes: ValueWrite[], stats: ValueRunStats): Promise<void> {
  let pending = writes;
  for (let attempt = 0; pending.length > 0; attempt++) {
    const stale = new Set(await deps.batches.saveIfUnchanged(pending));
    stats.written += pending.length - stale.size;
    if (stale.size === 0) return;
    if (attempt === RETRIES) {
      stats.skipped += stale.size;
      return;
    }
    stats.retried += stale.size;
    const counted = new Map(pending.filter((w) => stale.has(w.row.externalUserId)).map((w) => [w.row.externalUserId, w.value]));
    for (const value of counted.values()) tally.remove(value ?? NON_BUYER_VALUE, value !== null);
    pending = decide(await deps.batches.read([...stale]), model, tally);
  }
}

function sameValue(a: Value | null, b: Value | null): boolean {
  return a === b || (a !== null && b !== null && a.score === b.score && a.grade === b.grade && a.quadrant === b.quadrant);
}

/** Batches of rows, each read two batches ahead of its use; ids fetched a few batches at a time, one fetch ahead. */
async function* rowBatches(store: ValueBatchStore, size: number): AsyncGenerator<ValueRow[]> {
  const ids = idBatches(store, size);
  const reads: Promise<ValueRow[]>[] = [];
  let exhausted = false;
  const fill = async (): Promise<void> => {
    while (!exhausted && reads.length <= READS_AHEAD) {
      const next = await ids.next();
      if (next.done) exhausted = true;
      else reads.push(quiet(store.read(next.value)));
    }
  };
  await fill();
  while (reads.length > 0) {
    const batch = reads.shift()!;
    await fill();
    yield await batch;
  }
}

type IdPage = Awaited<ReturnType<ValueBatchStore['scanIds']>>;

async function* idBatches(store: ValueBatchStore, size: number): AsyncGenerator<string[]> {
  let fetch: Promise<IdPage> | null = quiet(store.scanIds(null, size * IDS_PER_FETCH));
  while (fetch) {
    const page: IdPage = await fetch;
    fetch = page.nextCursor === null ? null : quiet(store.scanIds(page.nextCursor, size * IDS_PER_FETCH));
    for (let i = 0; i < page.ids.length; i += size) yield page.ids.slice(i, i + size);
  }
}

/**
 * A promise that is awaited later: mark its rejection handled now, so a run that fails
 * on an earlier batch does not also crash the process with an unhandled rejection.
 * Awaiting it still throws.
 */
function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
