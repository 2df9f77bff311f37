import { isoDate } from '../../outreach/receive-rule.ts';
import { localDateOf } from '../../followups/local-time.ts';
import { buildCorpReport } from '../../reports/build-report.ts';
import type { BotCommand } from '../command-registry.ts';
import { comingSoon, exportReady } from '../texts.ts';

/**
 * 报表 导出: the corp report as an Excel workbook, sent to the manager as a file after a
 * short text (docs/wecom/api.md, 'Media upload'). Managers only: the workbook lists every
 * rep's numbers. The report is built here from the aggregates; the job renders, uploads
 * and sends it once (jobs/bot/answer-file.ts).
 */
export const exportCommand: BotCommand<'export'> = {
  id: 'export',
  roles: ['manager'],
  async run(ctx) {
    const reports = ctx.reports;
    if (!reports) return { text: comingSoon('export') };
    const valueSummary = ctx.reads.valueSummary ? () => ctx.reads.valueSummary!() : async () => null;
    const report = await buildCorpReport({ reports, valueSummary }, ctx.now);
    const filename = `Fenji报表-${isoDate(localDateOf(ctx.now, ctx.timeZone))}.xlsx`;
    return { text: exportReady(filename), file: { kind: 'report_workbook', report, filename } };
  },
};
