export const TIERS_DUE_JOB_NAME = 'tiers.reevaluate-due';
export const TIERS_RECOMPUTE_JOB_NAME = 'tiers.recompute-all';

/** How often due contacts are re-evaluated. */
export const TIERS_DUE_EVERY_MS = 60_000;
/** When the nightly full recompute runs, in FENJI_TIMEZONE: quiet hours in China. */
export const RECOMPUTE_CRON = '30 3 * * *';
