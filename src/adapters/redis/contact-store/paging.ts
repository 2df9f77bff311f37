import type { Redis } from 'ioredis';
import type { RedisKeys } from '../keys.ts';
import type { ListPosition } from './cursor.ts';
import type { Segment } from './indexes.ts';

/**
 * Up to `limit` contact ids in index order (the segments in turn, ids ascending within
 * one) from `from` on, and where the next page starts (null at the end). Reads one id
 * more than asked to know whether there is more. ZRANGEBYLEX from the last id returned
 * makes the position stable: ids added or removed elsewhere do not shift it.
 */
export async function pageIds(
  redis: Redis,
  keys: RedisKeys,
  query: { segments: readonly Segment[]; rep?: string | undefined; from: ListPosition | null; limit: number; withSegments?: boolean },
): Promise<{ ids: string[]; next: ListPosition | null; segments?: Segment[] }> {
  const { segments, rep, from, limit } = query;
  const found: { segment: Segment; id: string }[] = [];
  let index = from ? segments.indexOf(from.segment) : 0;
  let after = from ? from.after : null;
  if (index < 0) return { ids: [], next: null };
  while (index < segments.length && found.length <= limit) {
    const segment = segments[index]!;
    const key = rep === undefined ? keys.tierIndex(segment) : keys.repTierIndex(rep, segment);
    const want = limit + 1 - found.length;
    const ids = await redis.zrangebylex(key, after === null ? '-' : `(${after}`, '+', 'LIMIT', 0, want);
    for (const id of ids) found.push({ segment, id });
    if (ids.length < want) {
      index++;
      after = null;
    }
  }
  const page = found.slice(0, limit);
  const last = page.at(-1);
  return {
    ids: page.map((f) => f.id),
    next: found.length > limit && last ? { segment: last.segment, after: last.id } : null,
    ...(query.withSegments ? { segments: page.map((f) => f.segment) } : {}),
  };
}
