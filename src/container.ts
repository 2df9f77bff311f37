import path from 'node:path';
import { Queue, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { createRedis } from './adapters/redis/connections.ts';
import { RedisKeys } from './adapters/redis/keys.ts';
import type { Config } from './config/load-config.ts';
import { CallbackIntake } from './ingress/callback-intake.ts';
import { Spool } from './ingress/spool.ts';
import { QUEUE_NAMES, type CallbackJobData } from './jobs/queues.ts';
import { createWorkers } from './jobs/workers.ts';
import { createMetrics, type Metrics } from './observability/metrics.ts';
import { systemClock, type Clock } from './shared/clock.ts';
import type { Logger } from './shared/logger.ts';

/** Composition root: builds what each role needs from the config, and closes it in order. */
export interface Container {
  config: Config;
  log: Logger;
  clock: Clock;
  keys: RedisKeys;
  metrics: Metrics;
  producer: Redis;
  queues: { callbacks: Queue<CallbackJobData>; system: Queue };
  intake: CallbackIntake;
  startWorkers(): Worker[];
  close(): Promise<void>;
}

export function createContainer(config: Config, log: Logger, clock: Clock = systemClock): Container {
  const keys = new RedisKeys(config.redis.keyPrefix);
  const metrics = createMetrics();
  const producer = createRedis(config.redis.url, 'producer', log);
  const prefix = config.redis.keyPrefix;
  const queues = {
    callbacks: new Queue<CallbackJobData>(QUEUE_NAMES.callbacks, { connection: producer, prefix }),
    system: new Queue(QUEUE_NAMES.system, { connection: producer, prefix }),
  };
  for (const queue of Object.values(queues)) {
    queue.on('error', (err) => log.debug({ queue: queue.name, err: { message: err.message } }, 'queue error'));
  }
  const spool = new Spool<CallbackJobData>(path.join(config.dataDir, 'spool'));
  const intake = new CallbackIntake({ queue: queues.callbacks, redis: producer, keys, spool, log: log.child({ component: 'intake' }) });

  const closers: (() => Promise<unknown>)[] = [];
  let workerRedis: Redis | undefined;

  return {
    config, log, clock, keys, metrics, producer, queues, intake,
    startWorkers() {
      workerRedis = createRedis(config.redis.url, 'worker', log);
      const workers = createWorkers({
        connection: workerRedis,
        prefix,
        keys,
        concurrency: config.worker.concurrency,
        metrics,
        log: log.child({ component: 'worker' }),
      });
      for (const worker of workers) {
        void worker.run();
        closers.push(() => worker.close());
      }
      return workers;
    },
    async close() {
      for (const close of closers.reverse()) await close().catch(() => undefined);
      await Promise.all(Object.values(queues).map((q) => q.close().catch(() => undefined)));
      producer.disconnect();
      workerRedis?.disconnect();
    },
  };
}
