import ExcelJS from 'exceljs';
import type { CorpReport } from '../../domain/reports/build-report.ts';
import type { ShareRow } from '../../domain/reports/ports.ts';
import { formatDay } from '../../domain/tiers/format-day.ts';
import { TIERS } from '../../domain/tiers/policy.ts';
import { QUADRANT_LABELS, type Quadrant } from '../../domain/value/value-score.ts';

type Cell = string | number;

/** One sheet: Chinese headers on a frozen first row, then rows of strings and numbers (never numbers as text). */
function addSheet(book: ExcelJS.Workbook, name: string, headers: string[], rows: Cell[][], numberFormat: Record<number, string> = {}): void {
  const sheet = book.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = headers.map((header, i) => ({ header, key: `c${i}`, width: Math.max(10, header.length * 2 + 4), style: numberFormat[i] ? { numFmt: numberFormat[i] } : {} }));
  sheet.getRow(1).font = { bold: true };
  for (const row of rows) sheet.addRow(row);
}

const shareRows = (rows: readonly ShareRow[]): Cell[][] => {
  const total = rows.reduce((s, r) => s + r.amount, 0);
  return rows.map((r) => [r.label, r.orders, r.amount, total === 0 ? 0 : r.amount / total]);
};

/**
 * The 报表 as a workbook, one sheet per part of the chat answer but every row (the chat
 * lists the top ten): what `报表 导出` and `npm run report -- --xlsx` produce.
 */
export function reportWorkbook(r: CorpReport, timeZone: string): ExcelJS.Workbook {
  const book = new ExcelJS.Workbook();
  book.creator = 'Fenji';
  book.created = new Date(r.at);
  addSheet(book, '分级', ['等级', '客户数', '7天变化'], TIERS.map((t) => [t, r.table.corp[t], r.change.delta[t]]));
  addSheet(
    book,
    '销售分级',
    ['销售', 'A', 'B', 'C', 'D', '合计', 'A+B'],
    r.table.reps.map(({ rep, counts }) => [rep, ...TIERS.map((t) => counts[t]), TIERS.reduce((s, t) => s + counts[t], 0), counts.A + counts.B]),
  );
  addSheet(book, '本周等级变动', ['原等级', '新等级', '客户数'], r.moves.map((m) => [m.from ?? '首次分级', m.to, m.count]));
  addSheet(book, '地区分布', ['地区', '订单数', '金额（元）', '金额占比'], shareRows(r.regions), { 2: '#,##0.00', 3: '0.0%' });
  addSheet(book, '产品分布', ['产品', '订单数', '金额（元）', '金额占比'], shareRows(r.products), { 2: '#,##0.00', 3: '0.0%' });
  addSheet(
    book,
    '价值象限',
    ['象限', '客户数'],
    r.value ? (Object.keys(QUADRANT_LABELS) as Quadrant[]).map((q) => [QUADRANT_LABELS[q], r.value!.quadrants[q]]) : [],
  );
  const p = r.pareto;
  addSheet(book, '二八分析', ['项目', '数值'], [
    ['有订单的客户数', p.buyers],
    ['前 20% 客户数', p.top],
    ['前 20% 客户成交额（元）', p.topAmount],
    ['全部成交额（元）', p.totalAmount],
    ['前 20% 客户成交额占比', p.totalAmount === 0 ? 0 : p.topAmount / p.totalAmount],
  ]);
  const b = r.balance;
  addSheet(book, 'AB类均衡', ['销售', 'A+B 客户数', '与平均相差'], b ? r.table.reps.map(({ rep, counts }) => [rep, counts.A + counts.B, counts.A + counts.B - b.mean]) : [], { 2: '0.0' });
  addSheet(book, '调整建议', ['移出销售', '接手销售', '客户数'], b ? b.handovers.map((h) => [h.from, h.to, h.count]) : []);
  book.title = `Fenji 报表 ${formatDay(r.at, timeZone)}`;
  return book;
}

/** The workbook as .xlsx bytes. */
export async function reportXlsx(r: CorpReport, timeZone: string): Promise<Buffer> {
  return Buffer.from(await reportWorkbook(r, timeZone).xlsx.writeBuffer());
}
