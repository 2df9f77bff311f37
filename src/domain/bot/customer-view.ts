import { bestMatch, queryGrams } from '../contacts/name-search.ts';
import { followUpRep } from '../outreach/planners/follow-up.ts';
import { addDays, instantOf, localDateOf } from '../followups/local-time.ts';
import type { ContactRecord } from '../ports.ts';
import { echo, type Answer } from './answer.ts';
import type { BotContext } from './command-registry.ts';
import type { CommandId } from './command-words.ts';
import type { PendingChoice } from './ports.ts';
import type { Scope } from './roles.ts';

/** Candidates read per name search; more than this many matches asks for more characters. */
export const SEARCH_CANDIDATES = 50;
/** Options in a numbered choice. */
export const MAX_CHOICES = 10;

/** Whether a record is in the scope: the corp sees all, a rep only customers with an active relation to them. */
export function inScope(record: ContactRecord, scope: Scope): boolean {
  return scope.kind === 'corp' || record.contact.follows.some((f) => f.userId === scope.rep && f.status === 'active');
}

/** The rep a scope confines reads to (undefined: the corp). */
export function repOf(scope: Scope): string | undefined {
  return scope.kind === 'rep' ? scope.rep : undefined;
}

/**
 * How a customer is called to the asker: for a rep, their own remark (what they named the
 * customer in WeCom), else the WeCom name; for the corp, the name with the remark of the
 * rep who follows up. Never another rep's remark to a rep.
 */
export function displayName(record: ContactRecord, scope: Scope): string {
  const { contact } = record;
  const rep = scope.kind === 'rep' ? scope.rep : followUpRep(contact.follows);
  const remark = contact.follows.find((f) => f.userId === rep)?.remark?.trim();
  const name = contact.name.trim();
  if (scope.kind === 'rep') return echo(remark || name || '未命名客户', 30);
  if (remark && name && remark !== name) return echo(`${name}（${remark}）`, 40);
  return echo(remark || name || '未命名客户', 30);
}

/** The same wording whether a customer does not exist or is not the asker's: a rep learns nothing either way. */
export function notFound(query: string): string {
  return `没有找到名字或备注里有「${echo(query)}」的客户。可以换个写法，比如只写姓名或备注的前两个字。`;
}

export type FoundCustomers =
  | { kind: 'one'; record: ContactRecord }
  | { kind: 'many'; records: ContactRecord[]; more: boolean }
  | { kind: 'none'; text: string };

/**
 * The customers in scope a query names, best match first (equal, then starting with it,
 * then containing it). One exact match is the customer even when others contain the query
 * (张三 is not 张三丰). Every candidate is checked against the scope and the names the
 * asker may see, whatever the index returned.
 */
export async function findCustomers(ctx: BotContext, query: string): Promise<FoundCustomers> {
  const q = queryGrams(query);
  if ('problem' in q) {
    if (q.problem === 'too_long') return { kind: 'none', text: `客户名字最多写 24 个字。${notFound(query)}` };
    if (q.problem === 'too_short') return { kind: 'none', text: '请至少写两个字母，或一个汉字，例如：客户 张三' };
    return { kind: 'none', text: notFound(query) };
  }
  const rep = repOf(ctx.scope);
  const candidates = await ctx.customers.findByGrams(q.grams, rep, SEARCH_CANDIDATES);
  const ranked = candidates
    .filter((r) => inScope(r, ctx.scope))
    .map((record) => ({ record, rank: bestMatch(record.contact, q.form, rep), name: displayName(record, ctx.scope) }))
    .filter((r) => r.rank > 0)
    .sort((a, b) => b.rank - a.rank || a.name.localeCompare(b.name, 'zh-CN') || (a.record.contact.externalUserId < b.record.contact.externalUserId ? -1 : 1));
  if (ranked.length === 0) return { kind: 'none', text: notFound(query) };
  const exact = ranked.filter((r) => r.rank === 3);
  if (ranked.length === 1 || exact.length === 1) return { kind: 'one', record: (exact[0] ?? ranked[0]!).record };
  return { kind: 'many', records: ranked.slice(0, MAX_CHOICES).map((r) => r.record), more: ranked.length > MAX_CHOICES || candidates.length >= SEARCH_CANDIDATES };
}

/** A numbered list of customers to pick from; `value(record)` is what the command gets back. */
export function choiceAnswer(command: CommandId, intro: string, found: { records: ContactRecord[]; more: boolean }, scope: Scope, value: (r: ContactRecord) => string): Answer {
  const options = found.records.map((r) => ({ label: displayName(r, scope), value: value(r) }));
  const choice: PendingChoice = { command, options };
  const lines = [intro, ...options.map((o, i) => `${i + 1}. ${o.label}${tierTag(found.records[i]!)}`), '请回复序号（例如 1）。'];
  if (found.more) lines.push(`只列出前 ${options.length} 位，多写几个字可以找得更准。`);
  return { text: lines.join('\n'), choice };
}

/** ` · B 类` after a name, or nothing before the first tier. */
export function tierTag(record: ContactRecord): string {
  return record.tier ? ` · ${record.tier.tier} 类` : '';
}

/** "3月5日" in the business time zone. */
export function monthDay(ms: number, timeZone: string): string {
  const d = localDateOf(ms, timeZone);
  return `${d.month}月${d.day}日`;
}

/** Whole local days from today to the day of `ms` (negative: past). */
export function daysFromToday(ms: number, now: number, timeZone: string): number {
  const today = instantOf(localDateOf(now, timeZone), 0, timeZone);
  const day = instantOf(localDateOf(ms, timeZone), 0, timeZone);
  return Math.round((day - today) / 86_400_000);
}

/** "今天" / "明天" / "3 天后" / "昨天" / "5 天前" for a day relative to today. */
export function relativeDay(days: number): string {
  if (days === 0) return '今天';
  if (days === 1) return '明天';
  if (days === -1) return '昨天';
  return days > 0 ? `${days} 天后` : `${-days} 天前`;
}

/** The follow-up state of a due time: overdue by n days, due today, or due on a day. */
export function followUpPhrase(dueAt: number, now: number, timeZone: string): string {
  const days = daysFromToday(dueAt, now, timeZone);
  if (days < 0) return `已逾期 ${-days} 天（${monthDay(dueAt, timeZone)}到期）`;
  if (days === 0) return '今天到期';
  return `${monthDay(dueAt, timeZone)}（${relativeDay(days)}）`;
}

/** The start of the local day after `now`'s. */
export function tomorrowStart(now: number, timeZone: string): number {
  return instantOf(addDays(localDateOf(now, timeZone), 1), 0, timeZone);
}
