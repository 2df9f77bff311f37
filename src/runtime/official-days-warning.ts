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
  const list = years.join(', ');
  log.warn(
    { years, overlayFile },
    `no official days off or make-up working days (调休) known for ${list}, which the next ${LOOKAHEAD_DAYS} days reach: ` +
      `until they are, Fenji counts every day of ${list} as an ordinary day. When the State Council publishes ` +
      `its notice (国务院办公厅关于${years[0]}年部分节假日安排的通知, usually in November), copy it into ${overlayFile}, or upgrade chinese-days`,
  );
}
