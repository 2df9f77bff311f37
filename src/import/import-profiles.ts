import type { ContactStore } from '../domain/ports.ts';
import { COLUMN_LABELS } from './profile-columns.ts';
import { readCsv } from './read-csv.ts';
import { validateProfiles, type RowProblem } from './validate-profiles.ts';

export interface ImportProfilesDeps {
  store: Pick<ContactStore, 'get' | 'patchProfile'>;
  now: number;
  /** Business time zone: "this year" for birthday checks. */
  timeZone: string;
}

export type ImportOutcome =
  | { ok: true; applied: number; ignoredColumns: string[] }
  | { ok: false; problems: RowProblem[]; ignoredColumns: string[] };

/** How many contacts are looked up at once while checking ids. */
const LOOKUP_BATCH = 100;

/**
 * CSV import of profile fields (档案), all or nothing: every row is parsed and checked
 * first, contacts unknown to Fenji included, and if any row is wrong nothing is written and
 * every problem is returned. Only then is each row applied (patchProfile merges the given
 * fields). Applying is idempotent, so if Redis fails part-way through the writes, running
 * the same file again completes it.
 */
export async function importProfiles(deps: ImportProfilesDeps, bytes: Uint8Array): Promise<ImportOutcome> {
  const read = readCsv(bytes);
  if ('problem' in read) return { ok: false, problems: [{ row: null, column: null, ...read.problem }], ignoredColumns: [] };
  const thisYear = Number(new Intl.DateTimeFormat('en', { timeZone: deps.timeZone, year: 'numeric' }).format(deps.now));
  const { patches, problems, ignoredColumns } = validateProfiles(read.table, thisYear);
  if (read.table.rows.length === 0) {
    problems.push({ row: null, column: null, zh: '表头之后没有数据行', en: 'no data rows after the header' });
  }

  for (let i = 0; i < patches.length; i += LOOKUP_BATCH) {
    const batch = patches.slice(i, i + LOOKUP_BATCH);
    const found = await Promise.all(batch.map((p) => deps.store.get(p.externalUserId)));
    batch.forEach((p, j) => {
      if (!found[j]) problems.push({ row: p.row, column: COLUMN_LABELS.externalUserId, zh: `Fenji 中没有客户“${p.externalUserId}”（先运行 npm run sync）`, en: `no contact "${p.externalUserId}" in Fenji (run npm run sync first)` });
    });
  }
  if (problems.length > 0) {
    problems.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
    return { ok: false, problems, ignoredColumns };
  }

  for (const p of patches) await deps.store.patchProfile(p.externalUserId, p.profile, deps.now);
  return { ok: true, applied: patches.length, ignoredColumns };
}
