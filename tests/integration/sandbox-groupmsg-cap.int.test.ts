import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callControl, callWeCom, fetchToken } from '../../src/sandbox/client.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts';

// Issue 8 item 9: WeCom's per-customer receive cap for 企业群发 (docs/wecom/api.md, 'Sandbox
// fidelity'). A recipient over the cap gets status 3 when the rep confirms; periods are
// Beijing time (UTC+8), the time WeCom's clients and rules use.

let sandbox: Sandbox;
let token: string;
let now: number;

/** Milliseconds of a Beijing wall-clock time, e.g. bj('2026-04-30T23:59:59'). */
const bj = (local: string): number => Date.parse(`${local}+08:00`);

beforeEach(async () => {
  now = bj('2026-04-01T09:00:00');
  // The clock jumps across days and months: a token that outlives the test.
  sandbox = await startSandbox({ clock: { now: () => now }, tokenTtlSeconds: 400 * 86_400 });
  token = await fetchToken(sandbox.url);
  await callControl(sandbox.url, 'POST', 'seed', {
    reps: [{ userid: 'zhangwei', name: '张伟' }, { userid: 'lisi', name: '李四' }],
    contacts: [
      { name: '李娜', external_userid: 'wm-lina', follow: ['zhangwei', 'lisi'] },
      { name: '王芳', external_userid: 'wm-wangfang', follow: ['zhangwei'] },
    ],
  });
});
afterEach(() => sandbox.close());

/** One mass message from `sender` to `customer`, confirmed at `at`; answers the customer's status. */
async function massMessage(customer: string, at: number, sender = 'zhangwei'): Promise<number> {
  now = at;
  const created = await callWeCom(sandbox.url, 'externalcontact/add_msg_template', {
    token,
    body: { sender, external_userid: [customer], text: { content: '中秋快乐' } },
  });
  expect(created.errcode).toBe(0);
  const confirmed = await callControl(sandbox.url, 'POST', 'simulate/confirm-groupmsg', { msgid: created['msgid'] });
  expect(confirmed.status).toBe(200);
  const result = await callWeCom(sandbox.url, 'externalcontact/get_groupmsg_send_result', { token, body: { msgid: created['msgid'], userid: sender } });
  const row = (result['send_list'] as Array<{ external_userid: string; status: number; send_time?: number }>).find((r) => r.external_userid === customer)!;
  if (row.status === 3) expect(row.send_time).toBeUndefined();
  return row.status;
}

async function setRule(rule: string): Promise<void> {
  const res = await callControl(sandbox.url, 'POST', 'groupmsg-rule', { rule });
  expect(res).toMatchObject({ status: 200, body: { rule } });
}

const received = async (customer: string) =>
  (await callControl<{ received: number; cap: number }>(sandbox.url, 'GET', `groupmsg-rule?external_userid=${customer}`)).body;

describe('receive cap: days-in-month per month (the default rule)', () => {
  it('April (30 days): 30 mass messages arrive, the 31st is status 3 until Beijing midnight of 1 May', async () => {
    expect((await callControl(sandbox.url, 'GET', 'groupmsg-rule')).body).toMatchObject({ rule: 'month' });
    const statuses: number[] = [];
    for (let i = 0; i < 30; i += 1) statuses.push(await massMessage('wm-lina', bj('2026-04-10T10:00:00') + i * 1000));
    expect(statuses).toEqual(Array(30).fill(1));
    expect(await received('wm-lina')).toMatchObject({ received: 30, cap: 30 });
    expect(await massMessage('wm-lina', bj('2026-04-30T23:59:59'))).toBe(3);
    // Another customer's count is their own.
    expect(await massMessage('wm-wangfang', bj('2026-04-30T23:59:59'))).toBe(1);
    // 1 May 00:00 in Beijing is still 30 April in UTC: the period is Beijing's month.
    expect(await massMessage('wm-lina', bj('2026-05-01T00:00:00'))).toBe(1);
    expect(await received('wm-lina')).toMatchObject({ received: 1, cap: 31 });
  });

  it('February 2026 (28 days) caps at 28', async () => {
    for (let i = 0; i < 28; i += 1) expect(await massMessage('wm-lina', bj('2026-02-01T00:00:00') + i * 60_000)).toBe(1);
    expect(await massMessage('wm-lina', bj('2026-02-28T23:59:59'))).toBe(3);
  });
});

describe('receive cap: 7 per week', () => {
  it('counts Monday to Sunday in Beijing time', async () => {
    await setRule('week');
    // Wednesday 8 April 2026 .. Sunday 12 April.
    for (let i = 0; i < 7; i += 1) expect(await massMessage('wm-lina', bj('2026-04-08T08:00:00') + i * 3600_000)).toBe(1);
    expect(await massMessage('wm-lina', bj('2026-04-12T23:59:59'))).toBe(3);
    expect(await massMessage('wm-lina', bj('2026-04-13T00:00:00'))).toBe(1);
    expect(await received('wm-lina')).toMatchObject({ received: 1, cap: 7 });
  });
});

describe('receive cap: 1 per day', () => {
  it('one a day per customer, whichever rep sends it, from Beijing midnight to midnight', async () => {
    await setRule('day');
    expect(await massMessage('wm-lina', bj('2026-04-08T00:00:00'))).toBe(1);
    expect(await massMessage('wm-lina', bj('2026-04-08T12:00:00'), 'lisi')).toBe(3);
    expect(await massMessage('wm-lina', bj('2026-04-08T23:59:59'))).toBe(3);
    expect(await massMessage('wm-lina', bj('2026-04-09T00:00:00'), 'lisi')).toBe(1);
  });
});

describe('what counts as received', () => {
  it('status 3 (and 2, and an unconfirmed 0) does not count against the cap', async () => {
    await setRule('day');
    expect(await massMessage('wm-lina', bj('2026-04-08T09:00:00'))).toBe(1);
    for (let i = 0; i < 5; i += 1) expect(await massMessage('wm-lina', bj('2026-04-08T10:00:00') + i)).toBe(3);
    // Never confirmed: stays status 0, counts nothing.
    await callWeCom(sandbox.url, 'externalcontact/add_msg_template', { token, body: { sender: 'zhangwei', external_userid: ['wm-lina'], text: { content: 'x' } } });
    // Switching to 7 a week mid-day: only the one delivered message counts, so six more arrive.
    await setRule('week');
    expect(await received('wm-lina')).toMatchObject({ received: 1, cap: 7 });
    const more: number[] = [];
    for (let i = 0; i < 7; i += 1) more.push(await massMessage('wm-lina', bj('2026-04-08T11:00:00') + i));
    expect(more).toEqual([1, 1, 1, 1, 1, 1, 3]);
  });

  it('rejects an unknown rule with 400 and keeps the current one', async () => {
    const res = await callControl(sandbox.url, 'POST', 'groupmsg-rule', { rule: 'fortnight' });
    expect(res.status).toBe(400);
    expect((await callControl(sandbox.url, 'GET', 'groupmsg-rule')).body).toMatchObject({ rule: 'month' });
  });
});
