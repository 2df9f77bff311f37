import type { Logger } from 'pino';
import { yearsWithoutOfficialDays, type OfficialDays } from '../domain/calendar/official-days.ts';
import { localDateOf } from '../domain/followups/local-time.ts';

/** How far ahead start-up looks for a year without the State Council's days off. */
const LOOKAHEAD_DAYS = 60;

/**
 * One warning line at start-up when the next 60 days (from today in FENJI_TIMEZONE) reach a
 * year whose official days off and 调休 working days neither the bundled chinese-days nor
 * the overlay has: the notice usually comes out in November, and the overlay is where it goes
 * until a chinese-days update brings it.
 */
export function warnAboutMissingOfficialDays(
  { official, overlayFile }: { official: OfficialDays; overlayFile: string },
  now: number,
  timeZone: string,
  log: Pick<Logger, 'warn'>,
): void {
  const years = yearsWithoutOfficialDays(official, localDateOf(now, timeZone), LOOKAHEAD_DAYS);
  if (years.length === 0) return;
  log.warn(
    { years, overlayFile },
    `official days off (调休) for ${years.join(', ')} are not known yet: the next ${LOOKAHEAD_DAYS} days reach it; add the State Council's notice to ${overlayFile} (or update chinese-days)`,
  );
}
