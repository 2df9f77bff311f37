import { readFile } from 'node:fs/promises';
import { importProfiles } from '../import/import-profiles.ts';
import { formatProblem } from '../import/validate-profiles.ts';
import { CliError, runCli, type CliContext } from './run-cli.ts';

/** Problems printed at most; the count says how many more there are. */
const MAX_PRINTED = 200;

/**
 * `npm run import -- file.csv`: profile fields (档案) from a CSV, all or nothing. Every
 * row is checked first; with any problem nothing is written, every problem is listed by
 * row and column (Chinese and English), and the exit code is 1.
 */
async function importCsv({ config, container, args }: CliContext): Promise<void> {
  const file = args.find((a) => !a.startsWith('-'));
  if (!file) throw new CliError('用法 usage: npm run import -- customers.csv');
  const bytes = await readFile(file).catch((err: NodeJS.ErrnoException) => {
    throw new CliError(`无法读取文件 cannot read ${file}: ${err.code ?? err.message}`);
  });
  const outcome = await importProfiles({ store: container.store, now: container.clock.now(), timeZone: config.timezone }, bytes);
  if (outcome.ignoredColumns.length > 0) {
    console.log(`  未导入的列 columns not imported: ${outcome.ignoredColumns.join(', ')}`);
  }
  if (!outcome.ok) {
    console.error(`${file}: ${outcome.problems.length} 处问题，未写入任何数据 problem(s), nothing was written`);
    for (const p of outcome.problems.slice(0, MAX_PRINTED)) console.error(`  ${formatProblem(p)}`);
    if (outcome.problems.length > MAX_PRINTED) console.error(`  … 另有 ${outcome.problems.length - MAX_PRINTED} 处 and ${outcome.problems.length - MAX_PRINTED} more`);
    throw new CliError('导入未完成：请修正以上各行后重新导入 import refused: fix the rows above and run it again');
  }
  console.log(`✓ 已导入 imported ${outcome.applied} 位客户的档案 customer profiles from ${file}`);
}

await runCli(importCsv);
