import type { Redis } from 'ioredis';
import type { RedisKeys } from '../keys.ts';
import { decodeEntry, type Entry } from './codec.ts';
import { runCommits, type Commit } from './commit.ts';
import { RedisTierBatches } from './tier-batches.ts';

const BACKFILL_BATCH = 500;
const MAX_ATTEMPTS = 20;

export interface IndexBackfill {
  /** The string key holding the version this index was last backfilled at. */
  versionKey: string;
  /** Bumped when the index's meaning changes, so every deployment backfills once more. */
  version: string;
  /** Names the index in the error when contacts keep changing under the backfill. */
  label: string;
  /** The entries one stored contact gets (none: it is not filed). */
  opsFor(id: string, entry: Entry): Commit['ops'];
}

/**
 * Files contacts stored before an index existed, once per version (a later write files a
 * contact too, but an old contact nobody writes would never be). Each is filed by a
 * compare-and-set of its unchanged record, so an entry never comes from a record that has
 * moved on; one that changed is read again. Idempotent; returns the contacts filed.
 */
export async function backfillIndexOnce(redis: Redis, keys: RedisKeys, index: IndexBackfill): Promise<number> {
  if ((await redis.get(index.versionKey)) === index.version) return 0;
  const batches = new RedisTierBatches({ redis, keys });
  let filed = 0;
  let cursor: string | null = null;
  do {
    const page = await batches.scanIds(cursor, BACKFILL_BATCH);
    filed += await fileIds(redis, keys, index, page.ids);
    cursor = page.nextCursor;
  } while (cursor !== null);
  await redis.set(index.versionKey, index.version);
  return filed;
}

async function fileIds(redis: Redis, keys: RedisKeys, index: IndexBackfill, ids: string[]): Promise<number> {
  let pending = ids;
  let filed = 0;
  for (let attempt = 1; pending.length > 0; attempt++) {
    if (attempt > MAX_ATTEMPTS) throw new Error(`${index.label} backfill: ${pending.length} contacts kept changing`);
    const raws = await redis.mget(pending.map((id) => keys.contact(id)));
    const commits: { id: string; commit: Commit }[] = [];
    raws.forEach((raw, i) => {
      const id = pending[i]!;
      if (raw === null) return;
      const ops = index.opsFor(id, decodeEntry(id, raw));
      if (ops.length > 0) commits.push({ id, commit: { key: keys.contact(id), expected: raw, next: raw, ops } });
    });
    const results = await runCommits(redis, commits.map((c) => c.commit));
    filed += results.filter((r) => r === 'ok').length;
    pending = commits.filter((_, i) => results[i] !== 'ok').map((c) => c.id);
  }
  return filed;
}
