import { describe, expect, it } from 'vitest';
import { tierTagJobId } from '../tier-tags/enqueue-tier-tags.ts';
import { tierTagPlan } from './mirror-tier-tag.ts';

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
