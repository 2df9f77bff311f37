import type { Profile } from '../domain/contacts/contact.ts';
import { COLUMN_LABELS, columnOf, type ProfileColumn } from './profile-columns.ts';
import { MAX_NOTE, MAX_TEXT, parseAge, parseBirthday, parseInterests, parseText, type CellProblem, type Parsed } from './profile-values.ts';
import type { CsvTable } from './read-csv.ts';

/** One problem: a row (null = the file), a column label (null = the row), and what is wrong. */
export interface RowProblem extends CellProblem {
  row: number | null;
  column: string | null;
}

/** A valid row: the contact and the profile fields its non-empty cells set. */
export interface ProfilePatch {
  row: number;
  externalUserId: string;
  profile: Partial<Profile>;
}

export interface ValidatedProfiles {
  patches: ProfilePatch[];
  problems: RowProblem[];
  /** Headers that name nothing Fenji imports (other columns of the team's sheet). */
  ignoredColumns: string[];
}

type FieldParser = (text: string, thisYear: number) => Parsed<Profile[keyof Profile]>;

const PARSERS: Readonly<Partial<Record<ProfileColumn, FieldParser>>> = {
  birthday: (t, year) => parseBirthday(t, year),
  age: (t) => parseAge(t),
  region: (t) => parseText(t, MAX_TEXT),
  occupation: (t) => parseText(t, MAX_TEXT),
  employer: (t) => parseText(t, MAX_TEXT),
  interests: (t) => parseInterests(t),
  note: (t) => parseText(t, MAX_NOTE),
};

/**
 * Checks every row of a profile CSV and collects every problem (not just the first), so
 * one run of the import shows the whole list to fix. An empty cell leaves that field as it
 * is; a contact may appear once per file. Pure: whether the contacts exist is checked by
 * the caller.
 */
export function validateProfiles(table: CsvTable, thisYear: number): ValidatedProfiles {
  const problems: RowProblem[] = [];
  const ignoredColumns: string[] = [];
  const columns: (ProfileColumn | null)[] = table.header.map((h) => columnOf(h));
  table.header.forEach((h, i) => {
    const column = columns[i];
    if (column === null || column === undefined) {
      if (h !== '') ignoredColumns.push(h);
    } else if (columns.indexOf(column) !== i) {
      problems.push({ row: 1, column: COLUMN_LABELS[column], zh: `重复的列“${h}”`, en: `column "${h}" appears twice` });
    }
  });
  const idAt = columns.indexOf('externalUserId');
  if (idAt < 0) {
    problems.push({ row: 1, column: null, zh: '缺少客户ID列（external_userid / 客户ID）', en: 'no external_userid (客户ID) column in the header row' });
    return { patches: [], problems, ignoredColumns };
  }

  const patches: ProfilePatch[] = [];
  const firstRowOf = new Map<string, number>();
  for (const { row, cells } of table.rows) {
    const rowProblems: RowProblem[] = [];
    if (cells.length > table.header.length) {
      rowProblems.push({ row, column: null, zh: `单元格多于表头（${cells.length} > ${table.header.length}）`, en: `more cells than header columns (${cells.length} > ${table.header.length})` });
    }
    const id = (cells[idAt] ?? '').trim();
    if (id === '') {
      rowProblems.push({ row, column: COLUMN_LABELS.externalUserId, zh: '客户ID为空', en: 'external_userid is empty' });
    } else if (firstRowOf.has(id)) {
      rowProblems.push({ row, column: COLUMN_LABELS.externalUserId, zh: `客户ID与第 ${firstRowOf.get(id)} 行重复`, en: `same external_userid as row ${firstRowOf.get(id)}` });
    } else {
      firstRowOf.set(id, row);
    }
    const profile: Record<string, unknown> = {};
    columns.forEach((column, i) => {
      const parse = column ? PARSERS[column] : undefined;
      const text = (cells[i] ?? '').trim();
      if (!column || !parse || text === '') return;
      const parsed = parse(text, thisYear);
      if ('problem' in parsed) rowProblems.push({ row, column: COLUMN_LABELS[column], ...parsed.problem });
      else profile[column] = parsed.value;
    });
    if (rowProblems.length > 0) problems.push(...rowProblems);
    else patches.push({ row, externalUserId: id, profile: profile as Partial<Profile> });
  }
  return { patches, problems, ignoredColumns };
}

/** One report line: `第 3 行 row 3 · 生日 birthday: 月份 13 无效 / month 13 is not 1–12`. */
export function formatProblem(p: RowProblem): string {
  const where = p.row === null ? '文件 file' : `第 ${p.row} 行 row ${p.row}`;
  return `${where}${p.column ? ` · ${p.column}` : ''}: ${p.zh} / ${p.en}`;
}
