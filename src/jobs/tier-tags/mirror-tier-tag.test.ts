import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { MarkTagRequest } from '../../wecom/api.ts';
import { WeComApiError } from '../../wecom/api-errors.ts';
import type { Contact, FollowRelation } from '../../domain/contacts/contact.ts';
import type { ContactRecord } from '../../domain/ports.ts';
import { tierTagJobId } from './enqueue-tier-tags.ts';
import { mirrorTierTag, TierTagBusyError, tierTagPlan } from './mirror-tier-tag.ts';

const tags = { A: 'etA', B: 'etB', C: 'etC', D: 'etD' };

describe('tierTagPlan', () => {
  it('asks for nothing when the relation carries exactly the tier tag (a rep who set it, or a re-run)', () => {
    expect(tierTagPlan(['etOther', 'etB'], 'B', tags)).toBeNull();
  });

  it('adds the tier tag and removes every other tier tag, known on the relation or not', () => {
    expect(tierTagPlan(['etOther', 'etC'], 'B', tags)).toEqual({ add: ['etB'], remove: ['etA', 'etC', 'etD'] });
    expect(tierTagPlan([], 'D', tags)).toEqual({ add: ['etD'], remove: ['etA', 'etB', 'etC'] });
  });

  it('cleans up a relation carrying its tier tag and another tier tag', () => {
    expect(tierTagPlan(['etA', 'etB'], 'A', tags)).toEqual({ add: ['etA'], remove: ['etB', 'etC', 'etD'] });
  });
});

describe('tierTagJobId', () => {
  it('is the same for the same change and differs for another tier or time, with no ":" (BullMQ refuses it)', () => {
    const change = { externalUserId: 'wm:abc', to: 'B' as const, at: 1000 };
    expect(tierTagJobId(change)).toBe(tierTagJobId({ ...change }));
    expect(tierTagJobId(change)).not.toBe(tierTagJobId({ ...change, to: 'C' }));
    expect(tierTagJobId(change)).not.toBe(tierTagJobId({ ...change, at: 1001 }));
    expect(tierTagJobId(change)).not.toContain(':');
  });
});

describe('mirrorTierTag', () => {
  const base: Omit<Contact, 'follows'> = { externalUserId: 'wm1', name: 'x', type: 1, gender: 'unknown', profile: {}, createdAt: 0, updatedAt: 0 };
  const relation = (userId: string, tagIds: string[], status: FollowRelation['status'] = 'active'): FollowRelation =>
    ({ userId, addedAt: 0, tagIds, status, changedAt: 0 });
  const silent = pino({ level: 'silent' });
  const freeLock = { tryWith: async <T>(_id: string, fn: () => Promise<T>) => ({ held: true as const, value: await fn() }) };

  function deps(follows: FollowRelation[], markTag: (input: MarkTagRequest) => Promise<void>) {
    let contact: Contact = { ...base, follows };
    const refreshed: number[] = [];
    return {
      refreshed,
      contact: () => contact,
      deps: {
        store: {
          get: async () => ({ contact, tier: { tier: 'B' as const } }) as unknown as ContactRecord,
          upsertContact: async (c: Contact) => void (contact = c),
        },
        catalog: { ids: async () => ({ groupId: 'g', tags }), refresh: async () => (refreshed.push(1), { groupId: 'g', tags }) },
        api: { markTag },
        lock: freeLock,
        log: silent,
      },
    };
  }

  it('tags active relations only, skips a gone one (84061), and records what WeCom now has', async () => {
    const calls: MarkTagRequest[] = [];
    const t = deps([relation('a', ['etC']), relation('b', []), relation('c', ['etC'], 'removed_by_customer')], async (input) => {
      calls.push(input);
      if (input.userid === 'b') throw new WeComApiError({ errcode: 84061, errmsg: 'not external contact', path: '/mark_tag' });
    });
    expect(await mirrorTierTag(t.deps, 'wm1')).toEqual({ tier: 'B', marked: 1, alreadyTagged: 0, gone: 1 });
    expect(calls.map((c) => c.userid)).toEqual(['a', 'b']);
    expect(t.contact().follows.map((f) => f.tagIds)).toEqual([['etB'], [], ['etC']]);
  });

  it('touches nothing while another job holds the contact, and says so (TierTagBusyError)', async () => {
    const calls: MarkTagRequest[] = [];
    const t = deps([relation('a', [])], async (input) => void calls.push(input));
    const busy = { tryWith: async () => ({ held: false as const }) };
    await expect(mirrorTierTag({ ...t.deps, lock: busy }, 'wm1')).rejects.toBeInstanceOf(TierTagBusyError);
    expect(calls).toEqual([]);
    expect(t.contact().follows[0]!.tagIds).toEqual([]);
  });

  it('reloads the tier tags when WeCom says a tag id is invalid (40068), and fails the attempt for a retry', async () => {
    const t = deps([relation('a', [])], async () => {
      throw new WeComApiError({ errcode: 40068, errmsg: 'invalid tagid', path: '/mark_tag' });
    });
    await expect(mirrorTierTag(t.deps, 'wm1')).rejects.toBeInstanceOf(WeComApiError);
    expect(t.refreshed).toHaveLength(1);
    expect(t.contact().follows[0]!.tagIds).toEqual([]);
  });
});
