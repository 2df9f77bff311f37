import { WeComApiError, WeComTransportError } from '../../wecom/api-errors.ts';
import type { FollowUpPolicy } from '../../domain/followups/policy.ts';
import { inQuietHours, quietHoursEnd } from '../../domain/outreach/guards.ts';
import type { OutreachItem, OutreachKind, OutreachPlanner } from '../../domain/outreach/outreach.ts';
import { personalSkip } from '../../domain/outreach/personal-skip.ts';
import type { RecordsById } from '../../domain/outreach/planners/ports.ts';

/** Recipients re-read from the store in one MGET before a call. */
const RECHECK_CHUNK = 1000;
/** Network failures that happen before a request leaves: WeCom cannot have seen it. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/** What a send step needs to decide, right before its call, whom it may still send to. */
export interface RecheckDeps {
  store: RecordsById;
  planners: readonly OutreachPlanner[];
  policy: Pick<FollowUpPolicy, 'quietHours'>;
  timeZone: string;
}

/** When a send planned earlier must wait: quiet hours (every kind) or before its occasion's hour; null = go. */
export function waitUntil(deps: Pick<RecheckDeps, 'policy' | 'timeZone'>, now: number, notBefore: number): number | null {
  if (inQuietHours(now, deps.policy.quietHours, deps.timeZone)) return quietHoursEnd(now, deps.policy.quietHours, deps.timeZone);
  return now < notBefore ? notBefore : null;
}

/**
 * Splits planned items into those that still hold right before the call (the customer
 * passes personalSkip and the kind's planner says stillDue: same rep and tier, relation
 * active) and those dropped. Reads RECHECK_CHUNK records a round trip.
 */
export async function recheck<T extends OutreachItem>(deps: RecheckDeps, kind: OutreachKind, items: readonly T[], now: number): Promise<{ keep: T[]; drop: T[] }> {
  const planner = deps.planners.find((p) => p.kind === kind);
  const keep: T[] = [];
  const drop: T[] = [];
  for (let i = 0; i < items.length; i += RECHECK_CHUNK) {
    const chunk = items.slice(i, i + RECHECK_CHUNK);
    const records = new Map((await deps.store.getMany(chunk.map((item) => item.externalUserId))).map((r) => [r.contact.externalUserId, r]));
    chunk.forEach((item) => {
      const record = records.get(item.externalUserId);
      const holds = record !== undefined && planner !== undefined && personalSkip(record) === null && planner.stillDue(record, item, now);
      (holds ? keep : drop).push(item);
    });
  }
  return { keep, drop };
}

/** Whether WeCom cannot have acted on the call to `path`: it answered, or the request never left. */
export function surelyNotSent(err: unknown, path: string): boolean {
  if (err instanceof WeComApiError) return true;
  if (!(err instanceof WeComTransportError)) return true;
  if (err.path !== path) return true;
  const code = ((err.cause as { cause?: { code?: unknown } } | undefined)?.cause)?.code;
  return typeof code === 'string' && NOT_SENT_CODES.has(code);
}
