import { describe, expect, it } from 'vitest';
import { storedRecord, storedTier } from '../../../../tests/helpers/factories.ts';
import { testOccasions } from '../../../../tests/helpers/occasions.ts';
import type { Birthday } from '../../contacts/contact.ts';
import type { YearlyDate } from '../../calendar/lunar.ts';
import { instantOf } from '../../followups/local-time.ts';
import type { ContactRecord } from '../../ports.ts';
import type { OutreachItem } from '../outreach.ts';
import { BIRTHDAY_CATCH_UP_DAYS, BirthdayPlanner, birthdayItemFor } from './birthday.ts';
import { daysBack } from './greeting.ts';
import type { BirthdayIndex } from './ports.ts';

const TZ = 'Asia/Shanghai';
const settings = testOccasions.occasions;
const T0 = Date.UTC(2025, 0, 1);
const at = (y: number, m: number, d: number, hh = 12) => instantOf({ year: y, month: m, day: d }, hh * 60, TZ);

function born(id: string, birthday: Birthday | undefined, tier: 'A' | 'B' = 'B'): ContactRecord {
  return storedRecord(id, T0, storedTier(tier, T0), { name: `客户${id}`, profile: birthday ? { birthday } : {} });
}

/** The greeting for `record` at `now` (noon by default), or why none. */
const itemAt = (record: ContactRecord, now: number) => birthdayItemFor(record, daysBack(now, TZ, BIRTHDAY_CATCH_UP_DAYS), settings.birthday, now, TZ);
const keyOn = (b: Birthday, y: number, m: number, d: number) => {
  const item = itemAt(born('wm1', b), at(y, m, d));
  return typeof item === 'string' ? item : item.occasionKey;
};

/** The index's sets in memory: every candidate in one page. */
function memoryIndex(records: ContactRecord[]): BirthdayIndex & { asked: YearlyDate[][] } {
  const asked: YearlyDate[][] = [];
  const name = (d: YearlyDate) => `${d.calendar}:${d.month}-${d.day}`;
  return {
    asked,
    backfillOnce: async () => 0,
    candidates: async (dates) => {
      asked.push([...dates]);
      const wanted = new Set(dates.map(name));
      const ids = records.filter((r) => r.contact.profile.birthday && wanted.has(name(r.contact.profile.birthday))).map((r) => r.contact.externalUserId);
      return { ids, nextCursor: null };
    },
  };
}

describe('birthdayItemFor: the day, the key, the text', () => {
  it('a lunar birthday moves between years: 八月十五 is 2026-09-25 and 2027-09-15, keyed by each year', () => {
    const b: Birthday = { calendar: 'lunar', month: 8, day: 15, year: 1988 };
    expect(keyOn(b, 2026, 9, 25)).toBe('birthday:2026');
    expect(keyOn(b, 2027, 9, 15)).toBe('birthday:2027');
    expect(keyOn(b, 2027, 9, 25)).toBe('not_today');
  });

  it('冬月十五 falls twice in 2026 (01-03 and 12-23): two keys, each kept through its catch-up days, none after', () => {
    const b: Birthday = { calendar: 'lunar', month: 11, day: 15 };
    expect([keyOn(b, 2026, 1, 3), keyOn(b, 2026, 1, 5), keyOn(b, 2026, 1, 6)]).toEqual(['birthday:2026', 'birthday:2026', 'not_today']);
    expect([keyOn(b, 2026, 12, 23), keyOn(b, 2026, 12, 25)]).toEqual(['birthday:2026-2', 'birthday:2026-2']);
  });

  it('a catch-up over New Year keeps the birthday\'s year', () => {
    expect(keyOn({ calendar: 'solar', month: 12, day: 31 }, 2027, 1, 2)).toBe('birthday:2026');
  });

  it('29 Feb is greeted on 28 Feb in a common year and on 29 Feb in a leap year, once each', () => {
    const b: Birthday = { calendar: 'solar', month: 2, day: 29 };
    expect(itemAt(born('wm1', b), at(2027, 2, 28))).toMatchObject({ occasionKey: 'birthday:2027', notBefore: instantOf({ year: 2027, month: 2, day: 28 }, 9 * 60 + 30, TZ) });
    expect(keyOn(b, 2028, 2, 28)).toBe('not_today');
    expect(keyOn(b, 2028, 2, 29)).toBe('birthday:2028');
    // On 1 March 2028 it is a catch-up of the 29th, not a second one from the 28th.
    expect(keyOn(b, 2028, 3, 1)).toBe('birthday:2028');
  });

  it('a leap month counts as its month (2025 闰六月: 六月初十 is 07-04, not 08-03); the 30th of a 29-day month is its 29th', () => {
    expect(keyOn({ calendar: 'lunar', month: 6, day: 10 }, 2025, 7, 4)).toBe('birthday:2025');
    expect(keyOn({ calendar: 'lunar', month: 6, day: 10 }, 2025, 8, 3)).toBe('not_today');
    expect(keyOn({ calendar: 'lunar', month: 2, day: 30 }, 2026, 4, 16)).toBe('birthday:2026');
  });

  it('A is named, B is not; before the hour not_yet; untiered no_tier', () => {
    const b: Birthday = { calendar: 'solar', month: 6, day: 1 };
    expect((itemAt(born('wm1', b, 'A'), at(2026, 6, 1)) as OutreachItem).text).toBe('客户wm1，生日快乐！');
    expect(itemAt(born('wm2', b), at(2026, 6, 1))).toMatchObject({ kind: 'birthday', label: '生日', text: '生日快乐！', rep: 'rep1', tier: 'B' });
    expect(itemAt(born('wm3', b), at(2026, 6, 1, 9))).toBe('not_yet');
    expect(itemAt(storedRecord('wm4', T0, null, { profile: { birthday: b } }), at(2026, 6, 1))).toBe('no_tier');
  });
});

