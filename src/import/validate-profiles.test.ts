import { describe, expect, it } from 'vitest';
import { readCsv, type CsvTable } from './read-csv.ts';
import { formatProblem, validateProfiles } from './validate-profiles.ts';

const table = (csv: string): CsvTable => {
  const read = readCsv(new TextEncoder().encode(csv));
  if ('problem' in read) throw new Error(read.problem.en);
  return read.table;
};

describe('profile CSV rows', () => {
  it('maps Chinese headers, skips unknown columns and empty cells, and keeps multi-line quoted cells', () => {
    const csv = '\uFEFF客户ID,姓名,生日,年龄,地区,职业,单位,兴趣,备注,电话\r\n'
      + 'wm1,李娜,农历1988-08-15,36,杭州,会计,小明贸易,"茶、摄影","第一行\r\n第二行, 有逗号和""引号""",138\r\n'
      + 'wm2,王芳,,,,,,,,\r\n';
    const result = validateProfiles(table(csv), 2025);
    expect(result.problems).toEqual([]);
    expect(result.ignoredColumns).toEqual(['电话']);
    expect(result.patches).toEqual([
      { row: 2, externalUserId: 'wm1', profile: {
        birthday: { calendar: 'lunar', year: 1988, month: 8, day: 15 }, age: 36, region: '杭州', occupation: '会计', employer: '小明贸易',
        interests: ['茶', '摄影'], note: '第一行\n第二行, 有逗号和"引号"',
      } },
      { row: 3, externalUserId: 'wm2', profile: {} },
    ]);
  });

  it('reports every bad row with its row number and column, and returns no patch for it', () => {
    const csv = 'external_userid,birthday,age\nwm1,1990-08-15,30\nwm2,1990-02-30,abc\n,1990-01-01,\nwm1,,\n';
    const result = validateProfiles(table(csv), 2025);
    expect(result.patches.map((p) => p.row)).toEqual([2]);
    expect(result.problems.map((p) => [p.row, p.column])).toEqual([
      [3, '生日 birthday'], [3, '年龄 age'], [4, '客户ID external_userid'], [5, '客户ID external_userid'],
    ]);
    expect(formatProblem(result.problems[3]!)).toBe('第 5 行 row 5 · 客户ID external_userid: 客户ID与第 2 行重复 / same external_userid as row 2');
  });

  it('refuses a header without an id column, and a file that is not UTF-8 or has broken quotes', () => {
    expect(validateProfiles(table('姓名,生日\n李娜,1990-01-01\n'), 2025).problems[0]).toMatchObject({ row: 1, en: expect.stringContaining('no external_userid') });
    const gbk = readCsv(new Uint8Array([0xbf, 0xcd, 0xbb, 0xa7, 0x49, 0x44, 0x0a]));
    expect(gbk).toMatchObject({ problem: { en: expect.stringContaining('not UTF-8') } });
    expect(readCsv(new TextEncoder().encode('客户ID,备注\nwm1,"没有结束的引号\n'))).toMatchObject({ problem: { line: 2 } });
  });
});
