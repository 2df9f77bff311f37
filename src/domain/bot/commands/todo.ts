import type { ContactRecord } from '../../ports.ts';
import { TIERS } from '../../tiers/policy.ts';
import type { BotCommand, BotContext } from '../command-registry.ts';
import { detailById } from '../customer-detail.ts';
import { displayName, followUpPhrase, tierTag, tomorrowStart } from '../customer-view.ts';
import type { Answer } from '../answer.ts';
import { whoseCustomers } from './list.ts';

/** Lines per section; the rest is counted. */
export const TODO_SHOWN = 20;

/**
 * 跟进 [rep]: a rep's follow-ups due today and overdue (most overdue first) and today's
 * greetings, from the outreach planners' own rules (outlook.ts), over the rep's customers
 * only. For the corp (a manager naming no one) the counts per tier from the follow-up
 * due index, and how to see one rep's list.
 */
export const todoCommand: BotCommand<'todo'> = {
  id: 'todo',
  roles: ['manager', 'rep'],
  async run(ctx) {
    if (ctx.scope.kind === 'corp') return corpTodo(ctx);
    const records = await ctx.customers.ofRep(ctx.scope.rep);
    const end = tomorrowStart(ctx.now, ctx.outlook.timeZone);
    const followUps: { record: ContactRecord; dueAt: number }[] = [];
    const greetings: { record: ContactRecord; labels: string[] }[] = [];
    for (const record of records) {
      if (ctx.outlook.blocked(record)) continue;
      const dueAt = ctx.outlook.followUpDueAt(record);
      if (dueAt !== null && dueAt < end) followUps.push({ record, dueAt });
      const labels = ctx.outlook.greetingsOn(record, ctx.now);
      if (labels.length > 0) greetings.push({ record, labels });
    }
    followUps.sort((a, b) => a.dueAt - b.dueAt);
    const whose = whoseCustomers(ctx);
    if (followUps.length === 0 && greetings.length === 0) return { text: `${whose}今天没有要跟进或问候的客户，也没有逾期的。` };
    const lines: string[] = [];
    const options: { label: string; value: string }[] = [];
    const add = (record: ContactRecord, what: string) => {
      options.push({ label: displayName(record, ctx.scope), value: record.contact.externalUserId });
      lines.push(`${options.length}. ${displayName(record, ctx.scope)}${tierTag(record)} · ${what}`);
    };
    const overdue = followUps.filter((f) => f.dueAt < end - 86_400_000).length;
    lines.push(followUps.length === 0 ? `${whose}今天没有到期的跟进。` : `${whose}今天要跟进 ${followUps.length} 位客户${overdue > 0 ? `（其中 ${overdue} 位已逾期）` : ''}：`);
    for (const f of followUps.slice(0, TODO_SHOWN)) add(f.record, followUpPhrase(f.dueAt, ctx.now, ctx.outlook.timeZone));
    if (followUps.length > TODO_SHOWN) lines.push(`……还有 ${followUps.length - TODO_SHOWN} 位，发送「名单 A」等按等级查看。`);
    if (greetings.length > 0) {
      lines.push(`今天的问候 ${greetings.length} 位：`);
      for (const g of greetings.slice(0, TODO_SHOWN)) add(g.record, g.labels.join('、'));
      if (greetings.length > TODO_SHOWN) lines.push(`……还有 ${greetings.length - TODO_SHOWN} 位。`);
    }
    lines.push('Fenji 会把群发任务发到你的企业微信，确认发送即可；电话或拜访过的，用「记录 名字 内容」登记。回复序号查看客户详情。');
    return { text: lines.join('\n'), choice: { command: 'todo', options } };
  },
  choose: (ctx, value) => detailById(ctx, value),
};

async function corpTodo(ctx: BotContext): Promise<Answer> {
  const lines = ['全公司今天到期的跟进（含逾期）：'];
  let any = false;
  for (const tier of TIERS) {
    const cutoffs = ctx.outlook.followUpCutoffs(tier, ctx.now);
    if (!cutoffs) continue;
    const [due, overdue] = await Promise.all([ctx.customers.countAnchoredBefore(tier, cutoffs.due), ctx.customers.countAnchoredBefore(tier, cutoffs.overdue)]);
    any = true;
    lines.push(`${tier} 类：${due} 位${overdue > 0 ? `（其中逾期 ${overdue} 位）` : ''}`);
  }
  if (!any) return { text: '现在没有任何等级安排定期跟进。' };
  lines.push('看某位同事的具体名单：跟进 zhangwei（写 TA 的企业微信账号）。');
  return { text: lines.join('\n') };
}
