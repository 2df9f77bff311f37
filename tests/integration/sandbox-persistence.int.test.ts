import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { callControl, callWeCom, fetchToken } from '../../src/sandbox/client.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts';

// Issue 7 item 15: the sandbox keeps its corp across restarts (under DATA_DIR), as WeCom
// does, so Fenji's data (in Redis) and the corp it mirrors stay one story.

const running: Sandbox[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.close();
});

async function start(stateFile: string, clock?: { now: () => number }): Promise<Sandbox> {
  const sandbox = await startSandbox({ stateFile, ...(clock ? { clock } : {}) });
  running.push(sandbox);
  return sandbox;
}

async function stop(sandbox: Sandbox): Promise<void> {
  running.splice(running.indexOf(sandbox), 1);
  await sandbox.close();
}

/** Polls until `check` holds (saves are debounced). */
async function eventually(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const stateFile = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'fenji-sbx-')), 'sandbox', 'state.json');

describe('sandbox state across restarts', () => {
  it('a restarted sandbox with the same state file has the same corp: reps, customers, relations, tags, kf account, tokens', async () => {
    const file = stateFile();
    const first = await start(file);
    await callControl(first.url, 'POST', 'seed', { reps: [{ userid: 'zhangwei', name: '张伟' }] });
    const added = await callControl<{ contact: { external_userid: string } }>(first.url, 'POST', 'simulate/add-contact', { userid: 'zhangwei', name: '李娜' });
    const id = added.body.contact.external_userid;
    const token = await fetchToken(first.url);
    const tags = await callWeCom(first.url, 'externalcontact/add_corp_tag', { token, body: { group_name: '客户分级', tag: [{ name: 'B 种子' }] } });
    const tagId = (tags['tag_group'] as { tag: { id: string }[] }).tag[0]!.id;
    expect((await callWeCom(first.url, 'externalcontact/mark_tag', { token, body: { userid: 'zhangwei', external_userid: id, add_tag: [tagId] } })).errcode).toBe(0);
    await callControl(first.url, 'POST', 'simulate/customer-message', { external_userid: id, text: '多少钱？' });
    const before = first.state.snapshot();
    await stop(first);

    const second = await start(file);
    const after = second.state.snapshot();
    expect(after.reps).toEqual(before.reps);
    expect(after.contacts).toEqual(before.contacts);
    expect(after.relations).toEqual(before.relations);
    expect(after.relations[0]!.tag_ids).toEqual([tagId]);
    expect(after.tagGroups).toEqual(before.tagGroups);
    expect(after.kfAccounts).toEqual(before.kfAccounts);
    expect(after.kfMessages).toEqual(before.kfMessages);
    // WeCom does not forget a token because its client restarted: Fenji's cached one still works.
    expect((await callWeCom(second.url, 'externalcontact/get', { token, query: { external_userid: id } })).errcode).toBe(0);
    // The kf log goes on from where it was.
    const next = await callControl<{ message: { seq: number } }>(second.url, 'POST', 'simulate/customer-message', { external_userid: id, text: '在吗' });
    expect(next.body.message.seq).toBe(before.kfMessages.at(-1)!.seq + 1);
  });

  it('saves a change soon after it (not only on close), atomically: no temporary file is left', async () => {
    const file = stateFile();
    const sandbox = await start(file);
    await callControl(sandbox.url, 'POST', 'seed', { reps: [{ userid: 'lisi', name: '李四' }] });
    await eventually(() => existsSync(file) && readFileSync(file, 'utf8').includes('lisi'));
    expect(readdirSync(path.dirname(file))).toEqual(['state.json']);
  });

  it('POST /_sandbox/reset empties the corp, and a restart finds it empty', async () => {
    const file = stateFile();
    const first = await start(file);
    await callControl(first.url, 'POST', 'seed', { reps: [{ userid: 'zhangwei', name: '张伟' }], contacts: [{ name: '王芳', follow: ['zhangwei'] }] });
    await callControl(first.url, 'POST', 'reset');
    await stop(first);
    const second = await start(file);
    expect(second.state.snapshot()).toMatchObject({ reps: [], contacts: [], relations: [], tagGroups: [] });
  });

  it('keeps the mass-message receive rule and what each customer received: the cap still holds after a restart', async () => {
    const file = stateFile();
    const clock = { now: () => Date.UTC(2026, 8, 25, 2) };
    const first = await start(file, clock);
    await callControl(first.url, 'POST', 'seed', { reps: [{ userid: 'zhangwei', name: '张伟' }], contacts: [{ name: '李娜', external_userid: 'wm-lina', follow: ['zhangwei'] }] });
    await callControl(first.url, 'POST', 'groupmsg-rule', { rule: 'day' });
    const massMessage = async (sandbox: Sandbox): Promise<number> => {
      const token = await fetchToken(sandbox.url);
      const created = await callWeCom(sandbox.url, 'externalcontact/add_msg_template', { token, body: { sender: 'zhangwei', text: { content: '国庆快乐' } } });
      await callControl(sandbox.url, 'POST', 'simulate/confirm-groupmsg', { msgid: created['msgid'] });
      const result = await callWeCom(sandbox.url, 'externalcontact/get_groupmsg_send_result', { token, body: { msgid: created['msgid'], userid: 'zhangwei' } });
      return (result['send_list'] as Array<{ status: number }>)[0]!.status;
    };
    expect(await massMessage(first)).toBe(1);
    await stop(first);

    const second = await start(file, clock);
    expect((await callControl(second.url, 'GET', 'groupmsg-rule')).body).toMatchObject({ rule: 'day', cap: 1 });
    expect(await massMessage(second)).toBe(3);
  });
});
