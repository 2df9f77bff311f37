import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { balanceLoads } from '../../domain/reports/balance.ts';
import type { CorpReport } from '../../domain/reports/build-report.ts';
import { reportXlsx } from './report-workbook.ts';

const AT = Date.UTC(2026, 2, 2, 4);
const reps = [
  { rep: 'zhangwei', counts: { A: 2, B: 1, C: 1, D: 0 } },
  { rep: 'lina', counts: { A: 0, B: 1, C: 0, D: 1 } },
];
const REPORT: CorpReport = {
  at: AT,
  table: { corp: { A: 2, B: 2, C: 1, D: 1 }, reps },
  change: { since: AT - 7 * 86_400_000, delta: { A: 1, B: 0, C: -1, D: 0 } },
  moves: [{ from: 'B', to: 'C', count: 1 }, { from: null, to: 'A', count: 2 }],
  products: [{ label: '年卡', orders: 1, amount: 1000 }, { label: '月卡', orders: 4, amount: 400 }],
  regions: [{ label: '上海', orders: 2, amount: 1100.5 }],
  value: { at: AT, contacts: 6, buyers: 5, grades: { high: 1, mid: 2, low: 3 }, quadrants: { star: 1, flow: 1, stream: 2, burden: 1 } },
  pareto: { buyers: 5, top: 1, topAmount: 1000, totalAmount: 1400 },
  balance: balanceLoads(reps.map((r) => ({ rep: r.rep, load: r.counts.A + r.counts.B }))),
};

describe('reportXlsx', () => {
  it('reads back with one sheet per report, Chinese headers on a frozen row and numbers as numbers', async () => {
    const book = new ExcelJS.Workbook();
    // exceljs types its input as its own Buffer (an ArrayBuffer); Node's Buffer is what it reads.
    await book.xlsx.load((await reportXlsx(REPORT, 'Asia/Shanghai')) as unknown as ArrayBuffer);
    expect(book.worksheets.map((s) => s.name)).toEqual(['分级', '销售分级', '本周等级变动', '地区分布', '产品分布', '价值象限', '二八分析', 'AB类均衡', '调整建议']);
    for (const sheet of book.worksheets) {
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      const header = sheet.getRow(1).values as unknown[];
      expect(header.slice(1).every((h) => typeof h === 'string' && /[\u4e00-\u9fff]|^[A-D](\+B)?$/.test(h))).toBe(true);
    }
    const reps = book.getWorksheet('销售分级')!;
    expect(reps.getRow(1).values).toEqual([undefined, '销售', 'A', 'B', 'C', 'D', '合计', 'A+B']);
    expect(reps.getRow(2).values).toEqual([undefined, 'zhangwei', 2, 1, 1, 0, 4, 3]);
    expect(book.getWorksheet('分级')!.getRow(4).values).toEqual([undefined, 'C', 1, -1]);
    const region = book.getWorksheet('地区分布')!.getRow(2);
    expect(region.getCell(3).value).toBe(1100.5);
    expect(region.getCell(4).value).toBe(1);
    expect(region.getCell(4).numFmt).toBe('0.0%');
    expect(book.getWorksheet('二八分析')!.getRow(6).getCell(2).value).toBeCloseTo(1000 / 1400, 10);
    expect(book.getWorksheet('本周等级变动')!.getRow(3).values).toEqual([undefined, '首次分级', 'A', 2]);
    expect(book.getWorksheet('调整建议')!.getRow(2).values).toEqual([undefined, 'zhangwei', 'lina', 1]);
  });
});
