import { describe, expect, it, vi } from 'vitest';
import { storedRecord, storedTier, followRelation } from '../../../../tests/helpers/factories.ts';
import { testOccasions } from '../../../../tests/helpers/occasions.ts';
import { instantOf } from '../../followups/local-time.ts';
import type { ContactPage, ContactRecord } from '../../ports.ts';
import type { Tier } from '../../tiers/policy.ts';
import { HOLIDAY_CATCH_UP_DAYS, HolidayPlanner, holidayItemsFor, holidaysAround, holidaysOn } from './holiday.ts';
import type { OccasionSettings } from './greeting.ts';

const TZ = 'Asia/Shanghai';
const settings = testOccasions.occasions;
const at = (y: number, m: number, d: number, hh = 12, mm = 0) => instantOf({ year: y, month: m, day: d }, hh * 60 + mm, TZ);
const T0 = Date.UTC(2026, 0, 1);

function customer(id: string, tier: Tier | null, over: Parameters<typeof storedRecord>[3] = {}): ContactRecord {
  return storedRecord(id, T0, tier === null ? null : storedTier(tier, T0), { reps: ['zhangwei'], ...over });
}

/** ContactReads.list over an array, in pages of `limit`. */
function listOf(records: ContactRecord[]) {
  return vi.fn(async ({ cursor, limit }: { cursor?: string | null; limit: number }): Promise<ContactPage> => {
    const from = cursor ? Number(cursor) : 0;
    const next = from + limit < records.length ? String(from + limit) : null;
    return { records: records.slice(from, from + limit), nextCursor: next };
  });
}

describe('the holiday calendar as the planner sees it', () => {
  it('中秋 2026 is 25 September and 国庆 1 October, each keyed by its year, at the fixture\'s 09:30', () => {
    const [midAutumn] = holidaysOn({ year: 2026, month: 9, day: 25 }, settings, TZ);
    expect(midAutumn).toMatchObject({ id: 'midAutumn', name: '中秋', occasionKey: 'holiday:midAutumn:2026', enabled: true });
    expect(midAutumn!.notBefore).toBe(at(2026, 9, 25, 9, 30));
    expect(holidaysOn({ year: 2026, month: 10, day: 1 }, settings, TZ).map((o) => o.occasionKey)).toEqual(['holiday:nationalDay:2026']);
  });

  it('春节 2027 is 6 February (正月初一)', () => {
    expect(holidaysOn({ year: 2027, month: 2, day: 6 }, settings, TZ).map((o) => [o.name, o.occasionKey])).toEqual([['春节', 'holiday:springFestival:2027']]);
    expect(holidaysOn({ year: 2027, month: 2, day: 5 }, settings, TZ)).toEqual([]);
  });

  it(`offers an occasion for ${HOLIDAY_CATCH_UP_DAYS} days after its day, under the same key, and not after`, () => {
    const keys = (y: number, m: number, d: number) => holidaysAround(at(y, m, d), settings, TZ).map((o) => o.occasionKey);
    expect(keys(2026, 10, 3)).toEqual(['holiday:nationalDay:2026']);
    expect(keys(2026, 10, 4)).toEqual([]);
  });

  it('清明 is a remembrance day, off by default', () => {
    const [qingming] = holidaysOn({ year: 2026, month: 4, day: 5 }, settings, TZ);
    expect(qingming).toMatchObject({ name: '清明', remembrance: true, enabled: false });
  });

  it('a custom lunar date late in 冬月 falls twice in 2026: two keys, and a catch-up over New Year keeps the old year\'s', () => {
    const withCustom: OccasionSettings = {
      ...settings,
      custom: [{ id: 'shopDay', name: '店庆', enabled: true, at: 600, date: { calendar: 'lunar', month: 11, day: 15 }, texts: settings.birthday.texts }],
    };
    expect(holidaysOn({ year: 2026, month: 1, day: 3 }, withCustom, TZ).map((o) => o.occasionKey)).toEqual(['holiday:shopDay:2026']);
    expect(holidaysOn({ year: 2026, month: 12, day: 23 }, withCustom, TZ).map((o) => o.occasionKey)).toEqual(['holiday:shopDay:2026-2']);
    const solarEve: OccasionSettings = { ...withCustom, custom: [{ ...withCustom.custom[0]!, date: { calendar: 'solar', month: 12, day: 31 } }] };
    expect(holidaysAround(at(2027, 1, 2), solarEve, TZ).map((o) => o.occasionKey)).toEqual(['holiday:newYear:2027', 'holiday:shopDay:2026']);
  });
});

