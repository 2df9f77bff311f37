import { addDays, instantOf, localDateOf, localMinuteOf } from './local-time.ts';
import { inSpan, type FollowUpPolicy } from './policy.ts';

type Hours = Pick<FollowUpPolicy, 'sendWindow' | 'quietHours'>;

/** Whether a follow-up task may be created at `ms`: inside the send window and outside quiet hours. */
export function isSendAllowed(ms: number, hours: Hours, timeZone: string): boolean {
  const minute = localMinuteOf(ms, timeZone);
  return inSpan(minute, hours.sendWindow) && !inSpan(minute, hours.quietHours);
}

/**
 * The first instant at or after `ms` when a task may be created. An allowed stretch starts
 * where the send window opens or where quiet hours end, so those are the only candidates;
 * the policy schema guarantees one exists every day.
 */
export function nextSendAllowedAt(ms: number, hours: Hours, timeZone: string): number {
  if (isSendAllowed(ms, hours, timeZone)) return ms;
  const today = localDateOf(ms, timeZone);
  const candidates: number[] = [];
  for (let d = 0; d <= 2; d++) {
    const date = addDays(today, d);
    for (const minute of [hours.sendWindow.from, hours.quietHours.to]) {
      const at = instantOf(date, minute, timeZone);
      if (at > ms) candidates.push(at);
    }
  }
  const next = candidates.sort((a, b) => a - b).find((at) => isSendAllowed(at, hours, timeZone));
  if (next === undefined) throw new Error('follow-up policy allows no send time (the policy schema should have refused it)');
  return next;
}
