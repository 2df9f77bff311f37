import type { Clock } from '../shared/clock.ts';

const MINUTE_MS = 60_000;

/**
 * Per-API-path calls per minute (docs/wecom/api.md, 'Rate limits': "per corp, per API path, 10,000 a minute").
 * A fixed window opens at the first call on a path and lasts a minute; every call in it
 * counts, rejected ones included, so a client that keeps hammering stays blocked until
 * the window ends, as WeCom's "blocked for the window" rule says.
 */
export class PathRateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limitPerMinute: number,
    private readonly clock: Clock,
  ) {}

  /** Counts a call; false when the path is over its limit for the current window. */
  hit(path: string): boolean {
    const now = this.clock.now();
    let window = this.windows.get(path);
    if (!window || now - window.start >= MINUTE_MS) {
      window = { start: now, count: 0 };
      this.windows.set(path, window);
    }
    window.count += 1;
    return window.count <= this.limitPerMinute;
  }

  /** Forgets every window (used by the control API's reset). */
  reset(): void {
    this.windows.clear();
  }
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
