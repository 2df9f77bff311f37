import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_TOKEN, fakeClock, playSandbox, startInProcessFenji, type InProcessFenji } from '../helpers/in-process-fenji.ts';
import { appMessagesTo, openWorkbook, type ToldMessage } from '../helpers/sandbox-messages.ts';

/**
 * Issue 9's first two "Done when", end to end through the sandbox: a manager (boss) and
 * two reps (zhangwei, lisi) send every command to the app, and what the sandbox delivered
 * to each is checked for their role. Both reps have a customer named 张三; lisi's carries
 * a remark, an order from 杭州 and a birthday. Nothing of lisi's customers (name, remark,
 * id, order) reaches zhangwei, and nothing of zhangwei's reaches lisi, whether asked by
 * name, by a number from a list, or by a list. The manager's 报表 导出 is read back with exceljs.
 */

const T0 = Date.UTC(2026, 8, 14, 2); // 2026-09-14 10:00 in Beijing
const CUSTOMERS = [
  { rep: 'zhangwei', id: 'wm-zw-zhangsan', name: '张三' },
  { rep: 'zhangwei', id: 'wm-zw-zsf', name: '张三丰' },
  { rep: 'zhangwei', id: 'wm-zw-wangfang', name: '王芳', remark: '王经理-老客户' },
  { rep: 'lisi', id: 'wm-ls-zhangsan', name: '张三', remark: '张三-杭州机密' },
  { rep: 'lisi', id: 'wm-ls-zhaomin', name: '赵敏', remark: '赵总-大单' },
] as const;
/** What a rep must never learn of the other rep's customers (a shared name aside). */
const SECRETS: Record<'zhangwei' | 'lisi', string[]> = {
  zhangwei: ['wm-ls-zhangsan', '张三-杭州机密', '杭州', '机密', 'wm-ls-zhaomin', '赵敏', '赵总', '大单', '8,800', '8800'],
  lisi: ['wm-zw-zhangsan', 'wm-zw-zsf', '张三丰', 'wm-zw-wangfang', '王芳', '王经理', '老客户', '上海', '1,200', '1200'],
};

let fenji: InProcessFenji;
const answers: Record<string, { asked: string; told: ToldMessage[] }[]> = { boss: [], zhangwei: [], lisi: [] };

