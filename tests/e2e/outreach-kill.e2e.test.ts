import path from 'node:path';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { RedisContactStore } from '../../src/adapters/redis/redis-contact-store.ts';
import { WeComClient } from '../../src/adapters/wecom-api/client.ts';
import { WeComContactDirectory } from '../../src/adapters/wecom-api/contact-directory.ts';
import { HttpWeComApi } from '../../src/adapters/wecom-api/endpoints.ts';
import { SANDBOX_CREDENTIALS as C } from '../../src/config/sandbox-credentials.ts';
import { settleTiers } from '../../src/domain/contacts/settle-tiers.ts';
import { OUTREACH_PLAN_JOB_NAME } from '../../src/jobs/outreach/job.ts';
import { QUEUE_NAMES } from '../../src/jobs/queues.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts';
import { startFenji, type FenjiProcess } from '../helpers/fenji-process.ts';
import { busyJobs, waitingResultChecks } from '../helpers/follow-up-results.ts';
import { connectTestRedis, deleteByPrefix, testRedisUrl, uniquePrefix } from '../helpers/redis.ts';
import { testPolicies } from '../helpers/tier-rules.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** 中秋 2026 (25 September), 10:00 in Shanghai: the processes' shared clock starts here. */
const MID_AUTUMN = Date.UTC(2026, 8, 25, 2, 0);
const OFFSET_MS = MID_AUTUMN - Date.now();
const REPS = Array.from({ length: 30 }, (_, r) => `rep${r}`);
const PER_REP = 4;
/** Every add_msg_template call is held this long by the sandbox: calls are in flight when the worker dies. */
const CALL_MS = 2000;
const TEMPLATE_PATH = '/cgi-bin/externalcontact/add_msg_template';
const TEXT = '中秋团圆！';

/**
 * Issue 8, "Done when": killing the worker with SIGKILL in the middle of a campaign's sends
 * and restarting it, no customer gets a message twice and none is lost. Real processes (the
 * worker, three times) on one Redis, against a sandbox in this process, all on 中秋 2026 by
 * FENJI_CLOCK_OFFSET_MS. The web role takes no part in sending, so none is started.
 */
