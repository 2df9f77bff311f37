import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisBirthdayIndex } from '../../src/adapters/redis/birthday-index.ts';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { RedisContactStore } from '../../src/adapters/redis/redis-contact-store.ts';
import type { Birthday } from '../../src/domain/contacts/contact.ts';
import { instantOf } from '../../src/domain/followups/local-time.ts';
import { BirthdayPlanner } from '../../src/domain/outreach/planners/birthday.ts';
import { contactRecord, storedTier } from '../helpers/factories.ts';
import { testOccasions } from '../helpers/occasions.ts';
import { connectTestRedis, deleteByPrefix, uniquePrefix } from '../helpers/redis.ts';

const T0 = Date.UTC(2026, 0, 5, 2);
const TZ = 'Asia/Shanghai';

describe('the birthday index follows the records (real Redis)', () => {
  let redis: Redis;
  let prefix: string;
  let keys: RedisKeys;
  let store: RedisContactStore;
  let index: RedisBirthdayIndex;

  beforeEach(() => {
    redis = connectTestRedis();
    prefix = uniquePrefix('bdindex');
    keys = new RedisKeys(prefix);
    store = new RedisContactStore({ redis, keys });
    index = new RedisBirthdayIndex({ redis, keys });
  });

  afterEach(async () => {
    await deleteByPrefix(redis, prefix);
    redis.disconnect();
  });

  /** Every birthday set holding `id`, as `s:MMDD` / `l:MMDD`. */
  async function filedUnder(id: string): Promise<string[]> {
    const sets: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:ix:bd:*`, 'COUNT', 500);
      cursor = next;
      for (const key of found) if ((await redis.zscore(key, id)) !== null) sets.push(key.slice(`${prefix}:ix:bd:`.length));
    } while (cursor !== '0');
    return sets.sort();
  }

  it('files a contact under its stated month-day with the profile write, moves it when corrected, keeps it through other writes', async () => {
    await store.upsertContact(contactRecord('wm1', T0));
    expect(await filedUnder('wm1')).toEqual([]);
    await store.patchProfile('wm1', { birthday: { calendar: 'lunar', month: 8, day: 15, year: 1990 } }, T0);
    expect(await filedUnder('wm1')).toEqual(['l:0815']);
    await store.patchProfile('wm1', { birthday: { calendar: 'solar', month: 2, day: 29 } }, T0 + 1);
    expect(await filedUnder('wm1')).toEqual(['s:0229']);
    await store.upsertContact(contactRecord('wm1', T0 + 2, { name: '改名了' }));
    await store.saveTier('wm1', storedTier('B', T0), null);
    expect(await filedUnder('wm1')).toEqual(['s:0229']);
  });

  it('two corrections racing, in either order, leave the contact filed only where its stored profile says', async () => {
    await store.upsertContact(contactRecord('wm2', T0));
    const dates: Birthday[] = [{ calendar: 'solar', month: 3, day: 1 }, { calendar: 'lunar', month: 12, day: 30 }];
    for (let round = 0; round < 8; round++) {
      const order = round % 2 === 0 ? dates : [...dates].reverse();
      await Promise.all(order.map((birthday, i) => store.patchProfile('wm2', { birthday }, T0 + round * 10 + i)));
      const stored = (await store.get('wm2'))!.contact.profile.birthday!;
      const expected = `${stored.calendar === 'solar' ? 's' : 'l'}:${String(stored.month).padStart(2, '0')}${String(stored.day).padStart(2, '0')}`;
      expect(await filedUnder('wm2')).toEqual([expected]);
    }
  });

  it('backfills contacts stored before the index existed, once', async () => {
    for (const id of ['wm3', 'wm4', 'wmNo']) await store.upsertContact(contactRecord(id, T0));
    await store.patchProfile('wm3', { birthday: { calendar: 'solar', month: 6, day: 1 } }, T0);
    await store.patchProfile('wm4', { birthday: { calendar: 'lunar', month: 1, day: 1 } }, T0);
    await redis.del(keys.birthdayIndex('s', '0601'), keys.birthdayIndex('l', '0101'));
    expect(await filedUnder('wm3')).toEqual([]);
    expect(await index.backfillOnce()).toBe(2);
    expect(await filedUnder('wm3')).toEqual(['s:0601']);
    expect(await filedUnder('wm4')).toEqual(['l:0101']);
    await redis.del(keys.birthdayIndex('s', '0601'));
    expect(await index.backfillOnce()).toBe(0);
    expect(await filedUnder('wm3')).toEqual([]);
  });

  it('pages candidates across the asked sets, each once, with a stable cursor', async () => {
    const ids = ['wmA', 'wmB', 'wmC', 'wmD', 'wmE'];
    for (const [i, id] of ids.entries()) {
      await store.upsertContact(contactRecord(id, T0));
      await store.patchProfile(id, { birthday: i < 3 ? { calendar: 'solar', month: 2, day: 28 } : { calendar: 'solar', month: 2, day: 29 } }, T0);
    }
    const dates = [{ calendar: 'solar', month: 2, day: 28 }, { calendar: 'solar', month: 1, day: 1 }, { calendar: 'solar', month: 2, day: 29 }] as const;
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { ids: string[]; nextCursor: string | null } = await index.candidates(dates, cursor, 2);
      seen.push(...page.ids);
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null && pages < 10);
    expect(seen).toEqual(ids);
  });

  it('the planner greets a lunar birthday from the index on its 2026 day and on its 2027 day', async () => {
    await store.upsertContact(contactRecord('wmMoon', T0, { reps: ['zhangwei'] }));
    await store.saveTier('wmMoon', storedTier('C', T0), null);
    await store.patchProfile('wmMoon', { birthday: { calendar: 'lunar', month: 8, day: 15 } }, T0);
    const planner = new BirthdayPlanner({ index, records: store, occasions: testOccasions.occasions, timeZone: TZ });
    const noon = (y: number, m: number, d: number) => instantOf({ year: y, month: m, day: d }, 12 * 60, TZ);
    expect((await planner.page(noon(2026, 9, 25), null, 10)).items).toMatchObject([{ externalUserId: 'wmMoon', rep: 'zhangwei', tier: 'C', occasionKey: 'birthday:2026' }]);
    expect((await planner.page(noon(2027, 9, 15), null, 10)).items).toMatchObject([{ occasionKey: 'birthday:2027' }]);
    expect((await planner.page(noon(2027, 9, 25), null, 10)).items).toEqual([]);
  });
});
