import { parse } from 'csv-parse/sync';
import type { CellProblem } from './profile-values.ts';

/** A CSV file's header and data rows, each row with its spreadsheet row number (header = 1). */
export interface CsvTable {
  header: string[];
  rows: { row: number; cells: string[] }[];
}

export type ReadCsvResult = { table: CsvTable } | { problem: CellProblem & { line?: number } };

/**
 * Reads a CSV as Excel writes it: UTF-8 with or without a BOM, comma separated, a header
 * row, quoted cells that may hold commas, quotes ("") and line breaks. Row numbers count
 * records, as the sheet shows them, not physical lines; rows whose cells are all empty
 * (Excel's ",,,") are then skipped. A file that is not UTF-8 (Excel's default "CSV" in a
 * Chinese locale is GBK) or whose quoting is broken is refused as a whole.
 */
export function readCsv(bytes: Uint8Array): ReadCsvResult {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return {
      problem: {
        zh: '文件不是 UTF-8 编码：在 Excel 中请“另存为 → CSV UTF-8（逗号分隔）”',
        en: 'the file is not UTF-8: in Excel use Save As → "CSV UTF-8 (Comma delimited)"',
      },
    };
  }
  let records: string[][];
  try {
    records = parse(text, { bom: true, relax_column_count: true });
  } catch (err) {
    // csv-parse's errors carry a CSV_* code and the line reached (its CsvError class differs between builds).
    if (!(err instanceof Error) || !String((err as { code?: unknown }).code).startsWith('CSV_')) throw err;
    const reached = (err as { lines?: unknown }).lines;
    const line = typeof reached === 'number' ? reached : undefined;
    return {
      problem: {
        zh: `CSV 格式错误${line ? `（第 ${line} 行附近）` : ''}：引号不成对或单元格内引号未写成 ""`,
        en: `malformed CSV${line ? ` near line ${line}` : ''}: ${err.message}`,
        ...(line ? { line } : {}),
      },
    };
  }
  const [header, ...data] = records;
  if (!header) return { problem: { zh: '文件为空', en: 'the file is empty' } };
  const rows = data.map((cells, i) => ({ row: i + 2, cells })).filter(({ cells }) => cells.some((c) => c.trim() !== ''));
  return { table: { header: header.map((h) => h.trim()), rows } };
}