describe('a worker SIGKILLed during a holiday campaign', () => {
  const prefix = uniquePrefix('outreach-kill');
  const redis: Redis = connectTestRedis();
  const running: FenjiProcess[] = [];
  let sandbox: Sandbox | undefined;
  afterAll(async () => {
    for (const f of running) await f.stop();
    await sandbox?.close();
    await deleteByPrefix(redis, prefix);
    redis.disconnect();
  });

  const worker = async () => {
    const fenji = await startFenji({
      args: ['--role=worker'],
      env: {
        REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix, REDIS_AUTOSTART: 'never', SANDBOX_URL: sandbox!.url,
        FENJI_CLOCK_OFFSET_MS: String(OFFSET_MS), FENJI_OCCASIONS_FILE: path.resolve(import.meta.dirname, '../fixtures/occasions.jsonc'),
      },
    });
    running.push(fenji);
    return fenji;
  };
  const kill = async (fenji: FenjiProcess) => {
    fenji.child.kill('SIGKILL');
    await fenji.stop();
  };
  const templateCalls = () => sandbox!.calls.list({ path: TEMPLATE_PATH });

  it('sends every customer the greeting exactly once, killed during calls and again between sends', async () => {
    const clock = { now: () => Date.now() + OFFSET_MS };
    sandbox = await startSandbox({ clock });
    const customers = REPS.flatMap((rep) => Array.from({ length: PER_REP }, (_, k) => ({ id: `wm${rep}k${k}`, rep })));
    sandbox.state.seed({ reps: REPS.map((userid) => ({ userid, name: userid })), contacts: customers.map((c) => ({ external_userid: c.id, name: c.id, follow: [c.rep] })) });
    // Fenji knows them (as a contact sync would have stored them): added the day before, tier C.
    const keys = new RedisKeys(prefix);
    const store = new RedisContactStore({ redis, keys });
    const api = new HttpWeComApi(new WeComClient({ apiBase: sandbox.url, corpId: C.corpId, agentId: C.agentId, secret: C.secret, redis, keys, log: pino({ level: 'silent' }), clock }));
    const contacts = { store, directory: new WeComContactDirectory(api, clock), policy: testPolicies.tiers, timeZone: 'Asia/Shanghai' };
    const added = clock.now() - 86_400_000;
    for (const c of customers) {
      await store.upsertContact({ externalUserId: c.id, name: c.id, type: 1, gender: 'unknown', profile: {}, createdAt: added, updatedAt: added,
        follows: [{ userId: c.rep, addedAt: added, changedAt: added, tagIds: [], status: 'active' }] });
    }
    await settleTiers(contacts, customers.map((c) => c.id), added);
    sandbox.faults.delayNext(1000, CALL_MS, { path: TEMPLATE_PATH });

    const outreach = new Queue(QUEUE_NAMES.outreach, { connection: redis, prefix });
    const sends = new Queue(QUEUE_NAMES.outreachSends, { connection: redis, prefix });
    try {
      // Kill 1: during calls. Some add_msg_template calls are held by the sandbox, the rest queued.
      const first = await worker();
      await outreach.add(OUTREACH_PLAN_JOB_NAME, {});
      await first.waitForLog((l) => l['msg'] === 'outreach planned', 60_000);
      await waitFor(() => templateCalls().length >= 3, 'the first sends call WeCom', { timeoutMs: 60_000 });
      await kill(first);
      const inFlight = templateCalls().filter((c) => c.at > clock.now() - CALL_MS).length;
      expect(inFlight).toBeGreaterThan(0);
      expect((await sends.getJobCounts('waiting'))['waiting']).toBeGreaterThan(0);

      // Kill 2: the restarted worker has finished some sends (tasks created, read-backs
      // queued; first those kill 1 stalled, once their locks expired) and has others in flight.
      const second = await worker();
      await second.waitForLog((l) => l['msg'] === 'outreach task done', 120_000).catch((err: Error) => {
        throw new Error(`${err.message}\n${second.logs.map((l) => `${String(l['msg'])} ${JSON.stringify(l['err'] ?? '')}`).join('\n')}`);
      });
      const seen = templateCalls().length;
      await waitFor(() => templateCalls().length > seen, 'the restarted worker calls again', { timeoutMs: 30_000 });
      await kill(second);
      expect((await sends.getJobCounts('waiting'))['waiting']).toBeGreaterThan(0);

      // The third worker finishes the queue, and the stalled sends once their locks expire.
      await worker();
      await waitFor(async () => {
        const busy = await busyJobs(sends);
        return Object.values(busy).every((n) => n === 0) ? true : null;
      }, async () => JSON.stringify(await sends.getJobCounts()), { timeoutMs: 150_000, intervalMs: 500 });
      expect(await sends.getJobCounts('failed')).toEqual({ failed: 0 });
      expect(await outreach.getJobCounts('failed')).toEqual({ failed: 0 });

      // Every rep confirms their task; the read-backs run now rather than in an hour.
      for (const template of sandbox.state.msgTemplates.values()) sandbox.simulate.confirmGroupMsg({ msgid: template.msgid });
      for (const job of await waitingResultChecks(outreach)) await job.promote();
      await waitFor(async () => Object.values(await busyJobs(outreach)).every((n) => n === 0) && (await waitingResultChecks(outreach)).length === 0 ? true : null,
        async () => JSON.stringify(await outreach.getJobCounts()), { timeoutMs: 30_000, intervalMs: 250 });

      // Per customer: exactly one task holds them, and WeCom delivered it to them once.
      // (A greeting is recorded as a greeting, not as a follow-up push: engagement.pushes
      // stays empty, by design.)
      const templates = [...sandbox.state.msgTemplates.values()];
      expect(templates.every((t) => (t.body as { text: { content: string } }).text.content === TEXT)).toBe(true);
      const tasksOf = new Map(customers.map((c) => [c.id, 0]));
      const delivered = new Map(customers.map((c) => [c.id, 0]));
      for (const t of templates) {
        for (const r of t.recipients) {
          tasksOf.set(r.external_userid, (tasksOf.get(r.external_userid) ?? 0) + 1);
          if (r.status === 1) delivered.set(r.external_userid, (delivered.get(r.external_userid) ?? 0) + 1);
        }
      }
      expect([...tasksOf.entries()].filter(([, n]) => n !== 1)).toEqual([]);
      expect([...delivered.entries()].filter(([, n]) => n !== 1)).toEqual([]);
      const pushes = await Promise.all(customers.map(async (c) => (await store.get(c.id))!.engagement.pushes.length));
      expect(pushes.every((n) => n === 0)).toBe(true);
    } finally {
      await outreach.close();
      await sends.close();
    }
  }, 240_000);
});
