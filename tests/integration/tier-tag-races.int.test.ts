import { Queue, type Job, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisTierTagLock } from '../../src/adapters/redis/tier-tag-lock.ts';
import { RedisTierBatches } from '../../src/adapters/redis/contact-store/tier-batches.ts';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { RedisContactStore } from '../../src/adapters/redis/redis-contact-store.ts';
import { WeComClient } from '../../src/adapters/wecom-api/client.ts';
import { HttpWeComApi } from '../../src/adapters/wecom-api/endpoints.ts';
import type { WeComApi } from '../../src/wecom/api.ts';
import { WeComTierTagCatalog, type TierTagIds } from '../../src/adapters/wecom-api/tier-tags.ts';
import { SANDBOX_CREDENTIALS as C } from '../../src/config/sandbox-credentials.ts';
import type { TierChange } from '../../src/domain/ports.ts';
import { DAY_MS, type Tier } from '../../src/domain/tiers/policy.ts';
import { QUEUE_NAMES } from '../../src/jobs/queues.ts';
import { TIERS_RECOMPUTE_JOB_NAME } from '../../src/jobs/tiers/job.ts';
import { type TierTagJobData } from '../../src/jobs/tier-tags/job.ts';
import { tierTagEnqueuer } from '../../src/jobs/tier-tags/enqueue-tier-tags.ts';
import { tierTagPlan } from '../../src/jobs/tier-tags/mirror-tier-tag.ts';
import { createOutboundWorker } from '../../src/jobs/tier-tags/outbound-worker.ts';
import { createTierWorkers } from '../../src/jobs/tiers/worker.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts';
import { connectTestRedis, deleteByPrefix, uniquePrefix } from '../helpers/redis.ts';
import { testPolicies } from '../helpers/tier-rules.ts';

const { tiers: policy } = testPolicies;
const T0 = Date.UTC(2025, 10, 1);
const log = pino({ level: 'silent' });

