import type { Redis } from 'ioredis';
import type { YearlyDate } from '../../domain/calendar/lunar.ts';
import type { BirthdayIndex } from '../../domain/outreach/planners/ports.ts';
import { birthdayIndexKey } from './contact-store/birthday-index.ts';
import { backfillIndexOnce } from './contact-store/backfill-index.ts';
import type { RedisKeys } from './keys.ts';

/** Bumped when the index's meaning changes, so every deployment backfills once more. */
const INDEX_VERSION = '1';

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

  /** Files contacts stored before this index existed, once (contact-store/backfill-index.ts). */
  backfillOnce(): Promise<number> {
    return backfillIndexOnce(this.redis, this.keys, {
      versionKey: this.keys.birthdayIndexVersion(), version: INDEX_VERSION, label: 'birthday index',
      opsFor: (id, { record }) => {
        const birthday = record.contact.profile.birthday;
        return birthday ? [{ op: 'Z+', key: birthdayIndexKey(this.keys, birthday), score: 0, member: id }] : [];
      },
    });
  }
}
