import type { Birthday } from '../domain/contacts/contact.ts';

/** A cell's problem, said in Chinese and in English. */
export interface CellProblem {
  zh: string;
  en: string;
}

export type Parsed<T> = { value: T } | { problem: CellProblem };

const problem = (zh: string, en: string): { problem: CellProblem } => ({ problem: { zh, en } });

/** Longest text kept per field, in characters; a longer cell is a mistake (a pasted sheet, say). */
export const MAX_TEXT = 100;
export const MAX_NOTE = 2000;
export const MAX_INTERESTS = 50;

const LUNAR_PREFIX = /^(?:农历|阴历|lunar\s*:?)\s*/i;
/** 1990-08-15, 1990/8/15, 1990.8.15, 1990年8月15日, or without the year: 08-15, 8月15日. */
const DATE = /^(?:(\d{4})\s*[-/.年]\s*)?(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * A birthday: solar `YYYY-MM-DD` (or `MM-DD` when the year is unknown), or lunar with a
 * 农历/阴历 prefix or `lunar:` (`农历1990-08-15`, `lunar:08-15`). Lunar days go to 30;
 * leap lunar months (闰月) are not supported.
 */
export function parseBirthday(text: string, thisYear: number): Parsed<Birthday> {
  const lunar = LUNAR_PREFIX.test(text);
  const rest = text.replace(LUNAR_PREFIX, '').normalize('NFKC').trim();
  if (rest.includes('闰')) return problem('不支持闰月生日', 'leap lunar months are not supported');
  const m = DATE.exec(rest);
  if (!m) {
    return problem(
      `无法识别的日期“${text}”：公历写 1990-08-15，农历写 农历1990-08-15 或 lunar:08-15（用数字）`,
      `unrecognised date "${text}": solar as 1990-08-15, lunar as 农历1990-08-15 or lunar:08-15 (digits)`,
    );
  }
  const year = m[1] === undefined ? undefined : Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (year !== undefined && (year < 1900 || year > thisYear)) return problem(`年份 ${year} 不合理`, `year ${year} is out of range (1900–${thisYear})`);
  if (month < 1 || month > 12) return problem(`月份 ${month} 无效`, `month ${month} is not 1–12`);
  const maxDay = lunar ? 30 : year === undefined ? DAYS_IN_MONTH[month - 1]! : new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > maxDay) return problem(`${month} 月没有 ${day} 日`, `day ${day} does not exist in month ${month}${lunar ? ' (lunar days go to 30)' : ''}`);
  return { value: { calendar: lunar ? 'lunar' : 'solar', month, day, ...(year === undefined ? {} : { year }) } };
}

/** An age in whole years, `35` or `35岁`. */
export function parseAge(text: string): Parsed<number> {
  const m = /^(\d{1,3})\s*(?:岁|周岁)?$/.exec(text.normalize('NFKC'));
  const age = m ? Number(m[1]) : NaN;
  if (!Number.isInteger(age) || age > 150) return problem(`年龄“${text}”应为 0–150 的整数`, `age "${text}" must be a whole number 0–150`);
  return { value: age };
}

/** Interests separated by 、 ; ； , ， or line breaks; blanks and repeats dropped. */
export function parseInterests(text: string): Parsed<string[]> {
  const items = [...new Set(text.split(/[、;；,，\n]/).map((s) => s.trim()).filter((s) => s !== ''))];
  if (items.length > MAX_INTERESTS) return problem(`兴趣最多 ${MAX_INTERESTS} 项`, `at most ${MAX_INTERESTS} interests`);
  const long = items.find((s) => s.length > MAX_TEXT);
  if (long) return problem(`兴趣“${long.slice(0, 20)}…”过长`, `interest "${long.slice(0, 20)}…" is too long`);
  return { value: items };
}

/** Free text, kept as written (line breaks too, as \n), within `max` characters. */
export function parseText(raw: string, max: number): Parsed<string> {
  const text = raw.replace(/\r\n?/g, '\n');
  if (text.length > max) return problem(`内容过长（${text.length} 字，最多 ${max}）`, `too long (${text.length} characters, at most ${max})`);
  return { value: text };
}
