import type { MsgTemplate } from './types.ts';

/**
 * The rule a corp's admin picks for how many 企业群发 messages one customer may receive
 * (群发助手 → 设置群发规则; docs/wecom/api.md, 'Sandbox fidelity'): by default as many per
 * calendar month as the month has days, or 7 per week, or 1 per day.
 */
export type GroupMsgRule = 'month' | 'week' | 'day';
export const GROUP_MSG_RULES: readonly GroupMsgRule[] = ['month', 'week', 'day'];

/** WeCom counts in China's wall-clock time (UTC+8, no daylight saving), whatever the server's zone. */
const BEIJING_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

/** One counting period: [start, end) in ms since the epoch, and how many messages fit in it. */
export interface ReceivePeriod {
  start: number;
  end: number;
  cap: number;
}

/** The period of `rule` that contains the instant `at` (weeks run Monday to Sunday). */
export function receivePeriod(rule: GroupMsgRule, at: number): ReceivePeriod {
  const local = new Date(at + BEIJING_OFFSET_MS);
  const [y, m, d] = [local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()];
  if (rule === 'day') {
    const start = Date.UTC(y, m, d) - BEIJING_OFFSET_MS;
    return { start, end: start + DAY_MS, cap: 1 };
  }
  if (rule === 'week') {
    const sinceMonday = (local.getUTCDay() + 6) % 7;
    const start = Date.UTC(y, m, d - sinceMonday) - BEIJING_OFFSET_MS;
    return { start, end: start + 7 * DAY_MS, cap: 7 };
  }
  const start = Date.UTC(y, m, 1) - BEIJING_OFFSET_MS;
  const end = Date.UTC(y, m + 1, 1) - BEIJING_OFFSET_MS;
  return { start, end, cap: Math.round((end - start) / DAY_MS) };
}

/**
 * What each customer received by mass message (status 1 only: a refused or undelivered
 * one is not received) and the rule that caps it. The times are derived from the tasks,
 * so a restored corp rebuilds them instead of saving them twice.
 */
export class GroupMsgReceipts {
  rule: GroupMsgRule = 'month';
  private readonly received = new Map<string, number[]>();

  /** Messages `externalUserId` received in the period containing `at`. */
  count(externalUserId: string, at: number): number {
    const { start, end } = receivePeriod(this.rule, at);
    return (this.received.get(externalUserId) ?? []).filter((t) => t >= start && t < end).length;
  }

  /** Delivers one message at `at` unless the customer is at the cap; false when refused (status 3). */
  tryReceive(externalUserId: string, at: number): boolean {
    if (this.count(externalUserId, at) >= receivePeriod(this.rule, at).cap) {
      return false;
    }
    const times = this.received.get(externalUserId);
    if (times) times.push(at);
    else this.received.set(externalUserId, [at]);
    return true;
  }

  /** Re-reads deliveries from the tasks (after a restore). */
  rebuild(templates: Iterable<MsgTemplate>): void {
    this.received.clear();
    for (const template of templates) {
      for (const r of template.recipients) {
        if (r.status === 1 && r.send_time !== undefined) {
          const times = this.received.get(r.external_userid) ?? [];
          times.push(r.send_time * 1000);
          this.received.set(r.external_userid, times);
        }
      }
    }
  }

  clear(): void {
    this.received.clear();
    this.rule = 'month';
  }
}
