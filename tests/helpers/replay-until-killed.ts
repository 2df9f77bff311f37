/**
 * A Fenji stand-in that replays a spool and dies by SIGKILL once `killAfter` events are in
 * the queue (the crash mid-replay of tests/integration/spool-replay.int.test.ts).
 * Usage: node --import tsx tests/helpers/replay-until-killed.ts <redisUrl> <prefix> <spoolDir> <killAfter>
 */
import { Queue } from 'bullmq';
import pino from 'pino';
import { createRedis } from '../../src/adapters/redis/connections.ts';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { CallbackIntake } from '../../src/ingress/callback-intake.ts';
import { Spool } from '../../src/ingress/spool.ts';
import { QUEUE_NAMES } from '../../src/jobs/queues.ts';
import { type CallbackJobData } from '../../src/jobs/callbacks/job.ts';

const [redisUrl, prefix, spoolDir, killAfter] = process.argv.slice(2) as [string, string, string, string];
const log = pino({ level: 'silent' });
const producer = createRedis(redisUrl, 'producer', log);
await new Promise((r) => producer.once('ready', r));
const queue = new Queue<CallbackJobData>(QUEUE_NAMES.callbacks, { connection: producer, prefix });

// Count what reaches Redis whichever way the intake adds jobs, and die right after the
// add that crosses the limit: Redis holds part of the spool, the file is untouched.
let added = 0;
const crashAfter = (n: number) => {
  added += n;
  if (added >= Number(killAfter)) process.kill(process.pid, 'SIGKILL');
};
const add = queue.add.bind(queue);
queue.add = async (...args) => {
  const job = await add(...args);
  crashAfter(1);
  return job;
};
const addBulk = queue.addBulk.bind(queue);
queue.addBulk = async (jobs) => {
  const added = await addBulk(jobs);
  crashAfter(jobs.length);
  return added;
};

const intake = new CallbackIntake({ queue, redis: producer, keys: new RedisKeys(prefix), spool: new Spool(spoolDir), log });
await intake.replaySpool();
process.exit(0);
