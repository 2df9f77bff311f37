import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS as C } from '../../src/config/sandbox-credentials.ts';
import { TEXTS } from '../../src/domain/bot/texts.ts';
import { fakeClock, playSandbox, startInProcessFenji, type InProcessFenji } from '../helpers/in-process-fenji.ts';
import { postSealed, sealForSandbox } from '../helpers/post-callback.ts';

// A manager (boss) and two reps (zhangwei, lisi) send every customer command to the app
// through the sandbox; what each was told is read back from the sandbox's message/send log.
// lisi's customers (李四, remark 李总-机密; 张丽) must never reach zhangwei in any answer.

interface Told { content: string | null }

let fenji: InProcessFenji;
const LISI_SECRETS = ['李四', '李总', '机密', 'wm-lisi', '张丽', 'wm-zhangli'];

beforeAll(async () => {
  fenji = await startInProcessFenji({ clock: fakeClock(Date.now()), env: { FENJI_MANAGERS: 'boss', FENJI_BOT_COMMANDS_PER_MINUTE: '30' } });
  fenji.sandbox.state.seed({ reps: [{ userid: 'boss', name: '王总' }, { userid: 'zhangwei', name: '张伟' }, { userid: 'lisi', name: '李思' }] });
  await playSandbox(fenji, 'simulate/add-contact', { userid: 'zhangwei', name: '张三', external_userid: 'wm-zhangsan' });
  await playSandbox(fenji, 'simulate/add-contact', { userid: 'zhangwei', name: '张三丰', external_userid: 'wm-zsf' });
  await playSandbox(fenji, 'simulate/add-contact', { userid: 'lisi', name: '李四', external_userid: 'wm-lisi' });
  await playSandbox(fenji, 'simulate/add-contact', { userid: 'lisi', name: '张丽', external_userid: 'wm-zhangli' });
  await playSandbox(fenji, 'simulate/edit-tags', { userid: 'lisi', external_userid: 'wm-lisi', remark: '李总-机密' });
});
afterAll(async () => fenji?.close());
beforeEach(() => fenji.clock.advance(61_000));

async function told(userid: string): Promise<Told[]> {
  const res = await fetch(`${fenji.sandbox.url}/_sandbox/app-messages?userid=${userid}`);
  return ((await res.json()) as { messages: Told[] }).messages;
}

async function ask(userid: string, text: string): Promise<string> {
  const before = (await told(userid)).length;
  await playSandbox(fenji, 'simulate/member-message', { userid, text });
  return (await told(userid)).slice(before).map((m) => m.content ?? '').join('\n');
}

function expectNothingOfLisi(text: string): void {
  for (const secret of LISI_SECRETS) expect(text, `leaked ${secret}`).not.toContain(secret);
}

describe('customer commands through the sandbox', () => {
  it('客户: each role finds what it may see; a rep asking for another rep\'s customer hears "not found", as for nobody', async () => {
    expect(await ask('zhangwei', '客户 张三')).toContain('【张三】');
    expect(await ask('lisi', '客户 李总')).toContain('【李总-机密】');
    const boss = await ask('boss', '客户 李四');
    expect(boss).toContain('【李四（李总-机密）】');
    expect(boss).toContain('跟进销售：lisi');
    const byName = await ask('zhangwei', '客户 李四');
    const nobody = await ask('zhangwei', '客户 王五');
    expect(byName.replace('李四', 'X')).toBe(nobody.replace('王五', 'X'));
    expectNothingOfLisi((await ask('zhangwei', '客户 李总')).replace('李总', ''));
    expectNothingOfLisi((await ask('zhangwei', '客户 wm-lisi')).replace('wm-lisi', ''));
  });

  it('客户 with several matches: a numbered choice of the rep\'s own, answered by number; no number reaches another rep\'s customer', async () => {
    const list = await ask('zhangwei', '客户 张');
    expect(list).toContain('1. 张三');
    expect(list).toContain('2. 张三丰');
    expectNothingOfLisi(list);
    expect(await ask('zhangwei', '2')).toContain('【张三丰】');
    for (const n of ['3', '9', '客户 3']) expectNothingOfLisi(await ask('zhangwei', n));
    const bossList = await ask('boss', '客户 张');
    expect(bossList).toContain('张丽');
  });

  it('名单 and 跟进: a rep\'s own customers only; the manager sees the corp or names a rep', async () => {
    for (const tier of ['A', 'B', 'C', 'D']) {
      const rep = await ask('zhangwei', `名单 ${tier}`);
      expectNothingOfLisi(rep);
      for (const n of ['1', '2', '3']) expectNothingOfLisi(await ask('zhangwei', n));
    }
    expect(await ask('zhangwei', '名单 C lisi')).toBe(TEXTS.forbiddenScope);
    let bossTiers = '';
    for (const tier of ['A', 'B', 'C', 'D']) bossTiers += await ask('boss', `名单 ${tier} lisi`);
    // Naming a rep, the manager sees the customers as that rep named them.
    expect(bossTiers).toContain('李总-机密');
    expect(bossTiers).toContain('张丽');
    expectNothingOfLisi(await ask('zhangwei', '跟进'));
    expect(await ask('zhangwei', '跟进 lisi')).toBe(TEXTS.forbiddenScope);
    expect(await ask('boss', '跟进')).toContain('全公司今天到期的跟进');
  });

  it("记录 records once per MsgId (WeCom's retried callback too) and never for another rep's customer", async () => {
    const xml = `<xml><ToUserName><![CDATA[${C.corpId}]]></ToUserName><FromUserName><![CDATA[zhangwei]]></FromUserName><CreateTime>${Math.floor(fenji.clock.now() / 1000)}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[记录 张三丰 电话沟通，下周报价]]></Content><MsgId>7300000000000000777</MsgId><AgentID>${C.agentId}</AgentID></xml>`;
    const sealed = sealForSandbox(xml, Math.floor(fenji.clock.now() / 1000));
    const before = (await fenji.container.store.get('wm-zsf'))!.engagement.pushes.length;
    expect([await postSealed(fenji.url, sealed), await postSealed(fenji.url, sealed)]).toEqual([200, 200]);
    await fenji.settled();
    const answers = (await told('zhangwei')).slice(-1).map((m) => m.content ?? '');
    expect(answers[0]).toContain('已记录：电话沟通 · 张三丰');
    expect((await fenji.container.store.get('wm-zsf'))!.engagement.pushes.length).toBe(before + 1);
    const lisiBefore = await fenji.container.store.get('wm-lisi');
    const refused = await ask('zhangwei', '记录 李四 上门拜访');
    expect(refused).toContain('没有记录');
    expect(await fenji.container.store.get('wm-lisi')).toEqual(lisiBefore);
  });

  it('调级: managers only by default, with who and why; bad names change nothing', async () => {
    expect(await ask('zhangwei', '调级 张三 A 已签合同')).toContain('只对管理员开放');
    const set = await ask('boss', '调级 李四 A 已签合同 至 2099-03-31');
    expect(set).toContain('调为 A 类');
    const stored = await fenji.container.store.get('wm-lisi');
    expect(stored?.override).toMatchObject({ tier: 'A', by: 'boss', reason: '已签合同' });
    expect(stored?.tier?.tier).toBe('A');
    for (const name of ['*', "' OR 1=1", '[a-z]?', '客'.repeat(600)]) {
      expect(await ask('boss', `调级 ${name.replace(/ /g, '')} D 测试`)).toContain('等级没有改动');
    }
    expect((await fenji.container.store.get('wm-lisi'))?.override).toMatchObject({ tier: 'A', by: 'boss' });
  });
});
