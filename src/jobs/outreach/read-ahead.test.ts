import { describe, expect, it } from 'vitest';
import type { OutreachPlanPage } from '../../domain/outreach/outreach.ts';
import { readAhead } from './read-ahead.ts';

const pageAt = (k: number, last: number): OutreachPlanPage => ({ items: [], skipped: { disabled: k }, nextCursor: k < last ? String(k + 1) : null });

describe('readAhead', () => {
  it('yields every page in order, reading at most `depth` ahead of the caller', async () => {
    const started: number[] = [];
    const read = async (cursor: string | null) => {
      const k = cursor === null ? 0 : Number(cursor);
      started.push(k);
      return pageAt(k, 9);
    };
    const seen: number[] = [];
    for await (const page of readAhead(read, 3)) {
      await new Promise((r) => setTimeout(r, 2));
      // Page k is in hand: pages up to k + 3 may have been asked for, never more.
      expect(Math.max(...started)).toBeLessThanOrEqual(page.skipped.disabled! + 3);
      seen.push(page.skipped.disabled!);
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(started).toEqual(seen);
  });

  it('throws a failed read when the caller reaches it, not before, and reads nothing after it', async () => {
    const started: number[] = [];
    const read = async (cursor: string | null) => {
      const k = cursor === null ? 0 : Number(cursor);
      started.push(k);
      if (k === 2) throw new Error('read failed');
      return pageAt(k, 9);
    };
    const seen: number[] = [];
    await expect((async () => {
      for await (const page of readAhead(read, 4)) seen.push(page.skipped.disabled!);
    })()).rejects.toThrow('read failed');
    expect(seen).toEqual([0, 1]);
    expect(started).toEqual([0, 1, 2]);
  });
});
