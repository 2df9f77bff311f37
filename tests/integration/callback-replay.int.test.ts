import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { RedisKfSyncState } from '../../src/adapters/redis/kf-sync-state.ts';
import { RedisContactStore } from '../../src/adapters/redis/redis-contact-store.ts';
import { WeComTierTagCatalog } from '../../src/adapters/wecom-api/tier-tags.ts';
import { SANDBOX_CREDENTIALS as C } from '../../src/config/sandbox-credentials.ts';
import type { Contact } from '../../src/domain/contacts/contact.ts';
import { settleTiers } from '../../src/domain/contacts/settle-tiers.ts';
import type { ContactStore } from '../../src/domain/ports.ts';
import { handleCallbackEvent } from '../../src/jobs/callbacks/handle-callback-event.ts';
import { syncKfMessages } from '../../src/jobs/kf/sync-kf-messages.ts';
import type { KfSyncJobData } from '../../src/jobs/kf/job.ts';
import { tierTagJobId } from '../../src/jobs/tier-tags/enqueue-tier-tags.ts';
import type { WeComEvent } from '../../src/wecom/events.ts';
import { contactEvent, createWorld, log, MINUTE, policy, type World } from './contact-events.fixture.ts';

const KF = 'wkSales';

/** The store calls that write: a crash is simulated just before one of them. */
const WRITES = ['upsertContact', 'mergeContact', 'applyRelationFacts', 'patchProfile', 'addOrder', 'addInteraction',
  'setCustomerLeft', 'setOverride', 'saveTier', 'saveValues'] as const;

/**
 * One job as the worker runs it: a callback (with its dedupe key) or the kf.sync job it
 * queued; or, to set the scene, the contact as Fenji had read it from WeCom at some
 * earlier moment (the sandbox holds only WeCom's latest state), stored and tiered.
 */
type Step = { callback: Partial<WeComEvent> & { kind: WeComEvent['kind'] }; id: string } | { kfSync: true } | { known: Contact };

interface Scenario {
  name: string;
  /** Makes WeCom (the sandbox) what it is when the event arrives; returns the jobs before it and the job itself. */
  prepare(w: World): Promise<{ before: Step[]; job: Step }>;
}

/** A customer zhangwei added, as Fenji knows it from then on. */
async function added(w: World, externalUserId: string): Promise<Step> {
  await w.sandbox.simulate.addContact({ userid: 'zhangwei', name: '李娜', external_userid: externalUserId, state: 'expo', gender: 2 });
  const step = await known(w, externalUserId);
  w.clock.advance(MINUTE);
  return step;
}

/** The contact as WeCom lists it now, to be stored as Fenji's knowledge before the job. */
async function known(w: World, externalUserId: string): Promise<Step> {
  return { known: (await w.contacts.directory.getContact(externalUserId))! };
}

