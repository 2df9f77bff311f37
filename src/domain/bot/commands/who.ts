import { echo } from '../answer.ts';
import type { BotCommand } from '../command-registry.ts';
import { customerDetail, detailById } from '../customer-detail.ts';
import { choiceAnswer, findCustomers } from '../customer-view.ts';

/**
 * 客户 张三: one customer in scope by name or remark (the name index; prefix and substring),
 * with tier and why, value, lifecycle, last contacts, next follow-up and greeting. Several
 * matches give a numbered choice. A customer out of scope is "not found", word for word
 * as one that does not exist.
 */
export const whoCommand: BotCommand<'who'> = {
  id: 'who',
  roles: ['manager', 'rep'],
  async run(ctx, args) {
    const found = await findCustomers(ctx, args.name);
    if (found.kind === 'none') return { text: found.text };
    if (found.kind === 'one') return { text: customerDetail(ctx, found.record) };
    const count = `${found.records.length} 位${found.more ? '以上' : ''}`;
    const intro = `名字或备注里有「${echo(args.name)}」的客户有 ${count}，你要看哪一位？`;
    return choiceAnswer('who', intro, found, ctx.scope, (r) => r.contact.externalUserId);
  },
  choose: (ctx, value) => detailById(ctx, value),
};
