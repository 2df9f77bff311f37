import type { Redis } from 'ioredis';
import type { YearlyDate } from '../../domain/calendar/lunar.ts';
import type { BirthdayIndex } from '../../domain/outreach/planners/ports.ts';
import { decodeEntry } from './contact-store/codec.ts';
import { birthdayIndexKey } from './contact-store/birthday-index.ts';
import { runCommits, type Commit } from './contact-store/commit.ts';
import { RedisTierBatches } from './contact-store/tier-batches.ts';
import type { RedisKeys } from './keys.ts';

/** Bumped when the index's meaning changes, so every deployment backfills once more. */
const INDEX_VERSION = '1';
const BACKFILL_BATCH = 500;
const MAX_ATTEMPTS = 20;

/**
 * Reads the birthday index: one sorted set per stated month-day (keys.birthdayIndex), kept
 * by the contact commit (contact-store/birthday-index.ts) atomically with every record
 * write. Members are ordered by id (scores 0), so a cursor `<set>:<last id>` stays put
 * while contacts come and go.
 */
export class RedisBirthdayIndex implements BirthdayIndex {
  private readonly redis: Redis;
  private readonly keys: RedisKeys;

  constructor({ redis, keys }: { redis: Redis; keys: RedisKeys }) {
    this.redis = redis;
    this.keys = keys;
  }

  async candidates(dates: readonly YearlyDate[], cursor: string | null, limit: number): Promise<{ ids: string[]; nextCursor: string | null }> {
    // `<index of the set in dates>:<last id returned from it>` (empty: from its start).
    const sep = cursor === null ? -1 : cursor.indexOf(':');
    let index = cursor === null ? 0 : Number(cursor.slice(0, sep));
    let after = cursor === null ? '' : cursor.slice(sep + 1);
    const ids: string[] = [];
    while (index < dates.length && ids.length < limit) {
      const want = limit - ids.length;
      const found = await this.redis.zrangebylex(birthdayIndexKey(this.keys, dates[index]!), after === '' ? '-' : `(${after}`, '+', 'LIMIT', 0, want);
      ids.push(...found);
      if (found.length < want) {
        index++;
        after = '';
      } else {
        after = found.at(-1)!;
      }
    }
    // A full page may have been the last: the next call then finds nothing and ends.
    return { ids, nextCursor: index < dates.length ? `${index}:${after}` : null };
  }

  /**
   * Files contacts stored before this index existed, once per INDEX_VERSION (a later write
   * files a contact too, but an old contact nobody writes would never be). Each is filed by
   * a compare-and-set of its unchanged record, so an entry never comes from a record that
   * has moved on. Idempotent; returns the contacts filed.
   */
  async backfillOnce(): Promise<number> {
    if ((await this.redis.get(this.keys.birthdayIndexVersion())) === INDEX_VERSION) return 0;
    const batches = new RedisTierBatches({ redis: this.redis, keys: this.keys });
    let filed = 0;
    let cursor: string | null = null;
    do {
      const page = await batches.scanIds(cursor, BACKFILL_BATCH);
      filed += await this.fileIds(page.ids);
      cursor = page.nextCursor;
    } while (cursor !== null);
    await this.redis.set(this.keys.birthdayIndexVersion(), INDEX_VERSION);
    return filed;
  }

  private async fileIds(ids: string[]): Promise<number> {
    let pending = ids;
    let filed = 0;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > MAX_ATTEMPTS) throw new Error(`birthday index backfill: ${pending.length} contacts kept changing`);
      const raws = await this.redis.mget(pending.map((id) => this.keys.contact(id)));
      const commits: { id: string; commit: Commit }[] = [];
      raws.forEach((raw, i) => {
        const id = pending[i]!;
        const birthday = raw === null ? undefined : decodeEntry(id, raw).record.contact.profile.birthday;
        if (raw === null || !birthday) return;
        const key = this.keys.contact(id);
        commits.push({ id, commit: { key, expected: raw, next: raw, ops: [{ op: 'Z+', key: birthdayIndexKey(this.keys, birthday), score: 0, member: id }] } });
      });
      const results = await runCommits(this.redis, commits.map((c) => c.commit));
      filed += results.filter((r) => r === 'ok').length;
      pending = commits.filter((_, i) => results[i] !== 'ok').map((c) => c.id);
    }
    return filed;
  }
}
