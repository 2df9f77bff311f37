import { Queue, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisTierTagLock } from '../../src/adapters/redis/tier-tag-lock.ts';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { RedisContactStore } from '../../src/adapters/redis/redis-contact-store.ts';
import { WeComClient } from '../../src/adapters/wecom-api/client.ts';
import { HttpWeComApi } from '../../src/adapters/wecom-api/endpoints.ts';
import type { WeComApi } from '../../src/wecom/api.ts';
import { WeComTierTagCatalog, type TierTagIds } from '../../src/adapters/wecom-api/tier-tags.ts';
import { SANDBOX_CREDENTIALS as C } from '../../src/config/sandbox-credentials.ts';
import type { TierChange } from '../../src/domain/ports.ts';
import type { Tier } from '../../src/domain/tiers/policy.ts';
import { QUEUE_NAMES } from '../../src/jobs/queues.ts';
import { type TierTagJobData } from '../../src/jobs/tier-tags/job.ts';
import { tierTagEnqueuer } from '../../src/jobs/tier-tags/enqueue-tier-tags.ts';
import { createOutboundWorker } from '../../src/jobs/tier-tags/outbound-worker.ts';
import { retryFailedTierTags } from '../../src/jobs/tier-tags/retry-failed-tier-tags.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts';
import { connectTestRedis, deleteByPrefix, uniquePrefix } from '../helpers/redis.ts';
import { waitForJobsDone } from '../helpers/wait-for.ts';

const policy = { tagGroupName: '客户分级', tagNames: { A: 'A 成交', B: 'B 种子', C: 'C 潜在', D: 'D 沉默' } };
const REPS = ['zhangwei', 'lina'];
const T0 = Date.UTC(2025, 10, 1);
const log = pino({ level: 'silent' });

