import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runContactSync } from '../../src/jobs/contacts-sync/run-sync.ts';
import { BATCH_PATH, CUSTOMERS, createSyncWorld, customerId, fakeJob, repsOf, type SyncWorld } from './contact-sync.fixture.ts';

const MINUTE = 60_000;

describe('contact sync from the sandbox into the real store (3 reps, 250 customers, some shared)', () => {
  let w: SyncWorld;

  beforeEach(async () => {
    w = await createSyncWorld('sync');
  });

  afterEach(async () => {
    await w.close();
  });

  it('stores every customer with all of its relations, reading each pair exactly once in pages of 100', async () => {
    const relations = w.wecomPairs();
    const done = await runContactSync(w.deps, fakeJob('run-1'));

    expect(await w.storedPairs()).toEqual(relations);
    expect(done).toMatchObject({ phase: 'done', contacts: CUSTOMERS, pairs: relations.length, pairsListed: relations.length, added: relations.length, removed: 0 });
    const shared = customerId(100); // follows all three reps, on three different pages
    expect((await w.store.get(shared))?.contact.follows.map((f) => f.userId).sort()).toEqual([...repsOf(100)].sort());
    expect((await w.store.get(customerId(7)))?.contact).toMatchObject({ name: '客户7', gender: 'male' });

    const calls = w.sandbox.calls.list({ path: BATCH_PATH });
    expect(calls).toHaveLength(Math.ceil(relations.length / 100));
    expect(calls.every((c) => (c.body as { limit: number }).limit === 100)).toBe(true);
    // Every new customer got its first tier, and the hook heard of each once.
    expect(new Set(w.told.map((c) => c.externalUserId)).size).toBe(CUSTOMERS);
    expect((await w.store.tierCounts()).C).toBe(CUSTOMERS);
  });

  it('is idempotent: a second pass adds, removes and re-tiers nothing', async () => {
    await runContactSync(w.deps, fakeJob('run-1'));
    const before = await w.store.get(customerId(100));
    w.told.length = 0;
    w.clock.advance(MINUTE);
    const second = await runContactSync(w.deps, fakeJob('run-2'));

    expect(second).toMatchObject({ added: 0, reactivated: 0, removed: 0, tierChanges: 0, pairs: w.wecomPairs().length });
    expect(w.told).toEqual([]);
    const after = await w.store.get(customerId(100));
    expect(after?.contact.follows).toEqual(before?.contact.follows);
    expect(after?.tier).toEqual(before?.tier);
  });

  it('resumes a run killed midway from its saved batch and cursor, and ends with the same result', async () => {
    const job = fakeJob('run-killed', 2);
    await expect(runContactSync(w.deps, job)).rejects.toThrow('worker killed');
    const callsBefore = w.sandbox.calls.count(BATCH_PATH);
    expect(callsBefore).toBe(3);
    job.saves = -Infinity; // the retried attempt runs to the end
    const done = await runContactSync(w.deps, job);

    expect(await w.storedPairs()).toEqual(w.wecomPairs());
    expect(done).toMatchObject({ phase: 'done', pairs: w.wecomPairs().length, contacts: CUSTOMERS });
    // Resumed, not restarted: the third page was re-read (its progress was never saved), the first two were not.
    const resumed = w.sandbox.calls.list({ path: BATCH_PATH }).slice(callsBefore);
    expect((resumed[0]?.body as { cursor: string }).cursor).not.toBe('');
    expect(callsBefore + resumed.length).toBe(Math.ceil(w.wecomPairs().length / 100) + 1);
  });

  it('reconciles deletes and adds WeCom never delivered: a relation gone in WeCom is marked removed, a new one added', async () => {
    await runContactSync(w.deps, fakeJob('run-1'));
    w.clock.advance(MINUTE);
    w.sandbox.state.removeRelation('lina', customerId(1));
    w.sandbox.state.seed({ contacts: [{ external_userid: 'wmBrandNew', name: '新客户', follow: ['wangfang'] }, { external_userid: customerId(2), name: '客户2', follow: ['zhangwei'] }] });
    w.clock.advance(MINUTE);
    const startedAt = w.clock.now();
    const second = await runContactSync(w.deps, fakeJob('run-2'));

    expect(second).toMatchObject({ removed: 1, added: 2, unlistedRepRelations: 0 });
    expect(await w.storedPairs()).toEqual(w.wecomPairs());
    expect(await w.storedPairs('removed_by_rep')).toEqual([`${customerId(1)} lina`]);
    const gone = (await w.store.get(customerId(1)))?.contact.follows.find((f) => f.userId === 'lina');
    expect(gone).toMatchObject({ status: 'removed_by_rep', changedAt: startedAt });
    expect((await w.store.get('wmBrandNew'))?.tier?.tier).toBe('C');
  });

  it('marks no removal after a partial pass (WeCom busy beyond retries), and does once a pass completes', async () => {
    await runContactSync(w.deps, fakeJob('run-1'));
    w.clock.advance(MINUTE);
    w.sandbox.state.removeRelation('wangfang', customerId(2));
    w.sandbox.state.removeRelation('zhangwei', customerId(3));
    // Page 1 answers; then -1 on every try of page 2 (the client retries -1 three times).
    let pages = 0;
    const api = w.deps.api;
    const deps = { ...w.deps, api: {
      getFollowUserList: () => api.getFollowUserList(),
      batchGetByUser: (req: Parameters<typeof api.batchGetByUser>[0]) => {
        if (++pages === 2) w.sandbox.faults.failNext(4, -1, { path: BATCH_PATH });
        return api.batchGetByUser(req);
      },
    } };
    await expect(runContactSync(deps, fakeJob('run-partial'))).rejects.toMatchObject({ errcode: -1 });
    expect(await w.storedPairs('removed_by_rep')).toEqual([]);
    expect(await w.storedPairs()).toContain(`${customerId(2)} wangfang`);

    const complete = await runContactSync(w.deps, fakeJob('run-complete'));
    expect(complete.removed).toBe(2);
    expect(await w.storedPairs('removed_by_rep')).toEqual([`${customerId(2)} wangfang`, `${customerId(3)} zhangwei`]);
  });
});
