import type { Clock } from '../shared/clock.ts';
import { normalizeApiPath } from './paths.ts';

/** One API call as the sandbox saw it. */
export interface RecordedCall {
  /** Arrival time, milliseconds since the epoch (sandbox clock). */
  at: number;
  method: string;
  path: string;
  /** Query parameters as sent; access_token is kept so tests can tell which token was used. */
  query: Record<string, string>;
  /** Parsed JSON body, the raw text when it was not JSON, undefined for no body. */
  body: unknown;
  /** The errcode answered; null while in flight or when the connection was dropped. */
  errcode: number | null;
}

/** Narrows `list()`; every given field must match. */
export interface CallFilter {
  path?: string;
  method?: string;
  errcode?: number;
  /** Only calls that arrived at or after this time (ms). */
  since?: number;
}

export interface CallRecorderOptions {
  clock: Clock;
  /** Oldest calls are forgotten past this many, so long benchmarks do not grow memory. */
  maxCalls?: number;
}

/**
 * Records every /cgi-bin call in arrival order. A record is created when the request
 * arrives and its errcode filled in when the answer goes out, so concurrent calls keep
 * their arrival order.
 */
export class CallRecorder {
  private calls: RecordedCall[] = [];
  private readonly clock: Clock;
  private readonly maxCalls: number;

  constructor(options: CallRecorderOptions) {
    this.clock = options.clock;
    this.maxCalls = options.maxCalls ?? 100_000;
  }

  /** Starts a record; the server sets `errcode` on it when it answers. */
  start(call: Omit<RecordedCall, 'at' | 'errcode'>): RecordedCall {
    const record: RecordedCall = { at: this.clock.now(), errcode: null, ...call };
    this.calls.push(record);
    if (this.calls.length > this.maxCalls) {
      // Drop a tenth at once so trimming is not an O(n) shift on every call.
      this.calls.splice(0, Math.ceil(this.maxCalls / 10));
    }
    return record;
  }

  /**
   * Copies of the recorded calls, oldest first.
   * @param filter field filter or predicate; paths may be short (`externalcontact/get`).
   */
  list(filter?: CallFilter | ((call: RecordedCall) => boolean)): RecordedCall[] {
    const matches = typeof filter === 'function' ? filter : fieldFilter(filter ?? {});
    return this.calls.filter(matches).map((c) => ({ ...c, query: { ...c.query } }));
  }

  /** Number of calls to a path (all calls when no path is given). */
  count(path?: string): number {
    if (path === undefined) {
      return this.calls.length;
    }
    const wanted = normalizeApiPath(path);
    return this.calls.reduce((n, c) => (c.path === wanted ? n + 1 : n), 0);
  }

  /** Forgets every call; returns how many were dropped. */
  clear(): number {
    const dropped = this.calls.length;
    this.calls = [];
    return dropped;
  }
}

function fieldFilter(filter: CallFilter): (call: RecordedCall) => boolean {
  const path = filter.path === undefined ? undefined : normalizeApiPath(filter.path);
  const method = filter.method?.toUpperCase();
  return (call) =>
    (path === undefined || call.path === path) &&
    (method === undefined || call.method === method) &&
    (filter.errcode === undefined || call.errcode === filter.errcode) &&
    (filter.since === undefined || call.at >= filter.since);
}