describe('tier tags mirrored to WeCom through the wecom-outbound queue (sandbox, real Redis)', () => {
  let sandbox: Sandbox;
  let redis: Redis;
  let prefix: string;
  let store: RedisContactStore;
  let queue: Queue<TierTagJobData>;
  let api: WeComApi;
  let catalog: WeComTierTagCatalog;
  let ids: TierTagIds;
  let enqueue: (changes: TierChange[]) => Promise<void>;
  let inFlight: number;
  let maxInFlight: number;
  const workers: Worker[] = [];
  const connections: Redis[] = [];

  beforeEach(async () => {
    sandbox = await startSandbox({ markTagConcurrency: 5, latencyMs: { 'externalcontact/mark_tag': 15 } });
    sandbox.state.seed({ reps: REPS.map((userid) => ({ userid, name: userid })) });
    redis = connectTestRedis();
    prefix = uniquePrefix('mirror');
    const keys = new RedisKeys(prefix);
    store = new RedisContactStore({ redis, keys });
    queue = new Queue<TierTagJobData>(QUEUE_NAMES.wecomOutbound, { connection: redis, prefix });
    const client = new WeComClient({ apiBase: sandbox.url, corpId: C.corpId, agentId: C.agentId, secret: C.secret, redis, keys, log, frequencyRetryAfterMs: 400 });
    api = new HttpWeComApi(client);
    catalog = new WeComTierTagCatalog({ api, redis, keys, policy, log });
    ids = await catalog.ids();
    enqueue = tierTagEnqueuer(queue);
    inFlight = 0;
    maxInFlight = 0;
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.close()));
    await queue.close();
    await sandbox.close();
    await deleteByPrefix(redis, prefix);
    for (const c of connections.splice(0)) c.disconnect();
    redis.disconnect();
  });

  /** One worker per simulated process, each on its own connection; mark_tag in flight counted across all. */
  function startWorkers(count: number): void {
    const counted = {
      markTag: async (input: Parameters<WeComApi['markTag']>[0]) => {
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        try {
          await api.markTag(input);
        } finally {
          inFlight -= 1;
        }
      },
    };
    for (let i = 0; i < count; i++) {
      const connection = connectTestRedis();
      connections.push(connection);
      const worker = createOutboundWorker({ connection, prefix, queue, mirror: { store, catalog, api: counted, lock: new RedisTierTagLock({ redis, keys: new RedisKeys(prefix) }) }, log });
      void worker.run();
      workers.push(worker);
    }
  }

  /** A customer in Fenji and in the sandbox, followed by `reps`, stored at `tier`. */
  async function customer(id: string, tier: Tier, reps: string[] = REPS, tagIds: string[] = []): Promise<TierChange> {
    sandbox.state.seed({ contacts: [{ external_userid: id, name: id, follow: reps.map((userid) => ({ userid, tag_ids: tagIds })) }] });
    await store.upsertContact({ externalUserId: id, name: id, type: 1, gender: 'unknown', profile: {}, createdAt: T0, updatedAt: T0,
      follows: reps.map((userId) => ({ userId, addedAt: T0, tagIds, status: 'active' as const, changedAt: T0 })) });
    const change: TierChange = { externalUserId: id, from: null, to: tier, at: T0, source: 'rules', reasons: [] };
    await store.saveTier(id, { tier, source: 'rules', reasons: [], since: T0, nextReviewAt: null, lifecycle: 'potential' }, change);
    return change;
  }

  async function drained(expected: number): Promise<void> {
    await waitForJobsDone(queue, expected);
  }

  const wecomTags = (id: string, userid: string) => sandbox.state.relation(userid, id)!.tag_ids;
  const markTagCalls = (errcode?: number) => sandbox.calls.list({ path: 'externalcontact/mark_tag', ...(errcode === undefined ? {} : { errcode }) });

  it('keeps mark_tag at 5 in flight across three worker processes under load: no 45033, every relation tagged once', async () => {
    const changes = [];
    for (let i = 0; i < 60; i++) changes.push(await customer(`wmLoad${i}`, 'B', REPS, [ids.tags.C]));
    startWorkers(3);
    await enqueue(changes);
    await drained(60);

    expect(markTagCalls(45033)).toHaveLength(0);
    expect(maxInFlight).toBeLessThanOrEqual(5);
    expect(maxInFlight).toBeGreaterThanOrEqual(3);
    expect(markTagCalls()).toHaveLength(120);
    expect(await queue.getJobCounts('failed')).toEqual({ failed: 0 });
    for (const { externalUserId } of changes) {
      for (const rep of REPS) expect(wecomTags(externalUserId, rep)).toEqual([ids.tags.B]);
      const stored = (await store.get(externalUserId))!.contact.follows;
      expect(stored.map((f) => f.tagIds)).toEqual([[ids.tags.B], [ids.tags.B]]);
    }
  });

  it('pauses the whole queue for a 45009\'s retryAfterMs, then tags everything', async () => {
    const changes = [];
    for (let i = 0; i < 12; i++) changes.push(await customer(`wmLimited${i}`, 'A', ['zhangwei']));
    sandbox.faults.failNext(1, 45009, { path: 'externalcontact/mark_tag' });
    startWorkers(1);
    await enqueue(changes);
    await drained(12);

    const [limited, ...rest] = markTagCalls();
    expect(limited!.errcode).toBe(45009);
    // Only jobs already running when WeCom said 45009 (≤ 4 besides the limited one, one
    // more if a slot was refilled before the pause landed) may call within the 400 ms the
    // client reports; without the pause all 11 others would.
    const during = rest.filter((c) => c.at - limited!.at < 400);
    expect(during.length).toBeLessThanOrEqual(5);
    const retry = rest.find((c) => (c.body as { external_userid: string }).external_userid === (limited!.body as { external_userid: string }).external_userid);
    expect(retry!.at - limited!.at).toBeGreaterThanOrEqual(380);
    expect(rest).toHaveLength(12);
    expect(rest.every((c) => c.errcode === 0)).toBe(true);
    for (const { externalUserId } of changes) expect(wecomTags(externalUserId, 'zhangwei')).toEqual([ids.tags.A]);
  });

  it('skips a relation WeCom no longer has (84061) and tags the others', async () => {
    const change = await customer('wmGone', 'D');
    sandbox.state.removeRelation('lina', 'wmGone');
    startWorkers(1);
    await enqueue([change]);
    await drained(1);

    const [job] = await queue.getJobs(['completed']);
    expect(job!.returnvalue).toEqual({ tier: 'D', marked: 1, alreadyTagged: 0, gone: 1 });
    expect(wecomTags('wmGone', 'zhangwei')).toEqual([ids.tags.D]);
  });

  it('is idempotent: the same change twice is one job, a re-run and a relation already tagged make no call', async () => {
    const change = await customer('wmOnce', 'C', ['zhangwei']);
    const repTagged = await customer('wmRepTagged', 'B', ['lina'], ['etOther', ids.tags.B]);
    startWorkers(1);
    await enqueue([change, repTagged]);
    await enqueue([change]);
    await drained(2);
    expect(markTagCalls().map((c) => (c.body as { external_userid: string }).external_userid)).toEqual(['wmOnce']);

    await enqueue([{ ...change, at: T0 + 1 }]);
    await drained(3);
    expect(markTagCalls()).toHaveLength(1);
    expect(wecomTags('wmRepTagged', 'lina')).toEqual(['etOther', ids.tags.B]);
  });

  it('retries failed tier.tag jobs (the nightly repair): the tag lands, other failed jobs are left alone', async () => {
    const change = await customer('wmDeadLetter', 'A', ['zhangwei']);
    // A configuration error fails a job for good at once (no retries).
    sandbox.faults.failNext(1, 48002, { path: 'externalcontact/mark_tag' });
    await queue.add('other.job', { externalUserId: 'x', tier: 'A', at: T0 }, { attempts: 1 });
    startWorkers(1);
    await enqueue([change]);
    await drained(2);
    expect((await queue.getFailed()).map((j) => j.name).sort()).toEqual(['other.job', 'tier.tag']);
    expect(wecomTags('wmDeadLetter', 'zhangwei')).toEqual([]);

    expect(await retryFailedTierTags(queue)).toBe(1);
    await drained(2);
    expect((await queue.getFailed()).map((j) => j.name)).toEqual(['other.job']);
    expect(wecomTags('wmDeadLetter', 'zhangwei')).toEqual([ids.tags.A]);
    expect(await retryFailedTierTags(queue)).toBe(0);
  });
});
