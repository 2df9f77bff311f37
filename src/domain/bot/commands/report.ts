import { buildCorpReport, buildRepReport } from '../../reports/build-report.ts';
import { corpReportText, repReportText } from '../../reports/report-text.ts';
import type { BotCommand } from '../command-registry.ts';
import { comingSoon } from '../texts.ts';

/**
 * 报表: a manager gets the corp report (tiers × reps, moves, regions, products, value
 * quadrants, the 80/20 share, the A/B balance with handovers); a rep gets the part that is
 * theirs (their tiers, change and moves), since the rest is about other reps' customers.
 * Long answers are split by the sender (split-message.ts); tables list the top rows only.
 */
export const reportCommand: BotCommand<'report'> = {
  id: 'report',
  roles: ['manager', 'rep'],
  async run(ctx) {
    const reports = ctx.reports;
    if (!reports) return { text: comingSoon('report') };
    if (ctx.scope.kind === 'rep') return { text: repReportText(await buildRepReport(reports, ctx.scope.rep, ctx.now), ctx.timeZone) };
    const valueSummary = ctx.reads.valueSummary ? () => ctx.reads.valueSummary!() : async () => null;
    return { text: corpReportText(await buildCorpReport({ reports, valueSummary }, ctx.now), ctx.timeZone) };
  },
};
