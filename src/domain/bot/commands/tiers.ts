import { changeNote, tierLines } from '../../reports/report-text.ts';
import { TIERS } from '../../tiers/policy.ts';
import type { BotCommand } from '../command-registry.ts';

/**
 * 分级 [rep]: customers per tier in the scope (a rep: their own active relations), with the
 * change since 7 days ago from the hourly deltas kept with every tier write (or since the
 * aggregates began, said so). Without the aggregates the answer shows today's counts only.
 */
export const tiersCommand: BotCommand<'tiers'> = {
  id: 'tiers',
  roles: ['manager', 'rep'],
  async run(ctx) {
    const { scope } = ctx;
    const rep = scope.kind === 'rep' ? scope.rep : undefined;
    const [counts, change] = await Promise.all([ctx.reads.tierCounts(rep), ctx.reports ? ctx.reports.tierChange(rep) : null]);
    const total = TIERS.reduce((sum, t) => sum + counts[t], 0);
    const whose = scope.kind === 'corp' ? '全公司' : scope.rep === ctx.member.userId ? '你名下' : `${scope.rep} 名下`;
    if (total === 0) return { text: `${whose}目前还没有已分级的客户。` };
    const lines = [`${whose}的客户分级（共 ${total} 位）：`, ...tierLines(counts, change)];
    if (change) lines.push(changeNote(change, ctx.now, ctx.timeZone));
    return { text: lines.join('\n') };
  },
};