/** A promise with its resolve, to hold a step until the test lets it go. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('tier tags never end on a tier other than the stored one, whatever order jobs finish in (sandbox, real Redis)', () => {
  let sandbox: Sandbox;
  let redis: Redis;
  let prefix: string;
  let keys: RedisKeys;
  let store: RedisContactStore;
  let queue: Queue<TierTagJobData>;
  let api: WeComApi;
  let catalog: WeComTierTagCatalog;
  let ids: TierTagIds;
  let enqueue: (changes: TierChange[]) => Promise<void>;
  const workers: Worker[] = [];
  const connections: Redis[] = [];

  beforeEach(async () => {
    sandbox = await startSandbox({});
    sandbox.state.seed({ reps: [{ userid: 'zhangwei', name: 'zhangwei' }, { userid: 'lina', name: 'lina' }] });
    redis = connectTestRedis();
    prefix = uniquePrefix('tagrace');
    keys = new RedisKeys(prefix);
    store = new RedisContactStore({ redis, keys });
    queue = new Queue<TierTagJobData>(QUEUE_NAMES.wecomOutbound, { connection: redis, prefix });
    api = new HttpWeComApi(new WeComClient({ apiBase: sandbox.url, corpId: C.corpId, agentId: C.agentId, secret: C.secret, redis, keys, log }));
    catalog = new WeComTierTagCatalog({ api, redis, keys, policy, log });
    ids = await catalog.ids();
    enqueue = tierTagEnqueuer(queue);
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.close(true)));
    await queue.close();
    await sandbox.close();
    await deleteByPrefix(redis, prefix);
    for (const c of connections.splice(0)) c.disconnect();
    redis.disconnect();
  });

  function startOutbound(mirror: { catalog?: WeComTierTagCatalog | { ids(): Promise<TierTagIds>; refresh(): Promise<TierTagIds> }; api?: Pick<WeComApi, 'markTag'> }): void {
    const connection = connectTestRedis();
    connections.push(connection);
    const worker = createOutboundWorker({
      connection, prefix, queue, log,
      mirror: { store, catalog: mirror.catalog ?? catalog, api: mirror.api ?? api, lock: new RedisTierTagLock({ redis, keys }) },
    });
    void worker.run();
    workers.push(worker);
  }

  /** A customer in Fenji and in the sandbox at `tier`, followed by zhangwei, with `tagIds` on the relation in both. */
  async function customer(id: string, tier: Tier, tagIds: string[] = []): Promise<TierChange> {
    sandbox.state.seed({ contacts: [{ external_userid: id, name: id, follow: [{ userid: 'zhangwei', tag_ids: tagIds }] }] });
    await store.upsertContact({ externalUserId: id, name: id, type: 1, gender: 'unknown', profile: {}, createdAt: T0, updatedAt: T0,
      follows: [{ userId: 'zhangwei', addedAt: T0, tagIds, status: 'active', changedAt: T0 }] });
    return retier(id, null, tier, T0);
  }

  async function retier(id: string, from: Tier | null, to: Tier, at: number): Promise<TierChange> {
    const change: TierChange = { externalUserId: id, from, to, at, source: 'rules', reasons: [] };
    await store.saveTier(id, { tier: to, source: 'rules', reasons: [], since: at, nextReviewAt: null, lifecycle: 'potential' }, change);
    return change;
  }

  const wecomTags = (id: string) => sandbox.state.relation('zhangwei', id)!.tag_ids;
  const storedTags = async (id: string) => (await store.get(id))!.contact.follows[0]!.tagIds;
  const settled = async (job: Job | undefined) => ['completed', 'failed'].includes(await queue.getJobState(job!.id!));

  it('an older job that waited for the tag catalog and finishes after the newer one leaves the current tier', async () => {
    const older = await customer('wmSlowCatalog', 'C');
    // The first job's catalog read waits (as for a first npm start, when the tags are being created).
    const slow = gate();
    let reads = 0;
    startOutbound({ catalog: { ids: async () => (++reads === 1 ? slow.promise.then(() => catalog.ids()) : catalog.ids()), refresh: () => catalog.refresh() } });
    await enqueue([older]);
    await until('the C job to wait on the catalog', async () => reads === 1);

    const newer = await retier('wmSlowCatalog', 'C', 'B', T0 + DAY_MS);
    await enqueue([newer]);
    const [newerJob] = (await queue.getJobs(['wait', 'active', 'delayed', 'completed'])).filter((j) => j.data.tier === 'B');
    await until('the B job to finish or wait its turn', async () => ['completed', 'delayed'].includes(await queue.getJobState(newerJob!.id!)));
    slow.open();
    await until('both jobs', async () => (await queue.getJobCounts('completed'))['completed'] === 2);

    expect(wecomTags('wmSlowCatalog')).toEqual([ids.tags.B]);
    expect(await storedTags('wmSlowCatalog')).toEqual([ids.tags.B]);
  });

  it("an older job whose mark_tag is slow: the newer job waits its turn, and the relation ends on the current tier", async () => {
    const older = await customer('wmSlowMark', 'C');
    const slow = gate();
    let held = false;
    startOutbound({
      api: {
        markTag: async (input) => {
          if (input.add_tag?.includes(ids.tags.C) && !held) {
            held = true;
            await slow.promise;
          }
          return api.markTag(input);
        },
      },
    });
    await enqueue([older]);
    await until("the C job's mark_tag to be in flight", async () => held);

    await enqueue([await retier('wmSlowMark', 'C', 'B', T0 + DAY_MS)]);
    const [newerJob] = (await queue.getJobs(['wait', 'active', 'delayed', 'completed'])).filter((j) => j.data.tier === 'B');
    await until('the B job to finish or wait its turn', async () => ['completed', 'delayed'].includes(await queue.getJobState(newerJob!.id!)));
    slow.open();
    await until('both jobs', async () => (await settled(newerJob)) && (await queue.getJobCounts('completed'))['completed'] === 2);

    expect(wecomTags('wmSlowMark')).toEqual([ids.tags.B]);
    expect(await storedTags('wmSlowMark')).toEqual([ids.tags.B]);
  });

  it("the nightly recompute repairs relations whose recorded tier tag differs from the stored tier, and leaves a rep's override alone", async () => {
    // Left wrong by a race before this fix: stored B, tagged C in WeCom and in Fenji's record.
    await customer('wmStale', 'B', [ids.tags.C]);
    // The B tag was deleted in the admin console and created again (change_external_tag): the relation has the old id.
    await customer('wmLostTag', 'B', [ids.tags.B]);
    // Right already, and a rep's own tier tag edit (an override to A, the A tag on the relation).
    await customer('wmRight', 'C', [ids.tags.C]);
    await customer('wmRepOverride', 'B', ['etOther', ids.tags.A]);
    await store.setOverride('wmRepOverride', { tier: 'A', by: 'zhangwei', reason: 'rep', at: T0 });
    await retier('wmRepOverride', 'B', 'A', T0);
    const tagGroup = sandbox.state.findTag(ids.tags.B)!.group;
    tagGroup.tags = tagGroup.tags.filter((t) => t.id !== ids.tags.B);
    // WeCom takes a deleted tag off every relation (the sandbox state is edited by hand here).
    sandbox.state.relation('zhangwei', 'wmLostTag')!.tag_ids = [];
    ids = await catalog.onCorpTagsChanged().then(() => catalog.ids());
    const calls = () => sandbox.calls.list({ path: 'externalcontact/mark_tag' }).length;

    // The nightly recompute job, then the outbound worker runs what it queued.
    const tiers = new Queue(QUEUE_NAMES.tiers, { connection: redis, prefix });
    const connection = connectTestRedis();
    connections.push(connection);
    const tierDeps = { batches: new RedisTierBatches({ redis, keys }), store, policy, timeZone: 'Asia/Shanghai', clock: { now: () => T0 + DAY_MS }, onChanges: enqueue };
    const [tiersWorker, outbound] = createTierWorkers({
      connection, prefix, log, outboundQueue: queue, tiers: tierDeps,
      mirror: { store, catalog, api, lock: new RedisTierTagLock({ redis, keys }) },
      tagRepair: { records: (list: string[]) => store.getMany(list), enqueue },
    });
    workers.push(tiersWorker!, outbound!);
    void tiersWorker!.run();
    void outbound!.run();
    // Pin the tiers the recompute would otherwise derive from these bare facts.
    for (const id of ['wmStale', 'wmLostTag', 'wmRight']) await store.setOverride(id, { tier: (await store.get(id))!.tier!.tier, by: 'test', reason: 'pinned', at: T0 });
    const before = calls();
    const job = await tiers.add(TIERS_RECOMPUTE_JOB_NAME, {});
    await until('the recompute job', async () => ['completed', 'failed'].includes(await tiers.getJobState(job.id!)));
    expect(await tiers.getJobState(job.id!)).toBe('completed');
    await until('the tier.tag jobs', async () => (await queue.getJobCounts('wait', 'active', 'delayed'))['wait'] === 0
      && (await queue.getJobCounts('active'))['active'] === 0 && (await queue.getJobCounts('delayed'))['delayed'] === 0);

    expect(wecomTags('wmStale')).toEqual([ids.tags.B]);
    expect(wecomTags('wmLostTag')).toEqual([ids.tags.B]);
    // Recorded as set (the deleted id lingers in the record, harmlessly): next night queues nothing for it.
    expect(tierTagPlan(await storedTags('wmLostTag'), 'B', ids.tags)).toBeNull();
    expect(await tiers.getJob(job.id!).then((j) => j!.returnvalue)).toMatchObject({ tagsRepaired: 2 });
    expect(wecomTags('wmRight')).toEqual([ids.tags.C]);
    expect(wecomTags('wmRepOverride')).toEqual(['etOther', ids.tags.A]);
    expect(calls() - before).toBe(2);
    await tiers.close();
  });
});
