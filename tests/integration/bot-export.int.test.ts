import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { contactRecord, storedTier, tierChange } from '../helpers/factories.ts';
import { fakeClock, playSandbox, startInProcessFenji, type InProcessFenji } from '../helpers/in-process-fenji.ts';
import { appMessagesTo, openWorkbook, type ToldMessage } from '../helpers/sandbox-messages.ts';

// 报表 导出 through the sandbox: a manager gets a text and then the workbook as a file
// (uploaded once, sent once, even when the send is retried); a rep gets a polite no.

let fenji: InProcessFenji;
const T0 = Date.UTC(2026, 8, 14, 2);

beforeAll(async () => {
  fenji = await startInProcessFenji({ clock: fakeClock(T0), env: { FENJI_MANAGERS: 'boss', FENJI_TIMEZONE: 'Asia/Shanghai' } });
  fenji.sandbox.state.seed({ reps: [{ userid: 'boss', name: '王总' }, { userid: 'zhangwei', name: '张伟' }, { userid: 'lina', name: '李娜' }] });
  const store = fenji.container.store;
  for (const [id, rep, tier] of [['c1', 'zhangwei', 'A'], ['c2', 'zhangwei', 'B'], ['c3', 'lina', 'C']] as const) {
    await store.upsertContact(contactRecord(id, T0, { reps: [rep] }));
    await store.saveTier(id, storedTier(tier, T0), tierChange(id, null, tier, T0));
  }
  await store.addOrder({ orderId: 'o-c1', externalUserId: 'c1', amount: 1234.5, product: '年卡', region: '上海' });
});
afterAll(async () => fenji?.close());
beforeEach(() => fenji.clock.advance(61_000));

async function ask(userid: string, text: string): Promise<ToldMessage[]> {
  const before = (await appMessagesTo(fenji.sandbox.url, userid)).length;
  await playSandbox(fenji, 'simulate/member-message', { userid, text });
  return (await appMessagesTo(fenji.sandbox.url, userid)).slice(before);
}

const uploads = async (): Promise<number> =>
  ((await (await fetch(`${fenji.sandbox.url}/_sandbox/calls?path=/cgi-bin/media/upload&errcode=0`)).json()) as { calls: unknown[] }).calls.length;

describe('报表 导出 through the sandbox', () => {
  it('sends a manager a short text, then the workbook as a file that opens with the report\'s numbers', async () => {
    const told = await ask('boss', '报表 导出');
    expect(told.map((m) => m.msgtype)).toEqual(['text', 'file']);
    expect(told[0]!.content).toContain('「Fenji报表-2026-09-14.xlsx」');
    expect(told[1]!.filename).toBe('Fenji报表-2026-09-14.xlsx');
    const book = await openWorkbook(fenji.sandbox.url, told[1]!);
    expect(book.getWorksheet('销售分级')!.getRow(1).values).toEqual([undefined, '销售', 'A', 'B', 'C', 'D', '合计', 'A+B']);
    const rows = book.getWorksheet('销售分级')!.getSheetValues().slice(2).map((r) => (r as unknown[]).slice(1));
    expect(rows).toEqual(expect.arrayContaining([['zhangwei', 1, 1, 0, 0, 2, 2], ['lina', 0, 0, 1, 0, 1, 0]]));
    expect(book.getWorksheet('地区分布')!.getRow(2).getCell(3).value).toBe(1234.5);
  });

  it('/export works too; a rep asking gets a polite refusal and no file', async () => {
    expect((await ask('boss', '/export')).map((m) => m.msgtype)).toEqual(['text', 'file']);
    const before = await uploads();
    const told = await ask('zhangwei', '报表 导出');
    expect(told.map((m) => m.msgtype)).toEqual(['text']);
    expect(told[0]!.content).toContain('只对管理员开放');
    expect(await uploads()).toBe(before);
  });

  it('uploads once and sends each message once when a send fails and the job is retried', async () => {
    const before = await uploads();
    // The first message/send of the answer (its text) fails at WeCom's door: the job is retried.
    await fetch(`${fenji.sandbox.url}/_sandbox/faults`, { method: 'POST', body: JSON.stringify({ kind: 'drop', times: 1, path: 'message/send' }) });
    const told = await ask('boss', '报表 导出');
    expect(((await (await fetch(`${fenji.sandbox.url}/_sandbox/faults`)).json()) as { faults: unknown[] }).faults, 'the drop happened').toEqual([]);
    expect(told.map((m) => m.msgtype)).toEqual(['text', 'file']);
    expect(await uploads()).toBe(before + 1);
    expect((await openWorkbook(fenji.sandbox.url, told[1]!)).worksheets.length).toBeGreaterThan(1);
  });
});