describe('holidayItemsFor: one customer on 中秋 2026', () => {
  const window = holidaysAround(at(2026, 9, 25, 10), settings, TZ);

  it('A: the text names them by the rep\'s remark, else their WeCom name; B/C/D: the tier\'s text, naming nobody', () => {
    const remarked = customer('wmA1', 'A', { name: '王芳', follows: [followRelation('zhangwei', T0, { remark: '王姐' })] });
    const [item] = holidayItemsFor(remarked, window, at(2026, 9, 25, 10)).items;
    expect(item).toEqual({
      kind: 'holiday', occasionKey: 'holiday:midAutumn:2026', externalUserId: 'wmA1', rep: 'zhangwei', tier: 'A',
      text: '王姐，中秋团圆！', notBefore: at(2026, 9, 25, 9, 30), label: '中秋',
    });
    expect(holidayItemsFor(customer('wmA2', 'A', { name: '李雷' }), window, at(2026, 9, 25, 10)).items[0]!.text).toBe('李雷，中秋团圆！');
    for (const tier of ['B', 'C', 'D'] as const) {
      expect(holidayItemsFor(customer(`wm${tier}`, tier, { name: '李雷' }), window, at(2026, 9, 25, 10)).items[0]!.text).toBe('中秋团圆！');
    }
  });

  it('before the hour: not_yet; without a tier: no_tier; left: customer_left; no active relation: no_rep', () => {
    expect(holidayItemsFor(customer('wm1', 'B'), window, at(2026, 9, 25, 9, 29))).toEqual({ items: [], skipped: ['not_yet'] });
    expect(holidayItemsFor(customer('wm2', null), window, at(2026, 9, 25, 10)).skipped).toEqual(['no_tier']);
    const left = storedRecord('wm3', T0, storedTier('B', T0), {}, { engagement: { ...customer('x', 'B').engagement, customerLeft: true } });
    expect(holidayItemsFor(left, window, at(2026, 9, 25, 10)).skipped).toEqual(['customer_left']);
    const removed = customer('wm4', 'B', { follows: [followRelation('zhangwei', T0, { status: 'removed_by_rep' })] });
    expect(holidayItemsFor(removed, window, at(2026, 9, 25, 10)).skipped).toEqual(['no_rep']);
  });

  it('sends from the rep whose relation is the most recent', () => {
    const two = customer('wm5', 'C', { follows: [followRelation('zhangwei', T0), followRelation('lina', T0 + 1000)] });
    expect(holidayItemsFor(two, window, at(2026, 9, 25, 10)).items[0]!.rep).toBe('lina');
  });
});

describe('HolidayPlanner', () => {
  const records = [customer('wm1', 'A'), customer('wm2', 'B'), customer('wm3', null), customer('wm4', 'D'), customer('wm5', 'C')];

  it('pages every stored contact on 春节 2027, counting who is skipped and why', async () => {
    const list = listOf(records);
    const planner = new HolidayPlanner({ contacts: { list }, occasions: settings, timeZone: TZ });
    const now = at(2027, 2, 6, 9, 30);
    const first = await planner.page(now, null, 3);
    expect(first.items.map((i) => [i.externalUserId, i.tier, i.occasionKey])).toEqual([['wm1', 'A', 'holiday:springFestival:2027'], ['wm2', 'B', 'holiday:springFestival:2027']]);
    expect(first.skipped).toEqual({ no_tier: 1 });
    const second = await planner.page(now, first.nextCursor, 3);
    expect(second.items.map((i) => i.externalUserId)).toEqual(['wm4', 'wm5']);
    expect(second.nextCursor).toBeNull();
  });

  it('reads no contact on a day without an enabled occasion, or before its hour (清明 2026, 中秋 at 09:00)', async () => {
    const list = listOf(records);
    const planner = new HolidayPlanner({ contacts: { list }, occasions: settings, timeZone: TZ });
    for (const now of [at(2026, 4, 5), at(2026, 9, 25, 9, 0), at(2026, 6, 1)]) {
      expect(await planner.page(now, null, 10)).toEqual({ items: [], skipped: {}, nextCursor: null });
    }
    expect(list).not.toHaveBeenCalled();
  });

  it('dueOn: on the festival\'s day at any hour, for a customer who can get it; not on catch-up days', () => {
    const planner = new HolidayPlanner({ contacts: { list: listOf([]) }, occasions: settings, timeZone: TZ });
    expect(planner.dueOn(customer('wm1', 'B'), at(2026, 9, 25, 0, 1))).toBe(true);
    expect(planner.dueOn(customer('wm1', null), at(2026, 9, 25, 10))).toBe(false);
    expect(planner.dueOn(customer('wm1', 'B'), at(2026, 9, 26, 10))).toBe(false);
    expect(planner.dueOn(customer('wm1', 'B'), at(2026, 4, 5, 10))).toBe(false);
  });

  it('stillDue: not when the rep or the tier changed since planning', async () => {
    const planner = new HolidayPlanner({ contacts: { list: listOf([customer('wm1', 'B')]) }, occasions: settings, timeZone: TZ });
    const now = at(2026, 10, 1, 10);
    const [item] = (await planner.page(now, null, 10)).items;
    expect(planner.stillDue(customer('wm1', 'B'), item!, now)).toBe(true);
    expect(planner.stillDue(customer('wm1', 'C'), item!, now)).toBe(false);
    expect(planner.stillDue(customer('wm1', 'B', { reps: ['lina'] }), item!, now)).toBe(false);
  });

  it('hands the records of its items to the pipeline, so they are not read twice', async () => {
    const planner = new HolidayPlanner({ contacts: { list: listOf(records) }, occasions: settings, timeZone: TZ });
    const page = await planner.page(at(2026, 10, 1, 10), null, 10);
    expect([...page.records!.keys()]).toEqual(page.items.map((i) => i.externalUserId));
    expect(page.records!.get('wm2')).toBe(records[1]);
  });

  it('passKey: one pass per local day and due occasions; none before the hour or on a plain day', () => {
    const planner = new HolidayPlanner({ contacts: { list: listOf([]) }, occasions: settings, timeZone: TZ });
    expect(planner.passKey(at(2026, 10, 1, 9, 31))).toBe('holiday:2026-10-01:holiday:nationalDay:2026');
    expect(planner.passKey(at(2026, 10, 1, 23, 59))).toBe(planner.passKey(at(2026, 10, 1, 9, 31)));
    // A catch-up day is a pass of its own: who could not be greeted yesterday is read again.
    expect(planner.passKey(at(2026, 10, 2, 10))).toBe('holiday:2026-10-02:holiday:nationalDay:2026');
    expect(planner.passKey(at(2026, 10, 1, 9, 0))).toBeNull();
    expect(planner.passKey(at(2026, 6, 1))).toBeNull();
  });
});
