import type { Redis } from 'ioredis';
import type { RedisKeys } from '../../adapters/redis/keys.ts';
import type { JobHandler } from '../queue-worker.ts';

export const HEARTBEAT_JOB_NAME = 'system.heartbeat';
export const HEARTBEAT_EVERY_MS = 30_000;

export interface HeartbeatDeps {
  redis: Redis;
  keys: RedisKeys;
}

/** Proves a job round-trips scheduler → Redis → worker; /readyz reports its age. */
export function heartbeatJobHandler(deps: HeartbeatDeps): JobHandler {
  return async () => {
    await deps.redis.set(deps.keys.heartbeat(), String(Date.now()));
  };
}
