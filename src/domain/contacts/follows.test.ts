import { describe, expect, it } from 'vitest';
import type { FollowRelation } from './contact.ts';
import { applyRelationFact, customerLeftOf, mergeFetchedFollows, mergeListedFollows, type RelationFact } from './follows.ts';
import { followRelation } from '../../../tests/helpers/factories.ts';

const T = 1_700_000_000_000;

function rel(userId: string, status: FollowRelation['status'] = 'active', changedAt = T, extra: Partial<FollowRelation> = {}): FollowRelation {
  return followRelation(userId, T, { status, changedAt, ...extra });
}

function permutations<X>(items: X[]): X[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((x, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [x, ...rest]));
}

describe('relation facts', () => {
  it('lets the latest fact win, whatever the arrival order (ties: removal beats add)', () => {
    const facts: RelationFact[] = [
      { userId: 'rep', status: 'active', at: T + 1000 },
      { userId: 'rep', status: 'removed_by_customer', at: T + 5000 },
      { userId: 'rep', status: 'removed_by_rep', at: T + 5000 },
      { userId: 'rep', status: 'active', at: T + 3000 },
    ];
    const outcomes = permutations(facts).map((order) => order.reduce((f, fact) => applyRelationFact(f, fact), [rel('rep')])[0]);
    for (const outcome of outcomes) expect(outcome).toEqual(rel('rep', 'removed_by_customer', T + 5000));
  });

  it('ignores a fact about a rep without a relation', () => {
    expect(applyRelationFact([rel('a')], { userId: 'b', status: 'removed_by_rep', at: T + 1 })).toEqual([rel('a')]);
  });
});

describe('mergeFetchedFollows', () => {
  it("takes WeCom's fields but keeps a removal WeCom still lists (it lags behind the event)", () => {
    const stored = [rel('a', 'removed_by_rep', T + 10_000), rel('b')];
    const fetched = [rel('a', 'active', T, { remark: '新备注', tagIds: ['et1'] }), rel('b', 'active', T, { tagIds: ['et2'] })];
    expect(mergeFetchedFollows(stored, fetched, T + 20_000)).toEqual([
      rel('a', 'removed_by_rep', T + 10_000, { remark: '新备注', tagIds: ['et1'] }),
      rel('b', 'active', T, { tagIds: ['et2'] }),
    ]);
  });

  it('re-activates a relation WeCom shows added after its removal', () => {
    const stored = [rel('a', 'removed_by_customer', T + 10_000)];
    const readded = rel('a', 'active', T + 50_000, { addedAt: T + 50_000 });
    expect(mergeFetchedFollows(stored, [readded], T + 60_000)).toEqual([readded]);
  });

  it('marks an active relation WeCom no longer lists as removed by the rep, and keeps old removals', () => {
    const stored = [rel('gone'), rel('old', 'removed_by_customer', T + 1)];
    expect(mergeFetchedFollows(stored, [rel('new')], T + 9)).toEqual([
      rel('new'),
      rel('gone', 'removed_by_rep', T + 9),
      rel('old', 'removed_by_customer', T + 1),
    ]);
  });
});

describe('mergeListedFollows', () => {
  it('merges the listed reps only: pages of one (customer, rep) pair each, in any order, keep every relation', () => {
    const pages = [[rel('a', 'active', T, { remark: 'A' })], [rel('b', 'active', T, { tagIds: ['et1'] })], [rel('c')]];
    const outcomes = permutations(pages).map((order) => order.reduce((f, page) => mergeListedFollows(f, page), [rel('old', 'removed_by_rep', T + 1)]));
    for (const outcome of outcomes) {
      expect(new Map(outcome.map((f) => [f.userId, f]))).toEqual(new Map([
        ['old', rel('old', 'removed_by_rep', T + 1)],
        ['a', rel('a', 'active', T, { remark: 'A' })],
        ['b', rel('b', 'active', T, { tagIds: ['et1'] })],
        ['c', rel('c')],
      ]));
    }
  });

  it('re-activates a removal only when WeCom lists the relation as added after it', () => {
    const stored = [rel('lag', 'removed_by_rep', T + 10_000), rel('readded', 'removed_by_customer', T + 10_000)];
    const listed = [rel('lag', 'active', T), rel('readded', 'active', T + 20_000, { addedAt: T + 20_000 })];
    expect(mergeListedFollows(stored, listed)).toEqual([
      rel('lag', 'removed_by_rep', T + 10_000),
      rel('readded', 'active', T + 20_000, { addedAt: T + 20_000 }),
    ]);
  });
});

describe('customerLeftOf', () => {
  it('is true only when nothing is active and the customer removed at least one rep', () => {
    expect(customerLeftOf([rel('a', 'removed_by_customer'), rel('b', 'removed_by_rep')])).toBe(true);
    expect(customerLeftOf([rel('a', 'removed_by_customer'), rel('b')])).toBe(false);
    expect(customerLeftOf([rel('a', 'removed_by_rep')])).toBe(false);
    expect(customerLeftOf([])).toBe(false);
  });
});
