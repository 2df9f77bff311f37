import { addDays, instantOf, localDateOf, type LocalDate } from '../followups/local-time.ts';

/**
 * WeCom's rule for how many 企业群发 messages one customer may receive, as the corp's admin
 * sets it (群发助手 → 设置群发规则; docs/wecom/api.md, 'Mass messages'): by default as many a
 * calendar month as the month has days, or 7 a week (Monday to Sunday), or 1 a day.
 * Fenji mirrors it (FENJI_GROUPMSG_RULE) so it never plans what WeCom would refuse (status 3).
 */
export const GROUP_MSG_RULES = ['month', 'week', 'day'] as const;
export type GroupMsgRule = (typeof GROUP_MSG_RULES)[number];

/** WeCom counts in China's wall-clock time, whatever FENJI_TIMEZONE says. */
const WECOM_TIME_ZONE = 'Asia/Shanghai';

/** One counting period: its id (its first day), when it ends (ms) and how many messages fit. */
export interface ReceivePeriod {
  id: string;
  end: number;
  cap: number;
}

/** "2026-09-25". */
export function isoDate(date: LocalDate): string {
  return `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

/** The period of `rule` containing the instant `at`. */
export function receivePeriod(rule: GroupMsgRule, at: number): ReceivePeriod {
  const today = localDateOf(at, WECOM_TIME_ZONE);
  let first: LocalDate;
  let days: number;
  if (rule === 'day') {
    first = today;
    days = 1;
  } else if (rule === 'week') {
    const weekday = new Date(Date.UTC(today.year, today.month - 1, today.day)).getUTCDay();
    first = addDays(today, -((weekday + 6) % 7));
    days = 7;
  } else {
    first = { year: today.year, month: today.month, day: 1 };
    days = new Date(Date.UTC(today.year, today.month, 0)).getUTCDate();
  }
  const end = instantOf(addDays(first, days), 0, WECOM_TIME_ZONE);
  return { id: `${rule}:${isoDate(first)}`, end, cap: rule === 'month' ? days : rule === 'week' ? 7 : 1 };
}
