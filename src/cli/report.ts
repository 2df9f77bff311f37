import { writeFile } from 'node:fs/promises';
import { RedisTierAggregates } from '../adapters/redis/tier-aggregates.ts';
import { reportXlsx } from '../adapters/xlsx/report-workbook.ts';
import { buildCorpReport } from '../domain/reports/build-report.ts';
import { corpReportText } from '../domain/reports/report-text.ts';
import { CliError, runReadOnlyCli, type ReadOnlyCliContext } from './run-cli.ts';

const USAGE = 'usage: npm run report -- [--xlsx out.xlsx] [--recount]';

/**
 * `npm run report`: the manager's 报表 as text; `--xlsx out.xlsx` also writes the workbook.
 * `--recount` first rebuilds the tier counts from the tier indexes (an archive stored
 * before the counts existed); it is the one write this tool makes.
 */
async function report({ config, redis, keys, store, args }: ReadOnlyCliContext): Promise<void> {
  let xlsx: string | undefined;
  let recount = false;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--xlsx' && args[i + 1]) xlsx = args[++i];
    else if (args[i] === '--recount') recount = true;
    else throw new CliError(USAGE);
  }
  const reports = new RedisTierAggregates({ redis, keys });
  if (recount) console.log(`已按分级索引重算 ${await reports.recountTiers()} 项计数。`);
  const built = await buildCorpReport({ reports, valueSummary: () => store.valueSummary() }, Date.now());
  console.log(corpReportText(built, config.timezone));
  if (xlsx) {
    await writeFile(xlsx, await reportXlsx(built, config.timezone));
    console.log(`\n已导出：${xlsx}`);
  }
}

await runReadOnlyCli(report);
