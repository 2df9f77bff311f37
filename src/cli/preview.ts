import { RedisKeys } from '../adapters/redis/keys.ts';
import { greetingPlanners } from '../adapters/redis/greeting-planners.ts';
import { RedisFollowUpIndex } from '../adapters/redis/follow-up-index.ts';
import { RedisOutreachLedger } from '../adapters/redis/outreach-ledger.ts';
import { loadOccasions } from '../config/load-occasions.ts';
import { loadPolicies } from '../config/load-tier-policy.ts';
import { FollowUpPlanner } from '../domain/outreach/planners/follow-up.ts';
import { outreachGuardCheck } from '../jobs/outreach/plan-outreach.ts';
import { systemClock } from '../shared/clock.ts';
import { previewDay } from '../domain/outreach/preview.ts';
import { parsePreviewArgs } from './preview-args.ts';
import { renderPreview } from './preview-report.ts';
import { CliError, runReadOnlyCli, type ReadOnlyCliContext } from './run-cli.ts';

/**
 * `npm run preview -- --date 2027-02-06`: that day's occasions (even with no customers
 * stored) and, per kind and occasion, who would get what from which rep, and who would be
 * skipped and why. It only reads: no planner index is backfilled, no claim is taken,
 * nothing is sent. The ledger is asked read-only (already sent, day taken, capped), as the
 * plan job's claim would decide.
 */
async function preview({ config, redis, keys, store, args }: ReadOnlyCliContext): Promise<void> {
  const parsed = parsePreviewArgs(args);
  if ('error' in parsed) throw new CliError(parsed.error);
  const { occasions, official } = loadOccasions(config.occasionsFile);
  const policies = loadPolicies(config.tiersFile);
  const timeZone = config.timezone;
  const planners = [
    new FollowUpPlanner({ index: new RedisFollowUpIndex({ redis, keys }), store, policy: policies.followUps, timeZone }),
    ...greetingPlanners({ redis, keys, store, occasions, timeZone }),
  ];
  // The dry run's own ledger when FENJI_DRY_RUN is on, as the plan job would use.
  const ledgerKeys = config.outreach.dryRun ? new RedisKeys(`${config.redis.keyPrefix}:dry`) : keys;
  const ledger = new RedisOutreachLedger({ redis, keys: ledgerKeys, timeZone, rule: config.outreach.groupMsgRule, clock: systemClock });
  const day = await previewDay(
    { planners, records: store, guard: outreachGuardCheck(ledger), occasions, official, timeZone, followUpMinute: policies.followUps.sendWindow.from },
    { date: parsed.date, ...(parsed.at === undefined ? {} : { at: parsed.at }) },
  );
  for (const line of renderPreview(day, { limit: parsed.limit, timeZone: config.timezone })) console.log(line);
}

await runReadOnlyCli(preview);
