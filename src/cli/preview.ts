import { greetingPlanners } from '../adapters/redis/greeting-planners.ts';
import { loadOccasions } from '../config/load-occasions.ts';
import { previewDay } from '../domain/outreach/preview.ts';
import { parsePreviewArgs } from './preview-args.ts';
import { renderPreview } from './preview-report.ts';
import { CliError, runReadOnlyCli, type ReadOnlyCliContext } from './run-cli.ts';

/**
 * `npm run preview -- --date 2027-02-06`: that day's occasions (even with no customers
 * stored) and, per kind and occasion, who would get what from which rep, and who would be
 * skipped and why. It only reads: no planner index is backfilled, no claim is taken,
 * nothing is sent. The ledger's checks (already sent, day taken, capped) join when the
 * outreach pipeline provides its read-only OutreachGuardCheck.
 */
async function preview({ config, redis, keys, store, args }: ReadOnlyCliContext): Promise<void> {
  const parsed = parsePreviewArgs(args);
  if ('error' in parsed) throw new CliError(parsed.error);
  const { occasions, official } = loadOccasions(config.occasionsFile);
  const planners = greetingPlanners({ redis, keys, store, occasions, timeZone: config.timezone });
  const day = await previewDay(
    { planners, records: store, occasions, official, timeZone: config.timezone },
    { date: parsed.date, ...(parsed.at === undefined ? {} : { at: parsed.at }) },
  );
  for (const line of renderPreview(day, { limit: parsed.limit, timeZone: config.timezone })) console.log(line);
}

await runReadOnlyCli(preview);
