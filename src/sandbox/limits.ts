import type { Clock } from '../shared/clock.ts';

const WINDOW_MS = { second: 1000, minute: 60_000 } as const;

/** A quota on one API path: `limit` calls per second or per minute. */
export interface PathRateLimit {
  limit: number;
  per: keyof typeof WINDOW_MS;
}

/**
 * Per-API-path calls per minute (docs/wecom/api.md, 'Rate limits': "per corp, per API path, 10,000 a minute"),
 * and quotas a test sets on one path (e.g. add_msg_template at 50 a second) to measure a
 * campaign against. A fixed window opens at the first call on a path and lasts its
 * second or minute; every call in it counts, rejected ones included, so a client that
 * keeps hammering stays blocked until the window ends, as WeCom's "blocked for the window" rule says.
 */
export class PathRateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private readonly quotas: Map<string, PathRateLimit>;

  /** `startQuotas`: per-path quotas (full /cgi-bin paths) that a reset comes back to. */
  constructor(
    private readonly limitPerMinute: number,
    private readonly clock: Clock,
    private readonly startQuotas: Readonly<Record<string, PathRateLimit>> = {},
  ) {
    this.quotas = new Map(Object.entries(startQuotas));
  }

  /** Counts a call; false when the path is over its limit for the current window. */
  hit(path: string): boolean {
    const { limit, per } = this.quotas.get(path) ?? { limit: this.limitPerMinute, per: 'minute' };
    const now = this.clock.now();
    let window = this.windows.get(path);
    if (!window || now - window.start >= WINDOW_MS[per]) {
      window = { start: now, count: 0 };
      this.windows.set(path, window);
    }
    window.count += 1;
    return window.count <= limit;
  }

  /** Sets a path's quota (its current window starts over). */
  setQuota(path: string, quota: PathRateLimit): void {
    this.quotas.set(path, { ...quota });
    this.windows.delete(path);
  }

  /** The per-path quotas in force (paths without one have the default per-minute limit). */
  quotaList(): Array<PathRateLimit & { path: string }> {
    return [...this.quotas].map(([path, quota]) => ({ path, ...quota }));
  }

  /** Forgets every window and goes back to the start-up quotas (the control API's reset). */
  reset(): void {
    this.windows.clear();
    this.quotas.clear();
    for (const [path, quota] of Object.entries(this.startQuotas)) this.quotas.set(path, { ...quota });
  }
}

/**
 * Validates an untrusted quota (control API body or start-up option).
 * @throws Error naming the first problem.
 */
export function parseRateLimit(input: Record<string, unknown>): PathRateLimit {
  const limit = input['limit'];
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
    throw new Error('limit must be a positive integer');
  }
  const per = input['per'];
  if (per !== 'second' && per !== 'minute') {
    throw new Error('per must be "second" or "minute"');
  }
  return { limit, per };
}

/**
 * Calls in flight per API path; a call beyond the limit is refused at once with 45033
 * (WeCom staff: mark_tag and remark allow 5 concurrent calls per corp).
 */
export class ConcurrencyGate {
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly limits: Readonly<Record<string, number>>) {}

  /** Takes a slot; false when the path already has its limit in flight. */
  tryEnter(path: string): boolean {
    const limit = this.limits[path];
    const current = this.inFlight.get(path) ?? 0;
    if (limit !== undefined && current >= limit) {
      return false;
    }
    this.inFlight.set(path, current + 1);
    return true;
  }

  /** Releases a slot taken by `tryEnter`. */
  leave(path: string): void {
    const current = this.inFlight.get(path) ?? 0;
    if (current <= 1) {
      this.inFlight.delete(path);
    } else {
      this.inFlight.set(path, current - 1);
    }
  }

  /** Calls currently in flight on a path. */
  current(path: string): number {
    return this.inFlight.get(path) ?? 0;
  }
}
