import { z } from 'zod';
import { nearestName } from '../../shared/nearest-name.ts';
import { FOLLOW_UP_TEXT_MAX_BYTES, timeOfDay } from '../followups/policy.ts';
import { FESTIVAL_IDS, type FestivalId } from './festivals.ts';

/**
 * Occasions as data (config/occasions.jsonc): per festival, custom date, birthday and
 * after-sale step, whether it is on, when on the day it goes out and the text per tier;
 * and the welcome message by channel. Shape and validation only: planners read it.
 */

const PLACEHOLDERS = ['name'];
const bytes = (s: string) => new TextEncoder().encode(s).length;

/** A zh-CN message: not blank, within WeCom's limit; `{name}` only where one customer reads it. */
const message = (mayName: boolean) =>
  z.string().superRefine((text, ctx) => {
    if (text.trim() === '') ctx.addIssue({ code: 'custom', message: 'must not be empty' });
    if (bytes(text) > FOLLOW_UP_TEXT_MAX_BYTES) {
      ctx.addIssue({ code: 'custom', message: `must be at most ${FOLLOW_UP_TEXT_MAX_BYTES} bytes (UTF-8), got ${bytes(text)}` });
    }
    for (const [, key] of text.matchAll(/\{([^{}]*)\}/g)) {
      if (!PLACEHOLDERS.includes(key!)) {
        const near = nearestName(key!, PLACEHOLDERS);
        ctx.addIssue({ code: 'custom', message: `has an unknown placeholder {${key}}${near ? `; did you mean {${near}}?` : ' (known: {name})'}` });
      } else if (!mayName) {
        ctx.addIssue({ code: 'custom', message: 'cannot use {name}: B/C/D texts go out as one 企业群发 to many customers; only A may name the customer' });
      }
    }
  });

/** A: the rep's personal list (may name the customer); B/C/D: one 群发 text for everyone. */
const tierTexts = z.strictObject({ A: message(true), B: message(false), C: message(false), D: message(false) });

export type TierTexts = z.infer<typeof tierTexts>;

/** The minute of the day (FENJI_TIMEZONE) a greeting goes out on the day itself; default 09:30. */
const at = timeOfDay.prefault('09:30');

const greeting = (enabled: boolean) => z.strictObject({ enabled: z.boolean().default(enabled), at, texts: tierTexts });

export type Greeting = z.infer<ReturnType<typeof greeting>>;

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A yearly date: solar (29 Feb allowed) or lunar (day 1-30). */
const yearlyDate = z
  .strictObject({ calendar: z.enum(['solar', 'lunar']), month: z.number().int().min(1).max(12), day: z.number().int().min(1) })
  .superRefine((d, ctx) => {
    const max = d.calendar === 'lunar' ? 30 : DAYS_IN_MONTH[d.month - 1]!;
    if (d.day <= max) return;
    const message = d.calendar === 'lunar' ? 'must be 1 to 30 for a lunar date' : `${d.month} 月没有 ${d.day} 日 (month ${d.month} has ${max} days)`;
    ctx.addIssue({ code: 'custom', path: ['day'], message });
  });

const customDate = greeting(true).extend({
  id: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,39}$/, 'must be 1-40 letters, digits, "_" or "-", starting with a letter'),
  name: z.string().trim().min(1, 'must not be empty').max(20, 'must be at most 20 characters'),
  date: yearlyDate,
});

export type CustomOccasion = z.infer<typeof customDate>;

const holidays = z.strictObject(
  Object.fromEntries(FESTIVAL_IDS.map((id) => [id, greeting(id !== 'qingming')])) as Record<FestivalId, ReturnType<typeof greeting>>,
);

const afterSaleStep = z.strictObject({
  afterDays: z.number().int('must be a whole number of days').min(1).max(365),
  text: message(false),
  /** Replaces `text` for orders of this product (the order's `product`). */
  byProduct: z.record(z.string().min(1), message(false)).optional(),
});

/** WeCom's limit on a 「联系我」 State. */
const STATE_MAX = 30;

const welcome = z.strictObject({
  default: message(false),
  byState: z.record(z.string(), message(false)).default({}).superRefine((states, ctx) => {
    for (const state of Object.keys(states)) {
      if (state.length === 0 || state.length > STATE_MAX) {
        ctx.addIssue({ code: 'custom', path: [state], message: `must be a State of at most ${STATE_MAX} characters (WeCom's limit)` });
      }
    }
  }),
});

export const occasionPolicySchema = z.strictObject({
  holidays,
  custom: z.array(customDate).default([]).superRefine((dates, ctx) => {
    const taken = new Set<string>([...FESTIVAL_IDS, 'birthday']);
    dates.forEach((d, i) => {
      if (taken.has(d.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `"${d.id}" is taken (a festival, birthday, or another custom date)` });
      taken.add(d.id);
    });
  }),
  birthday: greeting(true),
  afterSale: z.strictObject({
    enabled: z.boolean().default(true),
    at,
    steps: z.array(afterSaleStep).superRefine((steps, ctx) => {
      const seen = new Set<number>();
      steps.forEach((s, i) => {
        if (seen.has(s.afterDays)) ctx.addIssue({ code: 'custom', path: [i, 'afterDays'], message: `${s.afterDays} is listed twice` });
        seen.add(s.afterDays);
      });
    }),
  }),
  welcome,
  /** The official days overlay file, relative to the occasions file. */
  officialDaysOverlay: z.string().min(1).default('holidays-overlay.jsonc'),
});

export type OccasionPolicy = z.infer<typeof occasionPolicySchema>;

const isoDate = z.string().refine((s) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}, 'must be a date as "YYYY-MM-DD"');

/** config/holidays-overlay.jsonc: per year, the State Council notice's holidays. */
export const officialDaysOverlaySchema = z.record(
  z.string().regex(/^\d{4}$/, 'must be a year as "YYYY"'),
  z.array(z.strictObject({
    name: z.string().trim().min(1, 'must not be empty'),
    off: z.tuple([isoDate, isoDate]).refine(([from, to]) => from <= to, { message: 'must be ["first", "last"] with first ≤ last', when: (p) => p.issues.length === 0 }),
    workdays: z.array(isoDate).default([]),
  })),
);
