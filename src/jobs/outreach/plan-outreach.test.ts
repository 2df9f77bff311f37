import { describe, expect, it, vi } from 'vitest';
import { storedRecord, storedTier } from '../../../tests/helpers/factories.ts';
import { instantOf } from '../../domain/followups/local-time.ts';
import type { OutreachItem, OutreachPlanner } from '../../domain/outreach/outreach.ts';
import type { OutreachPasses } from '../../domain/outreach/ports.ts';
import type { ContactRecord } from '../../domain/ports.ts';
import { planOutreach, type PlanOutreachDeps } from './plan-outreach.ts';

const TZ = 'Asia/Shanghai';
const NOW = instantOf({ year: 2026, month: 10, day: 1 }, 9 * 60 + 31, TZ);
const records: ContactRecord[] = ['wm1', 'wm2', 'wm3'].map((id) => storedRecord(id, NOW - 86_400_000, storedTier('B', NOW - 86_400_000), { reps: ['zhangwei'] }));

/** A holiday-like planner over `records`, one page each, whose whole day is one pass. */
function scanningPlanner(passKey: string | null): OutreachPlanner & { page: ReturnType<typeof vi.fn> } {
  const page = vi.fn(async (_now: number, cursor: string | null) => {
    const k = cursor === null ? 0 : Number(cursor);
    const record = records[k]!;
    const item: OutreachItem = {
      kind: 'holiday', occasionKey: 'holiday:nationalDay:2026', externalUserId: record.contact.externalUserId, rep: 'zhangwei', tier: 'B',
      text: '国庆快乐！', notBefore: NOW - 60_000, label: '国庆',
    };
    return { items: [item], skipped: {}, nextCursor: k + 1 < records.length ? String(k + 1) : null, records: new Map([[item.externalUserId, record]]) };
  });
  return { kind: 'holiday', page, passKey: () => passKey, dueOn: () => true, stillDue: () => true };
}

function memoryPasses(): OutreachPasses & { marked: Set<string> } {
  const marked = new Set<string>();
  return { marked, done: async (key) => marked.has(key), markDone: async (key) => void marked.add(key) };
}

function depsOf(planner: OutreachPlanner, passes: OutreachPasses, send: PlanOutreachDeps['jobs']['send']): PlanOutreachDeps {
  return {
    planners: [planner],
    store: { get: async () => { throw new Error('the page handed its records'); } },
    ledger: { claimEach: async (items) => items.map(() => 'ok' as const) },
    passes,
    jobs: { exists: async () => false, send, notify: async () => undefined },
    quietHours: { from: 21 * 60, to: 9 * 60 },
    timeZone: TZ,
    clock: { now: () => NOW },
  };
}

describe('planOutreach: a planner\'s completed pass', () => {
  it('is recorded once its sends are queued, and the day\'s next run skips it', async () => {
    const planner = scanningPlanner('holiday:2026-10-01:holiday:nationalDay:2026');
    const passes = memoryPasses();
    const sent: string[][] = [];
    const send: PlanOutreachDeps['jobs']['send'] = async (_id, data) => void sent.push(data.externalUserIds);
    const first = await planOutreach(depsOf(planner, passes, send), 'run-1');
    expect(first.kinds.holiday).toMatchObject({ due: 3, claimed: 3 });
    expect(first.kinds.holiday!.passDone).toBeUndefined();
    expect(sent).toEqual([['wm1', 'wm2', 'wm3']]);
    expect([...passes.marked]).toEqual(['holiday:2026-10-01:holiday:nationalDay:2026']);
    expect(planner.page).toHaveBeenCalledTimes(3);

    const second = await planOutreach(depsOf(planner, passes, send), 'run-2');
    expect(second.kinds.holiday).toEqual({ due: 0, skipped: {}, claimed: 0, passDone: 'holiday:2026-10-01:holiday:nationalDay:2026' });
    expect(second.sends).toBe(0);
    expect(planner.page).toHaveBeenCalledTimes(3);
  });

  it('is not recorded by a run that stopped before queuing its sends: the next run reads it again', async () => {
    const planner = scanningPlanner('holiday:2026-10-01:holiday:nationalDay:2026');
    const passes = memoryPasses();
    const crash: PlanOutreachDeps['jobs']['send'] = async () => { throw new Error('redis went away'); };
    await expect(planOutreach(depsOf(planner, passes, crash), 'run-1')).rejects.toThrow('redis went away');
    expect(passes.marked.size).toBe(0);

    const sent: string[][] = [];
    const again = await planOutreach(depsOf(planner, passes, async (_id, data) => void sent.push(data.externalUserIds)), 'run-2');
    expect(planner.page).toHaveBeenCalledTimes(6);
    expect(again.kinds.holiday).toMatchObject({ due: 3, claimed: 3 });
    expect(sent).toEqual([['wm1', 'wm2', 'wm3']]);
    expect(passes.marked.size).toBe(1);
  });

  it('is never skipped when the planner names no pass (null)', async () => {
    const planner = scanningPlanner(null);
    const passes = memoryPasses();
    const send: PlanOutreachDeps['jobs']['send'] = async () => undefined;
    await planOutreach(depsOf(planner, passes, send), 'run-1');
    await planOutreach(depsOf(planner, passes, send), 'run-2');
    expect(planner.page).toHaveBeenCalledTimes(6);
    expect(passes.marked.size).toBe(0);
  });
});

describe('planOutreach: pages and claims overlapping', () => {
  it('lists a contact that came up on two pages (its tier moved mid-pass) once in its send', async () => {
    const scanning = scanningPlanner(null);
    const inner: OutreachPlanner['page'] = scanning.page;
    // Pages: wm1, wm2, wm2 again (re-read under its new tier segment), wm3.
    const planner: OutreachPlanner = {
      ...scanning,
      page: async (now, cursor, limit) => {
        if (cursor === 'again') return { ...(await inner(now, '1', limit)), nextCursor: '2' };
        const page = await inner(now, cursor, limit);
        return cursor === '1' ? { ...page, nextCursor: 'again' } : page;
      },
    };
    const sent: string[][] = [];
    await planOutreach(depsOf(planner, memoryPasses(), async (_id, data) => void sent.push(data.externalUserIds)), 'run-1');
    expect(sent).toEqual([['wm1', 'wm2', 'wm3']]);
  });

  it('fails the run when a claim fails, after every claim in flight has settled', async () => {
    const settled: number[] = [];
    let calls = 0;
    const deps = depsOf(scanningPlanner(null), memoryPasses(), async () => undefined);
    deps.ledger = {
      claimEach: async (items) => {
        const call = ++calls;
        await new Promise((r) => setTimeout(r, call === 1 ? 20 : 1));
        settled.push(call);
        if (call === 2) throw new Error('ledger script failed');
        return items.map(() => 'ok' as const);
      },
    };
    await expect(planOutreach(deps, 'run-1')).rejects.toThrow('ledger script failed');
    expect(settled.sort()).toEqual([1, 2, 3]);
  });
});