describe('BirthdayPlanner', () => {
  const feb29: Birthday = { calendar: 'solar', month: 2, day: 29 };
  const lunar: Birthday = { calendar: 'lunar', month: 1, day: 11 };
  const records = [born('wmLeap', feb29), born('wmLunar', lunar), born('wmNone', undefined), born('wmOther', { calendar: 'solar', month: 3, day: 3 })];

  it('asks the index for the month-days that fall on today and the catch-up days, and plans from the records', async () => {
    const index = memoryIndex(records);
    const planner = new BirthdayPlanner({ index, records: { getMany: async (ids) => records.filter((r) => ids.includes(r.contact.externalUserId)) }, occasions: settings, timeZone: TZ });
    // 2027-02-28: 29 Feb's birthday in a common year; 2027-02-16 is 正月十一 (春节 is 02-06).
    const page = await planner.page(at(2027, 2, 28), null, 100);
    expect(page.items.map((i) => [i.externalUserId, i.occasionKey])).toEqual([['wmLeap', 'birthday:2027']]);
    expect(index.asked[0]).toContainEqual({ calendar: 'solar', month: 2, day: 29 });
    expect(index.asked[0]).toContainEqual({ calendar: 'solar', month: 2, day: 26 });
    expect(index.asked[0]).not.toContainEqual({ calendar: 'solar', month: 2, day: 25 });
    const lunarDay = await planner.page(at(2027, 2, 16), null, 100);
    expect(lunarDay.items.map((i) => i.externalUserId)).toEqual(['wmLunar']);
  });

  it('reads nothing when birthdays are off', async () => {
    const index = memoryIndex(records);
    const off = { ...settings, birthday: { ...settings.birthday, enabled: false } };
    const planner = new BirthdayPlanner({ index, records: { getMany: async () => records }, occasions: off, timeZone: TZ });
    expect(await planner.page(at(2027, 2, 28), null, 100)).toEqual({ items: [], skipped: {}, nextCursor: null });
    expect(index.asked).toEqual([]);
    expect(planner.dueOn(records[0]!, at(2027, 2, 28))).toBe(false);
  });

  it('dueOn: the birthday itself at any hour, not its catch-up days; stillDue: not once the profile says another day', () => {
    const planner = new BirthdayPlanner({ index: memoryIndex([]), records: { getMany: async () => [] }, occasions: settings, timeZone: TZ });
    expect(planner.dueOn(born('wm1', feb29), at(2027, 2, 28, 0))).toBe(true);
    expect(planner.dueOn(born('wm1', feb29), at(2027, 3, 1))).toBe(false);
    const item = itemAt(born('wm1', feb29), at(2027, 3, 1)) as OutreachItem;
    expect(planner.stillDue(born('wm1', feb29), item, at(2027, 3, 1))).toBe(true);
    expect(planner.stillDue(born('wm1', { calendar: 'solar', month: 5, day: 5 }), item, at(2027, 3, 1))).toBe(false);
    expect(planner.stillDue(born('wm1', feb29, 'A'), item, at(2027, 3, 1))).toBe(false);
  });
});