async function api(method: string, path: string, body: object): Promise<void> {
  const res = await fetch(`${fenji.url}/api${path}`, { method, headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status, `${method} ${path}: ${await res.clone().text()}`).toBeLessThan(300);
}

/** One member message; returns the text the member was told (files as [文件 name]), and keeps every message for the leak checks. */
async function ask(userid: keyof typeof answers, text: string): Promise<string> {
  // A minute between commands: neither the command limit nor WeCom's 30 messages a minute is the subject here.
  fenji.clock.advance(61_000);
  const before = (await appMessagesTo(fenji.sandbox.url, userid)).length;
  await playSandbox(fenji, 'simulate/member-message', { userid, text });
  const told = (await appMessagesTo(fenji.sandbox.url, userid)).slice(before);
  expect(told.length, `${userid} got an answer to ${text}`).toBeGreaterThan(0);
  answers[userid]!.push({ asked: text, told });
  return told.map((m) => m.content ?? `[文件 ${m.filename}]`).join('\n');
}

beforeAll(async () => {
  fenji = await startInProcessFenji({ clock: fakeClock(T0 - 3 * 86_400_000), env: { FENJI_MANAGERS: 'boss', FENJI_TIMEZONE: 'Asia/Shanghai', FENJI_BOT_COMMANDS_PER_MINUTE: '30' } });
  fenji.sandbox.state.seed({ reps: [{ userid: 'boss', name: '王总' }, { userid: 'zhangwei', name: '张伟' }, { userid: 'lisi', name: '李思' }] });
  for (const c of CUSTOMERS) {
    await playSandbox(fenji, 'simulate/add-contact', { userid: c.rep, name: c.name, external_userid: c.id });
    if ('remark' in c) await playSandbox(fenji, 'simulate/edit-tags', { userid: c.rep, external_userid: c.id, remark: c.remark });
  }
  await api('POST', '/orders', { order_id: 'SO-ZW-1', external_userid: 'wm-zw-wangfang', amount: 1200, paid_at: T0 - 3 * 86_400_000, product: '月卡', region: '上海' });
  await api('POST', '/orders', { order_id: 'SO-LS-1', external_userid: 'wm-ls-zhangsan', amount: 8800, paid_at: T0 - 3 * 86_400_000, product: '年卡', region: '杭州' });
  await api('PATCH', '/contacts/wm-ls-zhangsan/profile', { birthday: { calendar: 'solar', month: 9, day: 20 } });
  fenji.clock.set(T0);
  await fenji.runDueJob();
}, 60_000);
afterAll(async () => fenji?.close());

/** The number a numbered choice gives `label` (the line `n. label · …`). */
function optionOf(text: string, label: string): string {
  const line = text.split('\n').find((l) => new RegExp(`^\\d+\\. ${label} · `).test(l));
  expect(line, `${label} in\n${text}`).toBeDefined();
  return line!.split('.')[0]!;
}

const pushes = async (id: string): Promise<number> => (await fenji.container.store.get(id))!.engagement.pushes.length;
const SHEETS = ['分级', '销售分级', '本周等级变动', '地区分布', '产品分布', '价值象限', '二八分析', 'AB类均衡', '调整建议'];

describe('a manager and two reps ask Fenji everything (sandbox, fake clock)', () => {
  it('the manager sees the corp, picks either 张三 by number, logs, sets a tier, and gets the report and its workbook', async () => {
    const help = await ask('boss', '帮助');
    for (const line of ['你是管理员', '· 调级（/set）', '· 报表 导出（/export）', '想看某位同事的客户']) expect(help).toContain(line);
    expect(await ask('boss', '分级')).toContain('全公司的客户分级（共 5 位）');
    let lists = '';
    for (const tier of ['A', 'B', 'C', 'D']) lists += await ask('boss', `名单 ${tier}`);
    for (const c of ['张三（张三-杭州机密）', '王芳（王经理-老客户）', '赵敏（赵总-大单）', '张三 · ', '张三丰 · ']) expect(lists).toContain(c);
    const choice = await ask('boss', '客户 张三');
    expect(choice).toContain('有 3 位');
    const theirs = await ask('boss', optionOf(choice, '张三（张三-杭州机密）'));
    expect(theirs).toContain('【张三（张三-杭州机密）】');
    expect(theirs).toContain('订单 1 笔，共 8,800 元');
    expect(theirs).toContain('跟进销售：lisi');
    expect(await ask('boss', `客户 ${optionOf(choice, '张三')}`)).toContain('跟进销售：zhangwei');
    expect(await ask('boss', '跟进')).toContain('全公司今天到期的跟进');
    expect(await ask('boss', '跟进 lisi')).not.toContain('只能查看');
    const before = await pushes('wm-ls-zhaomin');
    expect(await ask('boss', '记录 赵敏 上门拜访，谈了续约')).toContain('已记录：拜访 · 赵敏（赵总-大单）');
    expect(await pushes('wm-ls-zhaomin')).toBe(before + 1);
    expect(await ask('boss', '调级 赵敏 A 已签合同')).toContain('调为 A 类');
    expect((await fenji.container.store.get('wm-ls-zhaomin'))?.override).toMatchObject({ tier: 'A', by: 'boss', reason: '已签合同' });
    const report = await ask('boss', '报表');
    for (const line of ['一、客户分级（共 5 位）', 'lisi：A', 'zhangwei：A', '杭州：1 单，8,800 元', '上海：1 单，1,200 元', '前 20% 的客户（1 / 2 位）']) expect(report).toContain(line);

    const exported = answers['boss']!.length;
    await ask('boss', '报表 导出');
    const [text, file] = answers['boss']![exported]!.told;
    expect(text?.content).toContain('Fenji报表-2026-09-14.xlsx');
    expect(file?.filename).toBe('Fenji报表-2026-09-14.xlsx');
    // Done-when 2: the file opens with exceljs: one sheet per report, Chinese headers on frozen rows, numbers as numbers.
    const book = await openWorkbook(fenji.sandbox.url, file!);
    expect(book.worksheets.map((w) => w.name)).toEqual(SHEETS);
    for (const sheet of book.worksheets) {
      expect(sheet.views[0], sheet.name).toMatchObject({ state: 'frozen', ySplit: 1 });
      const header = (sheet.getRow(1).values as unknown[]).slice(1);
      expect(header.every((h) => typeof h === 'string' && /[\u4e00-\u9fff]|^[A-D](\+B)?$/.test(h)), sheet.name).toBe(true);
    }
    const reps = book.getWorksheet('销售分级')!.getSheetValues().slice(2).map((r) => (r as unknown[]).slice(1));
    expect(reps).toEqual(expect.arrayContaining([['lisi', 2, 0, 0, 0, 2, 2], ['zhangwei', 1, 0, 2, 0, 3, 1]]));
    const regions = book.getWorksheet('地区分布')!.getSheetValues().slice(2).map((r) => (r as unknown[]).slice(1));
    expect(regions).toEqual([['杭州', 1, 8800, 0.88], ['上海', 1, 1200, 0.12]]);
    expect(book.getWorksheet('二八分析')!.getRow(5).values).toEqual([undefined, '全部成交额（元）', 10000]);
  });

  for (const [rep, own, other] of [['zhangwei', '张三', '赵敏'], ['lisi', '张三-杭州机密', '王芳']] as const) {
    it(`${rep} sees only their own customers: by name, by number, by list, and writes only to their own`, async () => {
      const help = await ask(rep, '帮助');
      expect(help).toContain('你可以查看自己名下的客户');
      for (const managerOnly of ['调级', '报表 导出']) expect(help).not.toContain(managerOnly);
      expect(await ask(rep, '分级')).toContain(`你名下的客户分级（共 ${rep === 'zhangwei' ? 3 : 2} 位）`);
      let lists = '';
      for (const tier of ['A', 'B', 'C', 'D']) {
        lists += await ask(rep, `名单 ${tier}`);
        for (const n of ['1', '2', '3', '客户 3']) await ask(rep, n);
      }
      for (const name of rep === 'zhangwei' ? ['王经理-老客户', '张三 · ', '张三丰'] : ['张三-杭州机密', '赵总-大单']) expect(lists).toContain(name);
      expect(await ask(rep, '名单 A boss')).toBe('你只能查看自己名下的客户哦。发送「帮助」看看可以怎么问。');
      expect(await ask(rep, '客户 张三')).toContain(`【${own}】`);
      // Another rep's customer by name or id is "not found", word for word as for nobody.
      const nobody = (await ask(rep, '客户 王五')).replace('王五', 'X');
      expect((await ask(rep, `客户 ${other}`)).replace(other, 'X')).toBe(nobody);
      const otherId = rep === 'zhangwei' ? 'wm-ls-zhaomin' : 'wm-zw-wangfang';
      expect((await ask(rep, `客户 ${otherId}`)).replace(otherId, 'X')).toBe(nobody);
      await ask(rep, '客户 张');
      for (const n of ['1', '2', '3', '9', '客户 3']) await ask(rep, n);
      expect(await ask(rep, '跟进')).toContain('你名下');
      expect(await ask(rep, `跟进 ${rep === 'zhangwei' ? 'lisi' : 'zhangwei'}`)).toContain('只能查看自己名下');
      const mine = rep === 'zhangwei' ? 'wm-zw-zhangsan' : 'wm-ls-zhangsan';
      const theirs = rep === 'zhangwei' ? 'wm-ls-zhangsan' : 'wm-zw-zhangsan';
      const [mineBefore, theirsBefore] = [await pushes(mine), await fenji.container.store.get(theirs)];
      expect(await ask(rep, '记录 张三 电话沟通，下周报价')).toContain(`已记录：电话沟通 · ${own}`);
      expect(await pushes(mine)).toBe(mineBefore + 1);
      expect(await fenji.container.store.get(theirs)).toEqual(theirsBefore);
      const otherBefore = await fenji.container.store.get(otherId);
      expect(await ask(rep, `记录 ${other} 上门拜访`)).toContain('没有');
      expect(await fenji.container.store.get(otherId)).toEqual(otherBefore);
      expect(await ask(rep, '调级 张三 A 已签合同')).toContain('「调级」只对管理员开放');
      const report = await ask(rep, '报表');
      expect(report).toContain(`你名下的客户（共 ${rep === 'zhangwei' ? 3 : 2} 位）`);
      expect(report).toContain('全公司的报表只对管理员开放');
      expect(await ask(rep, '报表 导出')).toContain('「报表 导出」只对管理员开放');

      // The leak check: nothing of the other rep's customers in anything this rep was sent
      // (beyond an echo of the rep's own words, as in "没有找到「赵敏」"), and no file.
      const told = answers[rep]!.flatMap((a) => a.told.map((m) => ({ asked: a.asked, m })));
      expect(told.length).toBeGreaterThanOrEqual(answers[rep]!.length);
      for (const { asked, m } of told) {
        expect(m.msgtype, asked).toBe('text');
        const content = asked.split(' ').reduce((c, word) => c.replaceAll(`「${word}」`, '「」'), m.content ?? '');
        for (const secret of SECRETS[rep]) expect(content, `「${asked}」 told ${rep} ${secret}`).not.toContain(secret);
      }
    }, 60_000);
  }
});