// Every event kind handle-callback-event.ts handles, each after what normally precedes it.
const SCENARIOS: Scenario[] = [
  {
    name: 'add_external_contact',
    prepare: async (w) => {
      await w.sandbox.simulate.addContact({ userid: 'zhangwei', name: '李娜', external_userid: 'wmAdd', state: 'expo', gender: 2 });
      return { before: [], job: { callback: contactEvent('add_external_contact', 'zhangwei', 'wmAdd', { state: 'expo' }), id: 'add' } };
    },
  },
  {
    name: 'add_half_external_contact',
    prepare: async (w) => {
      await w.sandbox.simulate.addContact({ userid: 'wangfang', name: '半', external_userid: 'wmHalf' });
      return { before: [], job: { callback: contactEvent('add_half_external_contact', 'wangfang', 'wmHalf'), id: 'half' } };
    },
  },
  {
    name: 'edit_external_contact (remark)',
    prepare: async (w) => {
      const before = [await added(w, 'wmEdit')];
      await w.sandbox.simulate.editTags({ userid: 'zhangwei', external_userid: 'wmEdit', remark: '李总' });
      return { before, job: { callback: contactEvent('edit_external_contact', 'zhangwei', 'wmEdit'), id: 'edit' } };
    },
  },
  {
    name: "edit_external_contact (the rep's tier tag edit: an override)",
    prepare: async (w) => {
      await w.sandbox.simulate.addContact({ userid: 'zhangwei', name: '李娜', external_userid: 'wmOverride', state: 'expo', gender: 2 });
      // Fenji's own mark_tag put C on the relation (and recorded it).
      await w.api.markTag({ userid: 'zhangwei', external_userid: 'wmOverride', add_tag: [tagId(w, 'C 潜在')] });
      const before = [await known(w, 'wmOverride')];
      w.clock.advance(MINUTE);
      await w.sandbox.simulate.editTags({ userid: 'zhangwei', external_userid: 'wmOverride', add_tag: ['A 成交'], remove_tag: ['C 潜在'] });
      return { before, job: { callback: contactEvent('edit_external_contact', 'zhangwei', 'wmOverride'), id: 'edit-tier' } };
    },
  },
  {
    name: 'del_external_contact',
    prepare: async (w) => {
      const before = [await added(w, 'wmDel')];
      await w.sandbox.simulate.deleteContact({ userid: 'zhangwei', external_userid: 'wmDel' });
      return { before, job: { callback: contactEvent('del_external_contact', 'zhangwei', 'wmDel'), id: 'del' } };
    },
  },
  {
    name: 'del_follow_user',
    prepare: async (w) => {
      const before = [await added(w, 'wmLeft')];
      await w.sandbox.simulate.customerDeletesRep({ userid: 'zhangwei', external_userid: 'wmLeft' });
      return { before, job: { callback: contactEvent('del_follow_user', 'zhangwei', 'wmLeft'), id: 'left' } };
    },
  },
  {
    name: 'transfer_fail',
    prepare: async (w) => ({
      before: [await added(w, 'wmTransfer')],
      job: { callback: contactEvent('transfer_fail', 'zhangwei', 'wmTransfer', { failReason: 'customer_refused' }), id: 'transfer' },
    }),
  },
  {
    name: 'kf_msg_or_event (the callback)',
    prepare: async (w) => {
      const before = [await added(w, 'wmKf')];
      const { token } = await w.sandbox.simulate.customerMessage({ external_userid: 'wmKf', text: '多少钱', open_kfid: KF });
      return { before, job: { callback: { kind: 'kf_msg_or_event', token, openKfId: KF }, id: 'kf-cb' } };
    },
  },
  {
    name: 'kf.sync (the job a kf_msg_or_event queues)',
    prepare: async (w) => {
      const before = [await added(w, 'wmKfSync')];
      for (const text of ['在吗', '想了解一下', '多少钱']) {
        await w.sandbox.simulate.customerMessage({ external_userid: 'wmKfSync', text, open_kfid: KF });
        w.clock.advance(MINUTE);
      }
      return { before, job: { kfSync: true } };
    },
  },
  {
    name: 'kf.sync of a customer who writes 退订 (the opt-out is written with the message)',
    prepare: async (w) => {
      const before = [await added(w, 'wmKfOptOut')];
      for (const text of ['在吗', '退订']) {
        await w.sandbox.simulate.customerMessage({ external_userid: 'wmKfOptOut', text, open_kfid: KF });
        w.clock.advance(MINUTE);
      }
      return { before, job: { kfSync: true } };
    },
  },
  {
    name: 'change_external_tag',
    prepare: async (w) => ({
      before: [await added(w, 'wmTag')],
      job: { callback: { kind: 'external_tag', changeType: 'update', id: tagId(w, 'B 种子'), tagType: 'tag' }, id: 'tag' },
    }),
  },
  { name: 'change_external_chat', prepare: async () => ({ before: [], job: { callback: { kind: 'external_chat', changeType: 'create', chatId: 'wrChat' }, id: 'chat' } }) },
  { name: 'an app message', prepare: async () => ({ before: [], job: { callback: { kind: 'app_message', msgType: 'text', msgId: '1' }, id: 'msg' } }) },
  { name: 'an unknown event', prepare: async () => ({ before: [], job: { callback: { kind: 'unknown', msgType: 'event', event: 'new_thing' }, id: 'unknown' } }) },
];

function tagId(w: World, name: string): string {
  return w.sandbox.state.tagGroups[0]!.tags.find((t) => t.name === name)!.id;
}

/** What one archive holds after some jobs: every key under its prefix, and the jobs it queued. */
interface Outcome {
  keys: Record<string, unknown>;
  tierTagJobs: string[];
  kfJobs: string[];
}

