import type { WeComApi } from '../../wecom/api.ts';
import { WeComApiError, WeComConfigurationError, WeComRateLimitedError } from '../../wecom/api-errors.ts';
import { welcomeDeadline, welcomeText, type WelcomeTexts } from '../../domain/welcome/welcome.ts';
import type { WelcomeOutcome } from '../../observability/metrics.ts';
import type { Clock } from '../../shared/clock.ts';
import { WELCOME_RETRY_DELAY_MS, type WelcomeJobData } from './job.ts';

/** 41050 invalid or expired code, 41051 already used (docs/wecom/api.md, 'Welcome message'): final. */
const CODE_REFUSED: ReadonlySet<number> = new Set([41050, 41051]);
/** WeCom's "system busy": the client retried it already, but it is still worth another attempt. */
const SYSTEM_BUSY = -1;

export interface SendWelcomeDeps {
  api: Pick<WeComApi, 'sendWelcomeMsg'>;
  texts: WelcomeTexts;
  clock: Clock;
}

/** What one attempt came to: a final outcome, or another attempt in `retryInMs`. */
export type WelcomeAttempt =
  | { outcome: WelcomeOutcome; at: number; err?: unknown }
  | { retryInMs: number; err: unknown };

/**
 * One attempt at a welcome: dropped if WeCom's 20 s from the add have passed, else
 * send_welcome_msg with the State's text, each HTTP exchange bounded by the time left.
 * WeCom refusing the code (41050/41051) is final: the code cannot become valid again.
 * Transient failures (no answer, system busy, a rate limit) are worth another attempt only
 * while it can start before the deadline; other refusals (bad parameters, permissions) are
 * final, as a retry would bring the same answer.
 */
export async function attemptWelcome(data: WelcomeJobData, deps: SendWelcomeDeps, opts: { lastAttempt: boolean }): Promise<WelcomeAttempt> {
  const deadline = welcomeDeadline(data.addedAt);
  const now = deps.clock.now();
  if (now > deadline) return { outcome: 'late', at: now };
  try {
    await deps.api.sendWelcomeMsg(
      { welcome_code: data.welcomeCode, text: { content: welcomeText(deps.texts, data.state) } },
      { timeoutMs: Math.max(1, deadline - now) },
    );
    return { outcome: 'sent', at: deps.clock.now() };
  } catch (err) {
    const at = deps.clock.now();
    if (err instanceof WeComApiError && CODE_REFUSED.has(err.errcode)) return { outcome: 'invalid_code', at, err };
    const retryInMs = retryDelay(err);
    if (retryInMs === undefined || opts.lastAttempt || at + retryInMs >= deadline) return { outcome: 'failed', at, err };
    return { retryInMs, err };
  }
}

/** How soon another attempt may help; undefined when none can. */
function retryDelay(err: unknown): number | undefined {
  if (err instanceof WeComRateLimitedError) return err.retryAfterMs;
  if (err instanceof WeComConfigurationError) return undefined;
  if (err instanceof WeComApiError) return err.errcode === SYSTEM_BUSY ? WELCOME_RETRY_DELAY_MS : undefined;
  // No answer (WeComTransportError), or our side failed (Redis, the token): try again.
  return WELCOME_RETRY_DELAY_MS;
}
