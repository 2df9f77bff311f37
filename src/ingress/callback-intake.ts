import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../adapters/redis/keys.ts';
import { CALLBACK_JOB_NAME, CALLBACK_JOB_OPTIONS, type CallbackJobData } from '../jobs/queues.ts';
import { AppError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import type { Spool } from './spool.ts';

export type IntakeOutcome = 'accepted' | 'duplicate' | 'spooled';

/** Neither Redis nor the spool could take the event: answer 503 so WeCom retries. */
export class IntakeUnavailableError extends AppError {
  constructor(cause: unknown) {
    super('intake_unavailable', 'cannot store the callback: Redis and the local spool both failed', {
      status: 503,
      expose: true,
      cause,
    });
  }
}

const SEEN_TTL_SECONDS = 24 * 3600;
const ADD_TIMEOUT_MS = 2000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`queue add took over ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Takes a verified callback and makes it durable before we answer 200.
 *
 * Order: (1) queue.add with jobId = dedupe key — atomic and idempotent while the job
 * exists (an hour after it completes, far past WeCom's ~30 s of retries): the real guard
 * against concurrent retries; (2) SET seen NX, set only after the job exists, so a seen key
 * never outlives an event that was not enqueued; its NX result tells accepted from
 * duplicate exactly, whatever the concurrency. The spool replay, whose events may be
 * older than the job retention, checks the seen key first.
 * When Redis fails, the event goes to the fsync'd spool and is replayed in order when
 * Redis returns. While the spool holds events, new ones queue behind them.
 */
export class CallbackIntake {
  private replaying: Promise<void> | undefined;
  private spoolHasEvents = false;

  constructor(
    private readonly deps: {
      queue: Queue<CallbackJobData>;
      redis: Redis;
      keys: RedisKeys;
      spool: Spool<CallbackJobData>;
      log: Logger;
    },
  ) {}

  async accept(job: CallbackJobData): Promise<IntakeOutcome> {
    if (!this.spoolHasEvents) {
      try {
        return await this.enqueue(job);
      } catch (err) {
        this.deps.log.warn({ err: { message: (err as Error).message }, dedupeKey: job.dedupeKey }, 'redis unavailable: spooling callback');
      }
    }
    try {
      await this.deps.spool.append(job);
      this.spoolHasEvents = true;
      return 'spooled';
    } catch (err) {
      throw new IntakeUnavailableError(err);
    }
  }

  /**
   * Idempotent enqueue. `checkSeen` first looks for the seen key (24 h), for events that
   * may be older than the job retention; the live path skips that round trip.
   */
  async enqueue(job: CallbackJobData, checkSeen = false): Promise<'accepted' | 'duplicate'> {
    const { queue, redis, keys } = this.deps;
    const seenKey = keys.callbackSeen(job.dedupeKey);
    // BullMQ waits for a connection that is not ready instead of failing: fail fast here,
    // and bound the add, so an outage becomes a spool write, not a request past WeCom's 5 s.
    // An add that completes after its timeout is harmless: the jobId makes the replay a no-op.
    if (redis.status !== 'ready') throw new Error(`redis connection is ${redis.status}`);
    if (checkSeen && (await redis.exists(seenKey)) === 1) return 'duplicate';
    await withTimeout(queue.add(CALLBACK_JOB_NAME, job, { ...CALLBACK_JOB_OPTIONS, jobId: job.dedupeKey }), ADD_TIMEOUT_MS);
    const first = await redis.set(seenKey, String(job.receivedAt), 'EX', SEEN_TTL_SECONDS, 'NX');
    return first === 'OK' ? 'accepted' : 'duplicate';
  }

  /** Whether events are waiting in the spool (for /readyz and metrics). */
  async spooledBytes(): Promise<number> {
    return this.deps.spool.size();
  }

  /**
   * Replays the spool into Redis if it holds anything; safe to call often (single-flight).
   * Leaves the spool as is if Redis fails again midway.
   */
  replaySpool(): Promise<void> {
    this.replaying ??= (async () => {
      try {
        if ((await this.deps.spool.size()) === 0) {
          this.spoolHasEvents = false;
          return;
        }
        this.spoolHasEvents = true;
        const outcomes = { accepted: 0, duplicate: 0 };
        const count = await this.deps.spool.replay(async (job) => {
          outcomes[await this.enqueue(job, true)]++;
        });
        this.spoolHasEvents = false;
        this.deps.log.info({ count, ...outcomes }, 'spool replayed into the queue');
      } catch (err) {
        this.deps.log.warn({ err: { message: (err as Error).message } }, 'spool replay interrupted; will retry');
      } finally {
        this.replaying = undefined;
      }
    })();
    return this.replaying;
  }
}
