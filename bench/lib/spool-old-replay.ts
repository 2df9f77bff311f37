import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../../src/adapters/redis/keys.ts';
import type { Spool } from '../../src/ingress/spool.ts';
import { CALLBACK_JOB_NAME, CALLBACK_JOB_OPTIONS, type CallbackJobData } from '../../src/jobs/callbacks/job.ts';

/**
 * The spool replay as it was before the batched one (commit ba52b41, CallbackIntake.enqueue
 * with checkSeen): one event at a time, three round trips each (EXISTS seen, queue.add,
 * SET seen NX). Kept here only as the bench's baseline.
 */
export async function oneByOneReplay(deps: { spool: Spool<CallbackJobData>; queue: Queue<CallbackJobData>; redis: Redis; keys: RedisKeys }): Promise<number> {
  const { spool, queue, redis, keys } = deps;
  return spool.replay(async (records) => {
    for (const job of records) {
      const seenKey = keys.callbackSeen(job.dedupeKey);
      if ((await redis.exists(seenKey)) === 1) continue;
      await queue.add(CALLBACK_JOB_NAME, job, { ...CALLBACK_JOB_OPTIONS, jobId: job.dedupeKey });
      await redis.set(seenKey, String(job.receivedAt), 'EX', 24 * 3600, 'NX');
    }
  });
}