describe('every callback event handler is idempotent: a job run twice, or re-run after a crash, leaves what one run leaves (sandbox, real Redis)', () => {
  let w: World;
  let run = 0;

  beforeEach(async () => {
    w = await createWorld('replay');
    w.sandbox.state.seed({ kfAccounts: [{ open_kfid: KF, name: '销售咨询' }] });
  });
  afterEach(async () => {
    await w.close();
  });

  /**
   * Runs `before`, then `job` (each `times`), in an archive of its own (a fresh key prefix).
   * With `crashAt`, the first run of `job` dies just before its crashAt-th write, and runs
   * again whole. Returns the archive and queued jobs, or how many writes `job` made.
   */
  async function outcome(steps: { before: Step[]; job: Step }, times: number, crashAt?: number): Promise<Outcome & { writes: number }> {
    const runPrefix = `${w.prefix}-run${run++}`;
    const keys = new RedisKeys(runPrefix);
    let writes = 0;
    let counting = false;
    const crashPoint = () => {
      if (!counting) return;
      writes += 1;
      if (writes === crashAt) throw new Error('simulated crash');
    };
    const real = new RedisContactStore({ redis: w.redis, keys });
    const store = new Proxy(real, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if ((WRITES as readonly (string | symbol)[]).includes(name)) crashPoint();
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    }) as ContactStore;
    const state = new RedisKfSyncState(w.redis, keys);
    const kfState = {
      cursor: (id: string) => state.cursor(id),
      tryLock: (id: string, ttl: number) => state.tryLock(id, ttl),
      saveCursor: async (id: string, cursor: string) => {
        crashPoint();
        await state.saveCursor(id, cursor);
      },
    };
    const catalog = new WeComTierTagCatalog({ api: w.api, redis: w.redis, keys, policy, log });
    w.contacts.store = store;
    w.contacts.catalog = catalog;
    w.told.length = 0;
    const kfJobs = new Map<string, KfSyncJobData>();
    const deps = {
      contacts: w.contacts, clock: w.clock, onCorpTagsChanged: () => catalog.onCorpTagsChanged(),
      enqueueKfSync: async (data: KfSyncJobData, jobId: string) => void (kfJobs.has(jobId) || kfJobs.set(jobId, data)),
    };
    const perform = async (step: Step): Promise<void> => {
      if ('known' in step) {
        await store.upsertContact(step.known);
        await settleTiers(w.contacts, [step.known.externalUserId], w.clock.now());
        return;
      }
      if ('kfSync' in step) {
        await syncKfMessages(w.kfDeps({ state: kfState, contacts: w.contacts }), { openKfId: KF, token: '' });
        return;
      }
      const event = { toUserName: C.corpId, fromUserName: 'sys', createTime: Math.floor(w.clock.now() / 1000), ...step.callback } as WeComEvent;
      await handleCallbackEvent({ dedupeKey: step.id, receivedAt: w.clock.now(), event }, deps, log);
    };
    for (const step of steps.before) await perform(step);
    counting = true;
    if (crashAt !== undefined) await expect(perform(steps.job)).rejects.toThrow('simulated crash');
    for (let i = 0; i < times; i++) await perform(steps.job);
    counting = false;
    return { keys: await dump(runPrefix), tierTagJobs: [...new Set(w.told.map(tierTagJobId))].sort(), kfJobs: [...kfJobs.keys()].sort(), writes };
  }

  /** Every key under the prefix with its value, by type; the access_token cache is left out (one per world). */
  async function dump(prefix: string): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    let cursor = '0';
    do {
      const [next, found] = await w.redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      for (const key of found) {
        const name = key.slice(prefix.length);
        const type = await w.redis.type(key);
        if (type === 'string') out[name] = await w.redis.get(key);
        else if (type === 'list') out[name] = await w.redis.lrange(key, 0, -1);
        else if (type === 'zset') out[name] = await w.redis.zrange(key, 0, -1, 'WITHSCORES');
        else if (type === 'set') out[name] = (await w.redis.smembers(key)).sort();
        else if (type === 'hash') out[name] = await w.redis.hgetall(key);
        else out[name] = type;
      }
    } while (cursor !== '0');
    return out;
  }

  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_, scenario) => {
    const steps = await scenario.prepare(w);
    const { writes, ...once } = await outcome(steps, 1);
    const { writes: _twiceWrites, ...twice } = await outcome(steps, 2);
    expect(twice).toEqual(once);
    // A crash before each write of the first run (or before the kf cursor is saved), then a whole run.
    for (let crashAt = 1; crashAt <= writes; crashAt++) {
      const recovered = await outcome(steps, 1, crashAt);
      expect(recovered.keys, `crash before write ${crashAt}`).toEqual(once.keys);
      expect(recovered.kfJobs).toEqual(once.kfJobs);
    }
  });
});
