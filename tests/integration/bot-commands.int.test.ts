import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS as C } from '../../src/config/sandbox-credentials.ts';
import { BOT_COMMAND_JOB_NAME } from '../../src/jobs/bot/job.ts';
import { TEXTS } from '../../src/domain/bot/texts.ts';
import { fakeClock, playSandbox, startInProcessFenji, type InProcessFenji } from '../helpers/in-process-fenji.ts';
import { postSealed, sealForSandbox } from '../helpers/post-callback.ts';

// A manager, a rep and a stranger write to the app through the sandbox; what each was told
// is read back from the sandbox's record of message/send.

interface Told { msgid: string; content: string | null; sent_at: number; truncated: boolean }

let fenji: InProcessFenji;

beforeAll(async () => {
  fenji = await startInProcessFenji({ clock: fakeClock(Date.now()), env: { FENJI_MANAGERS: 'boss', FENJI_BOT_COMMANDS_PER_MINUTE: '4' } });
  fenji.sandbox.state.seed({ reps: [{ userid: 'boss', name: '王总' }, { userid: 'zhangwei', name: '张伟' }, { userid: 'wangfang', name: '王芳' }, { userid: 'flood', name: '刘洋' }] });
  // zhangwei and flood have a customer each: they are reps. wangfang has none.
  await playSandbox(fenji, 'simulate/add-contact', { userid: 'zhangwei', name: '李娜', external_userid: 'wm-lina' });
  await playSandbox(fenji, 'simulate/add-contact', { userid: 'flood', name: '赵敏', external_userid: 'wm-zhao' });
});
afterAll(async () => fenji?.close());
// Each test starts a new minute of the flood limit (4 commands a minute here).
beforeEach(() => fenji.clock.advance(61_000));

async function told(userid: string): Promise<Told[]> {
  const res = await fetch(`${fenji.sandbox.url}/_sandbox/app-messages?userid=${userid}`);
  return ((await res.json()) as { messages: Told[] }).messages;
}

async function ask(userid: string, text: string): Promise<string[]> {
  const before = (await told(userid)).length;
  await playSandbox(fenji, 'simulate/member-message', { userid, text });
  return (await told(userid)).slice(before).map((m) => m.content ?? '');
}

describe('the bot through the sandbox', () => {
  it('answers 帮助 by role: the manager sees the corp, the rep their own, the stranger a polite refusal', async () => {
    const [boss] = await ask('boss', '@Fenji 帮助');
    const [rep] = await ask('zhangwei', '／ＨＥＬＰ');
    const stranger = await ask('wangfang', '帮助');
    expect(boss).toContain('你是管理员');
    expect(boss).toContain('分级 zhangwei');
    expect(rep).toContain('自己名下');
    expect(rep).not.toContain('分级 zhangwei');
    expect(stranger).toEqual([TEXTS.refusal]);
  });

  it('answers an unknown word with the nearest command, and a 10,000-character message with a hint', async () => {
    expect(await ask('zhangwei', '统计')).toEqual([expect.stringContaining('你是不是想用「报表」')]);
    const [long] = await ask('zhangwei', '客'.repeat(10_000));
    expect(long).toContain('10000 字');
  });

  it('scopes 分级: a rep gets their own counts and nothing about another rep', async () => {
    const [own] = await ask('zhangwei', '分级');
    expect(own).toMatch(/你名下/);
    expect(await ask('zhangwei', '分级 flood')).toEqual([TEXTS.forbiddenScope]);
    expect((await ask('boss', '分级 flood'))[0]).toContain('flood 名下');
  });

  it('answers a callback WeCom sends three times once', async () => {
    const before = (await told('zhangwei')).length;
    const xml = `<xml><ToUserName><![CDATA[${C.corpId}]]></ToUserName><FromUserName><![CDATA[zhangwei]]></FromUserName><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[帮助]]></Content><MsgId>7300000000000000001</MsgId><AgentID>${C.agentId}</AgentID></xml>`;
    const sealed = sealForSandbox(xml, Math.floor(fenji.clock.now() / 1000));
    const statuses = await Promise.all([postSealed(fenji.url, sealed), postSealed(fenji.url, sealed)]);
    statuses.push(await postSealed(fenji.url, sealed));
    expect(statuses).toEqual([200, 200, 200]);
    await fenji.settled();
    const after = await told('zhangwei');
    expect(after.length - before).toBe(1);
    expect(after.at(-1)?.content).toContain('自己名下');
    const jobs = await fenji.container.queues.bot.getJobs(['completed']);
    expect(jobs.filter((j) => j.name === BOT_COMMAND_JOB_NAME && j.data.msgId === '7300000000000000001')).toHaveLength(1);
  });

  it('floods: past the limit one polite answer, then silence', async () => {
    const answers: string[][] = [];
    for (let i = 0; i < 7; i++) answers.push(await ask('flood', '帮助'));
    expect(answers.slice(0, 4).every((a) => a.length === 1 && a[0]!.includes('自己名下'))).toBe(true);
    expect(answers[4]).toEqual([TEXTS.flood]);
    expect(answers.slice(5)).toEqual([[], []]);
    // A minute later the member is heard again.
    fenji.clock.advance(61_000);
    expect(await ask('flood', '帮助')).toEqual([expect.stringContaining('自己名下')]);
  });
});
