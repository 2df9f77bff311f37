import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS } from '../../src/config/sandbox-credentials.ts';
import { callControl, callWeCom, fetchToken } from '../../src/sandbox/client.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts';

// Issue 8 item 9: what a rep was told (message/send) and what a new customer was welcomed
// with (send_welcome_msg), readable through the control API.

let sandbox: Sandbox;
let token: string;
let now: number;

beforeEach(async () => {
  now = Date.UTC(2026, 8, 25, 1, 30);
  sandbox = await startSandbox({ clock: { now: () => now } });
  token = await fetchToken(sandbox.url);
  await callControl(sandbox.url, 'POST', 'seed', { reps: [{ userid: 'zhangwei', name: '张伟' }, { userid: 'lisi', name: '李四' }] });
});
afterEach(() => sandbox.close());

const send = (body: Record<string, unknown>) =>
  callWeCom(sandbox.url, 'message/send', { token, body: { agentid: SANDBOX_CREDENTIALS.agentId, ...body } });

interface AppMessageView { msgid: string; msgtype: string; content: string | null; sent_at: number }

describe('GET /_sandbox/app-messages', () => {
  it('lists, per member, the text or markdown each was sent and when', async () => {
    expect((await send({ touser: 'zhangwei|lisi', msgtype: 'text', text: { content: '今天中秋：请问候 3 位 A 客户' } })).errcode).toBe(0);
    now += 60_000;
    expect((await send({ touser: 'zhangwei', msgtype: 'markdown', markdown: { content: '**李娜**：中秋安康' } })).errcode).toBe(0);

    const zhang = await callControl<{ messages: AppMessageView[] }>(sandbox.url, 'GET', 'app-messages?userid=zhangwei');
    expect(zhang.status).toBe(200);
    expect(zhang.body.messages.map(({ msgtype, content, sent_at }) => ({ msgtype, content, sent_at }))).toEqual([
      { msgtype: 'text', content: '今天中秋：请问候 3 位 A 客户', sent_at: now - 60_000 },
      { msgtype: 'markdown', content: '**李娜**：中秋安康', sent_at: now },
    ]);
    const li = await callControl<{ messages: AppMessageView[] }>(sandbox.url, 'GET', 'app-messages?userid=lisi');
    expect(li.body.messages.map((m) => m.content)).toEqual(['今天中秋：请问候 3 位 A 客户']);
    const since = await callControl<{ messages: AppMessageView[] }>(sandbox.url, 'GET', `app-messages?userid=zhangwei&since=${now}`);
    expect(since.body.messages.map((m) => m.msgtype)).toEqual(['markdown']);
    // Without a userid: every message, with its receivers.
    const all = await callControl<{ messages: Array<AppMessageView & { touser: string[] }> }>(sandbox.url, 'GET', 'app-messages');
    expect(all.body.messages.map((m) => m.touser)).toEqual([['zhangwei', 'lisi'], ['zhangwei']]);
  });
});

interface WelcomeView {
  welcome_code: string;
  userid: string;
  external_userid: string;
  state: string;
  issued_at: number;
  sent_at: number | null;
  text: string | null;
  latency_ms: number | null;
}

describe('GET /_sandbox/welcomes', () => {
  it('lists each WelcomeCode with its contact way state, and the welcome text and time once sent', async () => {
    const added = await callControl<{ welcome_code: string; contact: { external_userid: string } }>(sandbox.url, 'POST', 'simulate/add-contact', {
      userid: 'zhangwei', name: '李娜', state: 'poster-mid-autumn',
    });
    const unsent = await callControl<{ welcome_code: string }>(sandbox.url, 'POST', 'simulate/add-contact', { userid: 'lisi', name: '王芳' });
    now += 3000;
    const answer = await callWeCom(sandbox.url, 'externalcontact/send_welcome_msg', {
      token, body: { welcome_code: added.body.welcome_code, text: { content: '您好，我是张伟，中秋活动详情请看这里' } },
    });
    expect(answer.errcode).toBe(0);

    const res = await callControl<{ welcomes: WelcomeView[] }>(sandbox.url, 'GET', 'welcomes?userid=zhangwei');
    expect(res.body.welcomes).toEqual([{
      welcome_code: added.body.welcome_code,
      userid: 'zhangwei',
      external_userid: added.body.contact.external_userid,
      state: 'poster-mid-autumn',
      issued_at: now - 3000,
      sent_at: now,
      text: '您好，我是张伟，中秋活动详情请看这里',
      latency_ms: 3000,
    }]);
    const all = await callControl<{ welcomes: WelcomeView[] }>(sandbox.url, 'GET', 'welcomes');
    expect(all.body.welcomes.map((w) => [w.welcome_code, w.sent_at])).toEqual([[added.body.welcome_code, now], [unsent.body.welcome_code, null]]);
  });
});
