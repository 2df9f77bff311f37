/**
 * The BullMQ limiter of add_msg_template sends, from the corp's per-minute quota
 * (FENJI_GROUPMSG_PER_MINUTE; WeCom's is 10,000 a minute per API path, docs/wecom/api.md,
 * 'Rate limits'). WeCom counts in fixed windows that start where it likes, and BullMQ's
 * limiter is a fixed window too, starting at a job rather than at its call. So the minute
 * is cut into n windows of `max` sends: a WeCom minute overlaps at most n + 2 of them (one
 * partial at each end, and a job that started just before its call), and (n + 2) × max ≤
 * the quota. That keeps every WeCom minute under its quota while sending n × max a minute:
 * at least 0.9 of it from 30 a minute up (0.95 at 10,000).
 */
export function groupMsgLimiter(perMinute: number): { max: number; duration: number } {
  const max = Math.max(1, Math.ceil(perMinute / 63));
  const windows = Math.max(1, Math.floor(perMinute / max) - 2);
  return { max, duration: Math.ceil(60_000 / windows) };
}
