import { systemClock, type Clock } from '../shared/clock.ts';
import { normalizeApiPath } from './paths.ts';

/** Answer the next `times` matching calls with this errcode instead of handling them. */
export interface ErrcodeFault {
  kind: 'errcode';
  errcode: number;
  errmsg?: string;
  times?: number;
  /** Only calls to this API path (short forms like `externalcontact/get` are fine). */
  path?: string;
}

/** Hold the next `times` matching calls for `ms` before handling them. */
export interface DelayFault {
  kind: 'delay';
  ms: number;
  times?: number;
  path?: string;
}

/** Destroy the socket of the next `times` matching calls without answering. */
export interface DropFault {
  kind: 'drop';
  times?: number;
  path?: string;
}

/**
 * For `ms` from now (the sandbox's clock), every matching call answers `errcode` (45009 by
 * default), however many calls come: a rate-limit storm a campaign must ride out.
 */
export interface StormFault {
  kind: 'storm';
  ms: number;
  errcode?: number;
  errmsg?: string;
  path?: string;
}

export type FaultSpec = ErrcodeFault | DelayFault | DropFault | StormFault;

/** What a call must suffer, decided once when it arrives. */
export interface FaultDecision {
  delayMs: number;
  outcome?: { kind: 'errcode'; errcode: number; errmsg: string } | { kind: 'drop' };
}

type Pending = Exclude<FaultSpec, StormFault> & { remaining: number };
type Storm = StormFault & { errcode: number; until: number };

/**
 * Scripted failures. Delays and outcomes (errcode/drop) are consumed independently, so
 * "delay the next 3 calls" and "fail the next call" can be combined; within each kind
 * the oldest matching fault wins (FIFO), like a script read top to bottom.
 */
export class FaultInjector {
  private pending: Pending[] = [];
  private storms: Storm[] = [];

  constructor(private readonly clock: Clock = systemClock) {}

  /**
   * Queues a fault.
   * @throws Error when the spec is malformed (the control API turns this into HTTP 400).
   */
  add(spec: FaultSpec): void {
    const path = spec.path === undefined ? undefined : normalizeApiPath(spec.path);
    const where = path === undefined ? {} : { path };
    if (spec.kind === 'storm') {
      if (!(Number.isFinite(spec.ms) && spec.ms > 0)) {
        throw new Error('fault.ms must be a positive number');
      }
      const errcode = spec.errcode ?? 45009;
      if (!Number.isInteger(errcode)) {
        throw new Error('fault.errcode must be an integer');
      }
      this.storms.push({ ...spec, ...where, errcode, until: this.clock.now() + spec.ms });
      return;
    }
    const times = spec.times ?? 1;
    if (!Number.isInteger(times) || times < 1) {
      throw new Error('fault.times must be a positive integer');
    }
    if (spec.kind === 'errcode' && !Number.isInteger(spec.errcode)) {
      throw new Error('fault.errcode must be an integer');
    }
    if (spec.kind === 'delay' && !(Number.isFinite(spec.ms) && spec.ms >= 0)) {
      throw new Error('fault.ms must be a non-negative number');
    }
    this.pending.push({ ...spec, ...where, remaining: times });
  }

  /** Makes the next `times` calls (optionally to `path`) answer `errcode`. */
  failNext(times: number, errcode: number, options: { path?: string; errmsg?: string } = {}): void {
    this.add({ kind: 'errcode', errcode, times, ...options });
  }

  /** Delays the next `times` calls (optionally to `path`) by `ms`. */
  delayNext(times: number, ms: number, options: { path?: string } = {}): void {
    this.add({ kind: 'delay', ms, times, ...options });
  }

  /** Drops the connection of the next `times` calls (optionally to `path`). */
  dropNext(times: number, options: { path?: string } = {}): void {
    this.add({ kind: 'drop', times, ...options });
  }

  /** Consumes the faults that apply to a call arriving on `path`. */
  take(path: string): FaultDecision {
    const decision: FaultDecision = { delayMs: 0 };
    const delay = this.consume(path, (f) => f.kind === 'delay');
    if (delay?.kind === 'delay') {
      decision.delayMs = delay.ms;
    }
    const storm = this.activeStorms().find((f) => f.path === undefined || f.path === path);
    // A storm answers every call while it lasts; counted faults wait until it is over.
    const outcome = storm ?? this.consume(path, (f) => f.kind !== 'delay');
    if (outcome?.kind === 'errcode' || outcome?.kind === 'storm') {
      decision.outcome = { kind: 'errcode', errcode: outcome.errcode, errmsg: outcome.errmsg ?? `sandbox fault: errcode ${outcome.errcode}` };
    } else if (outcome?.kind === 'drop') {
      decision.outcome = { kind: 'drop' };
    }
    return decision;
  }

  /** Faults still waiting, with `times` = calls left (a storm: `ms` = time left). */
  list(): FaultSpec[] {
    const now = this.clock.now();
    return [
      ...this.pending.map(({ remaining, ...spec }): FaultSpec => ({ ...spec, times: remaining })),
      ...this.activeStorms().map(({ until, ...spec }): FaultSpec => ({ ...spec, ms: until - now })),
    ];
  }

  /** Cancels every pending fault and storm. */
  clear(): void {
    this.pending = [];
    this.storms = [];
  }

  /** Storms still blowing; the ones that ended are forgotten. */
  private activeStorms(): Storm[] {
    const now = this.clock.now();
    this.storms = this.storms.filter((f) => f.until > now);
    return this.storms;
  }

  private consume(path: string, kind: (f: Pending) => boolean): Pending | undefined {
    const index = this.pending.findIndex((f) => kind(f) && (f.path === undefined || f.path === path));
    if (index < 0) {
      return undefined;
    }
    const fault = this.pending[index]!;
    fault.remaining -= 1;
    if (fault.remaining === 0) {
      this.pending.splice(index, 1);
    }
    return fault;
  }
}

/**
 * Validates an untrusted fault spec (control API body).
 * @throws Error naming the first problem.
 */
export function parseFaultSpec(input: unknown): FaultSpec {
  if (input === null || typeof input !== 'object') {
    throw new Error('a fault must be an object');
  }
  const raw = input as Record<string, unknown>;
  const common = {
    ...(raw['times'] === undefined ? {} : { times: Number(raw['times']) }),
    ...(typeof raw['path'] === 'string' ? { path: raw['path'] } : {}),
  };
  switch (raw['kind']) {
    case 'errcode':
      return { kind: 'errcode', errcode: Number(raw['errcode']), ...(typeof raw['errmsg'] === 'string' ? { errmsg: raw['errmsg'] } : {}), ...common };
    case 'delay':
      return { kind: 'delay', ms: Number(raw['ms']), ...common };
    case 'drop':
      return { kind: 'drop', ...common };
    case 'storm':
      return {
        kind: 'storm',
        ms: Number(raw['ms']),
        ...(raw['errcode'] === undefined ? {} : { errcode: Number(raw['errcode']) }),
        ...(typeof raw['errmsg'] === 'string' ? { errmsg: raw['errmsg'] } : {}),
        ...(typeof raw['path'] === 'string' ? { path: raw['path'] } : {}),
      };
    default:
      throw new Error('fault.kind must be "errcode", "delay", "drop" or "storm"');
  }
}
