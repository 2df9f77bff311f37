import { once } from 'node:events';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS as C } from '../../src/config/sandbox-credentials.ts';
import { addExternalContactXml } from '../../src/wecom/callback-xml.ts';
import { startAppHarness, type AppHarness } from '../helpers/http-app.ts';
import { postSealed, sealForSandbox } from '../helpers/post-callback.ts';

const nowS = () => Math.floor(Date.now() / 1000);

async function callbackCount(h: AppHarness, outcome: string): Promise<number> {
  const text = await (await fetch(`${h.url}/metrics`)).text();
  return Number(new RegExp(`^fenji_callbacks_total\\{outcome="${outcome}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Log lines at warn (40) or above. */
const loud = (h: AppHarness) => h.logLines.filter((l) => l.level >= 40);

describe('hostile callback senders', () => {
  let h: AppHarness;
  beforeAll(async () => { h = await startAppHarness({ captureLogs: true }); });
  afterAll(async () => { await h.close(); });

  it('counts a client that drops the connection mid-body as aborted, and logs it at debug only', async () => {
    const sealed = sealForSandbox(addExternalContactXml({ corpId: C.corpId, userId: 'zhangwei', externalUserId: 'wmAbort1', createTime: nowS() }));
    const before = { aborted: await callbackCount(h, 'aborted'), loud: loud(h).length };
    const arrived = once(h.server, 'request');
    const socket = net.connect(Number(new URL(h.url).port), '127.0.0.1');
    await once(socket, 'connect');
    socket.write(
      `POST /wecom/callback?${new URLSearchParams(sealed.query)} HTTP/1.1\r\nHost: fenji\r\nContent-Type: text/xml\r\n` +
        `Content-Length: ${Buffer.byteLength(sealed.body)}\r\n\r\n${sealed.body.slice(0, sealed.body.length >> 1)}`,
    );
    await arrived;
    socket.destroy();

    await waitFor(async () => (await callbackCount(h, 'aborted')) === before.aborted + 1, 'outcome="aborted" counted');
    expect(await callbackCount(h, 'unavailable')).toBe(0);
    expect(loud(h).slice(before.loud)).toEqual([]);
    expect(h.logLines).toContainEqual(expect.objectContaining({ level: 20, code: 'client_aborted' }));
    expect(await h.queue.count()).toBe(0);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
  });

  it('answers 200 once to a signed callback with a 40 KB ExternalUserID, enqueues nothing, warns in one line without the payload', async () => {
    const hugeId = 'wm' + 'Q'.repeat(40 * 1024);
    const sealed = sealForSandbox(addExternalContactXml({ corpId: C.corpId, userId: 'zhangwei', externalUserId: hugeId, createTime: nowS(), welcomeCode: 'WC-secret-ish' }));
    const before = { unusable: await callbackCount(h, 'unusable'), loud: loud(h).length, jobs: await h.queue.count() };

    expect(await postSealed(h.url, sealed)).toBe(200);

    expect(await callbackCount(h, 'unusable')).toBe(before.unusable + 1);
    expect(await h.queue.count()).toBe(before.jobs);
    const lines = loud(h).slice(before.loud);
    expect(lines).toEqual([expect.objectContaining({ level: 40, code: 'event_unusable', field: 'ExternalUserID' })]);
    const logged = JSON.stringify(lines);
    expect(logged).not.toContain('QQQQ');
    expect(logged).not.toContain('WC-secret-ish');
    expect(logged).not.toContain(sealed.body.slice(0, 40));
  });
});
