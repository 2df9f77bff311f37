import { TIERS } from '../../tiers/policy.ts';
import type { BotCommand } from '../command-registry.ts';

/**
 * 分级 [rep]: customers per tier in the scope (a rep: their own active relations).
 * TODO(issue 9): the change since 7 days ago needs per-day aggregates kept with every tier
 * change; until they exist the answer shows today's counts only, never an invented delta.
 */
export const tiersCommand: BotCommand<'tiers'> = {
  id: 'tiers',
  roles: ['manager', 'rep'],
  async run(ctx) {
    const { scope } = ctx;
    const counts = await ctx.reads.tierCounts(scope.kind === 'rep' ? scope.rep : undefined);
    const total = TIERS.reduce((sum, t) => sum + counts[t], 0);
    const whose = scope.kind === 'corp' ? '全公司' : scope.rep === ctx.member.userId ? '你名下' : `${scope.rep} 名下`;
    if (total === 0) return { text: `${whose}目前还没有已分级的客户。` };
    const lines = [`${whose}的客户分级（共 ${total} 位）：`, ...TIERS.map((t) => `${t} 类：${counts[t]} 位`)];
    return { text: lines.join('\n') };
  },
};
