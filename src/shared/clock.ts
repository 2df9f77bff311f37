/** Time as a port, so tests and the domain never depend on the wall clock directly. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** The wall clock shifted by `offsetMs` (FENJI_CLOCK_OFFSET_MS: processes of an e2e test share one shifted day). */
export function offsetClock(offsetMs: number): Clock {
  return offsetMs === 0 ? systemClock : { now: () => Date.now() + offsetMs };
}
