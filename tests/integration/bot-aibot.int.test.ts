import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SANDBOX_AIBOT_CREDENTIALS as A } from '../../src/config/sandbox-credentials.ts';
import { TEXTS } from '../../src/domain/bot/texts.ts';
import { GROUP_TEXTS } from '../../src/domain/bot/group-answer.ts';
import { AIBOT_COMMAND_JOB_NAME } from '../../src/jobs/bot/aibot-job.ts';
import { decodeAESKey } from '../../src/wecom/cipher.ts';
import { sealAibotCallback } from '../../src/wecom/aibot-callback.ts';
import { fakeClock, playSandbox, startInProcessFenji, type InProcessFenji } from '../helpers/in-process-fenji.ts';

// Members write to WeCom's 智能机器人 (1:1, or @mentioning it in a group) through the
// sandbox; what each was answered is read back from the sandbox's response_url log.

interface Reply { msgid: string; chattype: string; reply: { content: string | null } | null; refused: number }

let fenji: InProcessFenji;

beforeAll(async () => {
  fenji = await startInProcessFenji({
    clock: fakeClock(Date.now()),
    env: { FENJI_MANAGERS: 'boss', FENJI_BOT_COMMANDS_PER_MINUTE: '30', WECOM_AIBOT_TOKEN: A.token, WECOM_AIBOT_ENCODING_AES_KEY: A.encodingAESKey },
  });
  fenji.sandbox.state.seed({ reps: [{ userid: 'boss', name: '王总' }, { userid: 'zhangwei', name: '张伟' }, { userid: 'wangfang', name: '王芳' }] });
  await playSandbox(fenji, 'simulate/add-contact', { userid: 'zhangwei', name: '张三', external_userid: 'wm-zhangsan' });
});
afterAll(async () => fenji?.close());
beforeEach(() => fenji.clock.advance(61_000));

async function replies(userid: string): Promise<Reply[]> {
  const res = await fetch(`${fenji.sandbox.url}/_sandbox/aibot-replies?userid=${userid}`);
  return ((await res.json()) as { replies: Reply[] }).replies;
}

/** The answer to one message, as the sandbox recorded it on that message's response_url. */
async function ask(userid: string, text: string, extra: object = {}): Promise<string> {
  const sent = (await playSandbox(fenji, 'simulate/aibot-message', { userid, text, ...extra })) as { msgid: string };
  const mine = (await replies(userid)).find((r) => r.msgid === sent.msgid);
  expect(mine?.reply, `an answer to ${text}`).not.toBeNull();
  return mine!.reply!.content ?? '';
}

describe('the 智能机器人 through the sandbox', () => {
  it('passes WeCom\'s URL verification, and refuses a forged signature with 401', async () => {
    const res = await fetch(`${fenji.sandbox.url}/_sandbox/aibot-verify-url`, { method: 'POST', body: '{}' });
    expect(await res.json()).toMatchObject({ ok: true, status: 200 });
    const sealed = sealAibotCallback({ json: { msgid: 'forged', chattype: 'single', from: { userid: 'boss' }, response_url: `${fenji.sandbox.url}/cgi-bin/aibot/response?response_code=x`, msgtype: 'text', text: { content: '名单 A' } }, token: 'NotTheToken', aes: decodeAESKey(A.encodingAESKey), timestamp: Math.floor(fenji.clock.now() / 1000) });
    const forged = await fetch(`${fenji.url}/wecom/aibot?${new URLSearchParams(sealed.query)}`, { method: 'POST', body: sealed.body });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toEqual({ error: 'signature_invalid' });
    await fenji.settled();
    expect((await fenji.container.queues.bot.getJobs(['completed', 'failed', 'waiting'])).filter((j) => j.name === AIBOT_COMMAND_JOB_NAME && j.data.msgId === 'forged')).toEqual([]);
  });

  it('answers 帮助 and 名单 in a 1:1 chat by role, as markdown on the response_url', async () => {
    expect(await ask('zhangwei', '帮助')).toContain('自己名下');
    expect(await ask('boss', '/help')).toContain('你是管理员');
    const list = await ask('zhangwei', '名单 D');
    expect(list).toMatch(/张三|没有/);
    expect(await ask('wangfang', '帮助')).toBe(TEXTS.refusal);
  });

  it('knows the member behind an encrypted open_userid', async () => {
    expect(await ask('zhangwei', '帮助', { open_userid: true })).toContain('自己名下');
  });

  it('in a group, @mentioned with 客户 张三, tells no customer data, even to a manager; 帮助 still works', async () => {
    const rep = await ask('zhangwei', '客户 张三', { chattype: 'group', chatid: 'wrgroup1' });
    const boss = await ask('boss', '客户 张三', { chattype: 'group', chatid: 'wrgroup1' });
    for (const answer of [rep, boss]) {
      expect(answer).toBe(GROUP_TEXTS.privateOnly);
      expect(answer).not.toContain('张三');
    }
    expect(await ask('boss', '名单 D', { chattype: 'group', chatid: 'wrgroup1' })).toBe(GROUP_TEXTS.privateOnly);
    const help = await ask('zhangwei', '帮助', { chattype: 'group', chatid: 'wrgroup1' });
    expect(help).toContain('单聊');
    // The same question 1:1 does answer.
    expect(await ask('zhangwei', '客户 张三')).toContain('【张三】');
  });

  it('answers a callback WeCom sends three times once', async () => {
    const sent = (await playSandbox(fenji, 'simulate/aibot-message', { userid: 'zhangwei', text: '帮助' })) as { json: object };
    const sealed = sealAibotCallback({ json: sent.json, token: A.token, aes: decodeAESKey(A.encodingAESKey), timestamp: Math.floor(fenji.clock.now() / 1000) });
    const post = () => fetch(`${fenji.url}/wecom/aibot?${new URLSearchParams(sealed.query)}`, { method: 'POST', body: sealed.body }).then((r) => r.status);
    const statuses = await Promise.all([post(), post()]);
    statuses.push(await post());
    expect(statuses).toEqual([200, 200, 200]);
    await fenji.settled();
    const msgid = (sent.json as { msgid: string }).msgid;
    const mine = (await replies('zhangwei')).filter((r) => r.msgid === msgid);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.reply?.content).toContain('自己名下');
    // No second POST on the used URL: nothing refused.
    expect(mine[0]!.refused).toBe(0);
    const jobs = await fenji.container.queues.bot.getJobs(['completed']);
    expect(jobs.filter((j) => j.name === AIBOT_COMMAND_JOB_NAME && j.data.msgId === msgid)).toHaveLength(1);
  });
});
