import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { greetingPlanners } from '../../src/adapters/redis/greeting-planners.ts';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { RedisContactStore } from '../../src/adapters/redis/redis-contact-store.ts';
import { renderPreview } from '../../src/cli/preview-report.ts';
import type { LocalDate } from '../../src/domain/followups/local-time.ts';
import { instantOf } from '../../src/domain/followups/local-time.ts';
import type { OutreachGuardCheck } from '../../src/domain/outreach/outreach.ts';
import { previewDay, type DayPreview } from '../../src/domain/outreach/preview.ts';
import { contactRecord, followRelation, storedTier } from '../helpers/factories.ts';
import { testOccasions } from '../helpers/occasions.ts';
import { connectTestRedis, deleteByPrefix, uniquePrefix } from '../helpers/redis.ts';
import { snapshotPrefix } from '../helpers/redis-snapshot.ts';

const TZ = 'Asia/Shanghai';
const T0 = Date.UTC(2026, 0, 5, 2);

describe('the day preview (real Redis, read only)', () => {
  let redis: Redis;
  let prefix: string;
  let keys: RedisKeys;
  let store: RedisContactStore;

  beforeEach(() => {
    redis = connectTestRedis();
    prefix = uniquePrefix('preview');
    keys = new RedisKeys(prefix);
    store = new RedisContactStore({ redis, keys });
  });

  afterEach(async () => {
    await deleteByPrefix(redis, prefix);
    redis.disconnect();
  });

  async function preview(date: LocalDate, guard?: OutreachGuardCheck): Promise<{ day: DayPreview; text: string }> {
    const { occasions, official } = testOccasions;
    const planners = greetingPlanners({ redis, keys, store, occasions, timeZone: TZ });
    const day = await previewDay({ planners, records: store, occasions, official, timeZone: TZ, ...(guard ? { guard } : {}) }, { date });
    return { day, text: renderPreview(day, { limit: 5, timeZone: TZ }).join('\n') };
  }

  it('on an empty store prints the day\'s occasions: 春节 2027 (no official data for 2027 yet), 清明 not greeted, a 调休 working day', async () => {
    const spring = await preview({ year: 2027, month: 2, day: 6 });
    expect(spring.text).toContain('Fenji 预览 2027-02-06 星期六（Asia/Shanghai）');
    expect(spring.text).toContain('节日：春节 · 09:30 发送问候');
    expect(spring.text).toContain('2027 年的放假安排尚未收录');
    expect(spring.day.kinds.map((k) => [k.kind, k.occasions.length])).toEqual([['birthday', 0], ['holiday', 0], ['aftersale', 0]]);
    expect((await preview({ year: 2026, month: 4, day: 5 })).text).toContain('节日：清明 · 不发送（纪念日，默认不问候）');
    expect((await preview({ year: 2026, month: 9, day: 20 })).text).toContain('法定安排：调休上班日（国庆节调休）');
    const national = await preview({ year: 2026, month: 10, day: 1 });
    expect(national.text).toContain('法定安排：国庆节假期，放假');
    expect(national.text).toContain('节日：国庆 · 09:30 发送问候');
    expect(await snapshotPrefix(redis, prefix)).toEqual({});
  });

  it('国庆 2026: recipients by rep and tier, a birthday first (the holiday gives way), skips counted; nothing written', async () => {
    const add = async (id: string, name: string, tier: 'A' | 'B' | null, over: Parameters<typeof contactRecord>[2] = {}) => {
      await store.upsertContact(contactRecord(id, T0, { name, ...over }));
      if (tier) await store.saveTier(id, storedTier(tier, T0), null);
    };
    await add('wmA', '王芳', 'A', { follows: [followRelation('zhangwei', T0, { remark: '王姐' })] });
    await add('wmB1', '李雷', 'B', { reps: ['zhangwei'] });
    await add('wmB2', '韩梅梅', 'B', { reps: ['lina'] });
    await add('wmBirthday', '赵六', 'B', { reps: ['lina'] });
    await store.patchProfile('wmBirthday', { birthday: { calendar: 'solar', month: 10, day: 1 } }, T0);
    await add('wmNoTier', '孙七', null);
    await add('wmChurned', '周八', 'B');
    await store.saveTier('wmChurned', storedTier('D', T0, { lifecycle: 'churned' }), null);
    await store.addOrder({ orderId: 'SO-1', externalUserId: 'wmB1', amount: 99, paidAt: instantOf({ year: 2026, month: 9, day: 30 }, 15 * 60, TZ) });
    const before = await snapshotPrefix(redis, prefix);

    const { day, text } = await preview({ year: 2026, month: 10, day: 1 });
    const [birthday, holiday, afterSale] = day.kinds;
    expect(birthday!.occasions).toMatchObject([{ label: '生日', groups: [{ rep: 'lina', tier: 'B', items: [{ externalUserId: 'wmBirthday' }] }] }]);
    const national = holiday!.occasions.find((o) => o.label === '国庆')!;
    expect(national.groups.map((g) => [g.rep, g.tier, g.items.map((i) => i.externalUserId)])).toEqual([
      ['lina', 'B', ['wmB2']],
      ['zhangwei', 'A', ['wmA']],
      ['zhangwei', 'B', ['wmB1']],
    ]);
    expect(national.groups[1]!.items[0]!.text).toBe('王姐，国庆快乐！');
    expect(national.skipped).toEqual({ gave_way: 1, churned: 1 });
    expect(holiday!.skipped).toEqual({ no_tier: 1 });
    // wmB1's care step (day 1) is due too, but gives way to the 国庆 greeting (it waits a day).
    expect(afterSale!.occasions).toMatchObject([{ label: '售后回访（第 1 天）', groups: [], skipped: { gave_way: 1 } }]);
    expect(text).toContain('    zhangwei · A 类 1 人 · 个人清单（应用消息发给销售，逐一发送）');
    expect(text).toContain('      - 王芳（wmA）：王姐，国庆快乐！');
    expect(text).toContain('    lina · B 类 1 人 · 企业群发「国庆快乐！」');
    expect(text).toContain('跳过：让位给更优先的消息（顺延到次日） 1，已流失 1');
    expect(text).toContain('注：未核对发送记录');
    expect(await snapshotPrefix(redis, prefix)).toEqual(before);
  });

  it('takes the ledger\'s verdicts when a guard check is given, and the next day shows the catch-up', async () => {
    await store.upsertContact(contactRecord('wm1', T0, { reps: ['zhangwei'] }));
    await store.saveTier('wm1', storedTier('C', T0), null);
    await store.upsertContact(contactRecord('wm2', T0, { reps: ['zhangwei'] }));
    await store.saveTier('wm2', storedTier('C', T0), null);
    const sent: OutreachGuardCheck = { check: async (items) => items.map((i) => (i.externalUserId === 'wm1' ? 'already_sent' : 'ok')) };
    const { day, text } = await preview({ year: 2026, month: 10, day: 2 }, sent);
    const [occasion] = day.kinds.find((k) => k.kind === 'holiday')!.occasions;
    expect(occasion).toMatchObject({ label: '国庆', catchUpOf: { year: 2026, month: 10, day: 1 }, skipped: { already_sent: 1 } });
    expect(occasion!.groups.flatMap((g) => g.items.map((i) => i.externalUserId))).toEqual(['wm2']);
    expect(text).toContain('国庆（2026-10-01 的补发）：发送 1 人');
    expect(text).not.toContain('注：未核对发送记录');
  });
});
