import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { RedisContactStore } from '../../src/adapters/redis/redis-contact-store.ts';
import type { Contact } from '../../src/domain/contacts/contact.ts';
import { importProfiles } from '../../src/import/import-profiles.ts';
import { connectTestRedis, deleteByPrefix, uniquePrefix } from '../helpers/redis.ts';
import { contactRecord } from '../helpers/factories.ts';

const T0 = Date.UTC(2025, 10, 3, 2);
const deps = (store: RedisContactStore) => ({ store, now: T0, timeZone: 'Asia/Shanghai' });
const utf8 = (text: string) => new TextEncoder().encode(text);

function contact(id: string): Contact {
  return contactRecord(id, T0 - 1000, { reps: ['zhangwei'], profile: { region: '上海' } });
}

describe('CSV import of profile fields into the real store', () => {
  let redis: Redis;
  let prefix: string;
  let store: RedisContactStore;

  beforeEach(async () => {
    redis = connectTestRedis();
    prefix = uniquePrefix('import');
    store = new RedisContactStore({ redis, keys: new RedisKeys(prefix) });
    for (const id of ['wmA', 'wmB', 'wmC']) await store.upsertContact(contact(id));
  });

  afterEach(async () => {
    await deleteByPrefix(redis, prefix);
    redis.disconnect();
  });

  it('applies a good file (BOM, Chinese headers, a quoted multi-line note, a lunar birthday), leaving empty cells alone', async () => {
    const csv = '\uFEFF客户ID,姓名,生日,年龄,兴趣,备注\r\nwmA,李娜,农历08-15,36,茶、摄影,"爱喝龙井\r\n周末打球"\r\nwmB,王芳,1990-02-03,,,\r\n';
    expect(await importProfiles(deps(store), utf8(csv))).toEqual({ ok: true, applied: 2, ignoredColumns: [] });

    expect((await store.get('wmA'))?.contact.profile).toEqual({
      region: '上海', birthday: { calendar: 'lunar', month: 8, day: 15 }, age: 36, interests: ['茶', '摄影'], note: '爱喝龙井\n周末打球',
    });
    expect((await store.get('wmB'))?.contact.profile).toEqual({ region: '上海', birthday: { calendar: 'solar', year: 1990, month: 2, day: 3 } });
  });

  it('writes nothing when one row is broken, and reports that row and column', async () => {
    const csv = 'external_userid,birthday,region\nwmA,1990-01-01,北京\nwmB,1990-02-30,广州\nwmC,,深圳\n';
    const outcome = await importProfiles(deps(store), utf8(csv));

    expect(outcome).toMatchObject({ ok: false, problems: [{ row: 3, column: '生日 birthday', zh: '2 月没有 30 日' }] });
    for (const id of ['wmA', 'wmB', 'wmC']) expect((await store.get(id))?.contact.profile).toEqual({ region: '上海' });
  });

  it('treats an external_userid Fenji does not know as a row error, writing nothing', async () => {
    const outcome = await importProfiles(deps(store), utf8('客户ID,地区\nwmA,北京\nwmNobody,广州\n'));

    expect(outcome).toMatchObject({ ok: false, problems: [{ row: 3, column: '客户ID external_userid', en: expect.stringContaining('no contact "wmNobody"') }] });
    expect((await store.get('wmA'))?.contact.profile).toEqual({ region: '上海' });
    expect(await store.get('wmNobody')).toBeNull();
  });
});
