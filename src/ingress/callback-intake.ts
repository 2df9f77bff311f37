import type { JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../adapters/redis/keys.ts';
import { CALLBACK_JOB_NAME, CALLBACK_JOB_OPTIONS, type CallbackJobData } from '../jobs/callbacks/job.ts';
import { WELCOME_JOB_NAME, WELCOME_JOB_OPTIONS, welcomeJobFor, type WelcomeJobData } from '../jobs/welcome/job.ts';
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

const DAY_SECONDS = 24 * 3600;
const ADD_TIMEOUT_MS = 2000;
/** After Redis failed a callback, the next ones go straight to the spool this long (no 2 s wait each). */
const SPOOL_ONLY_MS = 1000;
/** Spooled events added to the queue per pipeline during a replay. */
const REPLAY_BATCH = 1000;
/**
 * Batches in flight at once: Redis runs one while the next is encoded. They share one
 * connection, so Redis still applies them in spool order (their commands are sent in the
 * order the batches start: same code path, no await in between that could reorder them).
 */
const REPLAY_IN_FLIGHT = 2;

/**
 * How long an event's dedupe marks live: at least a day, and always past the span in
 * which one signed callback can be accepted (its timestamp may be up to
 * WECOM_CALLBACK_MAX_AGE_S ahead of our clock or behind it), so a resend inside that
 * window is always known, however few completed jobs BullMQ keeps.
 */
export function dedupeTtlSeconds(callbackMaxAgeSeconds: number): number {
  return Math.max(DAY_SECONDS, 2 * callbackMaxAgeSeconds + 60);
}

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
 * Order: (1) queue.add with jobId = dedupe key and a BullMQ deduplication key of the same
 * id, which lives dedupeTtlSeconds whatever happens to the job: the add script checks and
 * sets it atomically with storing the job, so no mark ever outlives an event that was not
 * enqueued, and concurrent or late resends add nothing, even after the completed job was
 * trimmed; (2) SET seen NX, set only after the job exists, whose result tells accepted
 * from duplicate exactly. Two round trips, the same as without the deduplication key.
 * When Redis fails, the event goes to the fsync'd spool; the spool is replayed in order,
 * in pipelined batches, with the same dedupe. New events go straight to Redis whenever it
 * answers, even while an older spool is still being replayed: the domain does not depend
 * on the order facts arrive in.
 *
 * An add event with a WelcomeCode also queues its welcome.send job here, beside the callback
 * job and in the same round trip: the code lives 20 s, and the callback job may wait behind
 * other callbacks (a burst of adds, a kf storm) and makes its own WeCom call
 * (externalcontact/get) before it is done. The welcome job's id is the code's, so the
 * spool's replay or a resend adds it once; one replayed past its 20 s is dropped by the job.
 */
export class CallbackIntake {
  private replaying: Promise<void> | undefined;
  /** When Redis last failed a callback (ms), until a later add succeeds. */
  private redisFailedAt: number | undefined;
  private readonly dedupeTtl: number;

  constructor(
    private readonly deps: {
      queue: Queue<CallbackJobData>;
      redis: Redis;
      keys: RedisKeys;
      spool: Spool<CallbackJobData>;
      log: Logger;
      /** The welcome queue; without it no welcome is queued (tools that replay callbacks only). */
      welcome?: Queue<WelcomeJobData>;
      /** WECOM_CALLBACK_MAX_AGE_S (0: no timestamp check, dedupe for a day). */
      callbackMaxAgeSeconds?: number;
    },
  ) {
    this.dedupeTtl = dedupeTtlSeconds(deps.callbackMaxAgeSeconds ?? 0);
  }

  async accept(job: CallbackJobData): Promise<IntakeOutcome> {
    if (this.redisFailedAt === undefined || Date.now() - this.redisFailedAt >= SPOOL_ONLY_MS) {
      try {
        const outcome = await this.enqueue(job);
        this.redisFailedAt = undefined;
        return outcome;
      } catch (err) {
        // One line per outage, not one per callback.
        if (this.redisFailedAt === undefined) {
          this.deps.log.warn({ err: { message: (err as Error).message }, dedupeKey: job.dedupeKey }, 'redis unavailable: spooling callbacks');
        }
        this.redisFailedAt = Date.now();
      }
    }
    try {
      await this.deps.spool.append(job);
      return 'spooled';
    } catch (err) {
      throw new IntakeUnavailableError(err);
    }
  }

  /** Idempotent enqueue of one live callback. */
  async enqueue(job: CallbackJobData): Promise<'accepted' | 'duplicate'> {
    const { queue, redis } = this.deps;
    // BullMQ waits for a connection that is not ready instead of failing: fail fast here,
    // and bound the add, so an outage becomes a spool write, not a request past WeCom's 5 s.
    // An add that completes after its timeout is harmless: the replay of the spooled copy is a no-op.
    if (redis.status !== 'ready') throw new Error(`redis connection is ${redis.status}`);
    const welcomes = this.deps.welcome;
    const welcome = welcomes && welcomeJobFor(job.event, job.receivedAt);
    // The welcome first: its commands leave first on the shared connection.
    const added = Promise.all([
      welcome ? welcomes.add(WELCOME_JOB_NAME, welcome.data, { ...WELCOME_JOB_OPTIONS, jobId: welcome.id }) : undefined,
      queue.add(CALLBACK_JOB_NAME, job, this.jobOptions(job)),
    ]);
    await withTimeout(added, ADD_TIMEOUT_MS);
    const first = await redis.set(this.deps.keys.callbackSeen(job.dedupeKey), String(job.receivedAt), 'EX', this.dedupeTtl, 'NX');
    return first === 'OK' ? 'accepted' : 'duplicate';
  }

  /** Idempotent enqueue of spooled callbacks, in order: one pipeline of adds, then one of seen marks. */
  private async enqueueBatch(jobs: CallbackJobData[]): Promise<{ accepted: number; duplicate: number }> {
    const { queue, redis, keys } = this.deps;
    if (redis.status !== 'ready') throw new Error(`redis connection is ${redis.status}`);
    const welcomes = this.deps.welcome;
    const welcome = welcomes ? jobs.flatMap((job) => welcomeJobFor(job.event, job.receivedAt) ?? []) : [];
    if (welcomes && welcome.length > 0) {
      await welcomes.addBulk(welcome.map((w) => ({ name: WELCOME_JOB_NAME, data: w.data, opts: { ...WELCOME_JOB_OPTIONS, jobId: w.id } })));
    }
    await queue.addBulk(jobs.map((job) => ({ name: CALLBACK_JOB_NAME, data: job, opts: this.jobOptions(job) })));
    const marks = redis.pipeline();
    for (const job of jobs) marks.set(keys.callbackSeen(job.dedupeKey), String(job.receivedAt), 'EX', this.dedupeTtl, 'NX');
    const results = (await marks.exec()) ?? [];
    let accepted = 0;
    for (const [err, reply] of results) {
      if (err) throw err;
      if (reply === 'OK') accepted++;
    }
    return { accepted, duplicate: jobs.length - accepted };
  }

  private jobOptions(job: CallbackJobData): JobsOptions {
    return { ...CALLBACK_JOB_OPTIONS, jobId: job.dedupeKey, deduplication: { id: job.dedupeKey, ttl: this.dedupeTtl * 1000 } };
  }

  /** Whether events are waiting in the spool (for /readyz and metrics). */
  async spooledBytes(): Promise<number> {
    return this.deps.spool.size();
  }

  /**
   * Replays the spool into Redis if it holds anything; safe to call often (single-flight).
   * Leaves the spool whole if Redis fails again midway (or the process dies): the next
   * replay starts over and the dedupe makes what was already added a no-op.
   */
  replaySpool(): Promise<void> {
    this.replaying ??= (async () => {
      try {
        const bytes = await this.deps.spool.size();
        if (bytes === 0) return;
        this.deps.log.info({ bytes }, 'replaying the spool into the queue');
        const started = performance.now();
        const outcomes = { accepted: 0, duplicate: 0 };
        const count = await this.deps.spool.replay(async (jobs) => {
          const batch = await this.enqueueBatch(jobs);
          this.redisFailedAt = undefined;
          outcomes.accepted += batch.accepted;
          outcomes.duplicate += batch.duplicate;
        }, REPLAY_BATCH, REPLAY_IN_FLIGHT);
        this.deps.log.info({ count, ...outcomes, ms: Math.round(performance.now() - started) }, 'spool replayed into the queue');
      } catch (err) {
        this.deps.log.warn({ err: { message: (err as Error).message } }, 'spool replay interrupted; will retry');
      } finally {
        this.replaying = undefined;
      }
    })();
    return this.replaying;
  }
}
