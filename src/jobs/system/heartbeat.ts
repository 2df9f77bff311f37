import type { JobHandler } from '../queue-worker.ts';

export const HEARTBEAT_JOB_NAME = 'system.heartbeat';
export const HEARTBEAT_EVERY_MS = 30_000;

export interface HeartbeatDeps {
  /** Stores when the last heartbeat ran (ms). */
  beat(at: number): Promise<void>;
}

/** Proves a job round-trips scheduler → Redis → worker; /readyz reports its age. */
export function heartbeatJobHandler(deps: HeartbeatDeps): JobHandler {
  return async () => {
    await deps.beat(Date.now());
  };
}
