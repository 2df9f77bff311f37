import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Spool } from '../../src/ingress/spool.ts';
import type { CallbackJobData } from '../../src/jobs/callbacks/job.ts';
import { callbackJob, contactEvent } from '../helpers/factories.ts';
import { fakeClock, startInProcessFenji, type InProcessFenji } from '../helpers/in-process-fenji.ts';
import { testRedisUrl } from '../helpers/redis.ts';

const T0 = Date.UTC(2026, 0, 5, 2);
const REP = { userid: 'zhangwei', name: '张伟' };

/**
 * A TCP proxy to the harness's Redis that holds every new connection for `delayMs` before
 * passing it on: the loaded machine on which `npm test` flaked, made deterministic (ioredis
 * is not ready for that long after Fenji is built).
 */
async function slowRedis(delayMs: number): Promise<{ url: string; close(): Promise<void> }> {
  const target = new URL(testRedisUrl());
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.pause();
    setTimeout(() => {
      const upstream = createConnection(Number(target.port), target.hostname, () => {
        client.pipe(upstream).pipe(client);
        client.resume();
      });
      sockets.add(upstream);
      const end = () => { client.destroy(); upstream.destroy(); };
      upstream.on('error', end).on('close', end);
      client.on('error', end).on('close', end);
    }, delayMs);
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `redis://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

/** The in-process harness (tests/helpers/in-process-fenji.ts) must not call itself started or settled too early. */
describe('the in-process Fenji harness', () => {
  let fenji: InProcessFenji | undefined;
  let proxy: { close(): Promise<void> } | undefined;
  afterEach(async () => {
    await fenji?.close();
    await proxy?.close();
    fenji = proxy = undefined;
  });

  it('is started only once Redis answers: a callback posted at once is processed, not spooled and forgotten', async () => {
    const slow = await slowRedis(600);
    proxy = slow;
    fenji = await startInProcessFenji({ clock: fakeClock(T0), redisUrl: slow.url });
    expect(fenji.container.producer.status, 'producer connection once started').toBe('ready');
    fenji.sandbox.state.seed({ reps: [REP] });
    const res = await fetch(`${fenji.sandbox.url}/_sandbox/simulate/add-contact`, {
      method: 'POST', body: JSON.stringify({ userid: REP.userid, name: '王芳', external_userid: 'wmEarly' }),
    });
    expect(((await res.json()) as { delivery: { ok: boolean } }).delivery.ok, 'callback delivered').toBe(true);
    expect(await fenji.container.intake.spooledBytes(), 'bytes spooled instead of queued').toBe(0);
    await fenji.settled();
    expect((await fenji.container.store.get('wmEarly'))?.tier?.tier, 'tier of the contact added first').toBe('C');
  });

  it('is not settled while the spool holds events: settled() replays them and waits for their jobs', async () => {
    fenji = await startInProcessFenji({ clock: fakeClock(T0) });
    fenji.sandbox.state.seed({ reps: [REP], contacts: [{ external_userid: 'wmSpooled', name: '李雷', follow: [REP.userid] }] });
    // What a Redis blip leaves behind: an accepted event in the spool, not yet in the queue.
    const spool = new Spool<CallbackJobData>(`${fenji.container.config.dataDir}/spool`);
    const createTime = Math.floor(T0 / 1000);
    const event = contactEvent('add_external_contact', REP.userid, 'wmSpooled', { toUserName: fenji.container.config.wecom.corpId, createTime });
    await spool.append(callbackJob('evt-spooled-add', event, T0));
    expect(await fenji.container.intake.spooledBytes()).toBeGreaterThan(0);
    await fenji.settled();
    expect(await fenji.container.intake.spooledBytes(), 'bytes left in the spool').toBe(0);
    expect((await fenji.container.store.get('wmSpooled'))?.contact.follows[0]?.userId, 'rep of the spooled contact').toBe(REP.userid);
  });
});
