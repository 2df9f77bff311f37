import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** Queue names: few, named by concern. Each queue's policy and jobs are in registry.ts. */
export const QUEUE_NAMES = {
  callbacks: 'callbacks',
  system: 'system',
  /** Calls that write to WeCom (mark_tag, the reps' opt-out notices); it alone carries their concurrency and rate limits. */
  wecomOutbound: 'wecom-outbound',
  /** Time-driven tier work: due re-evaluation and the nightly full recompute (concurrency 1). */
  tiers: 'tiers',
  /** kf/sync_msg pulls, one at a time (global concurrency 1) so cursors never race. */
  kf: 'kf',
  /** Full contact sync from WeCom and the nightly reconciliation, one at a time (global concurrency 1). */
  contacts: 'contacts',
  /** Value scoring of every contact (nightly or on demand), one run at a time (global concurrency 1). */
  value: 'value',
  /** Follow-up pushes: the planning run and the add_msg_template tasks it creates (jobs/followups/). */
  followups: 'followups',
} as const;

export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

/** One producer-side Queue per name (what the web role and the enqueuers add jobs with). */
export type Queues = { [K in keyof typeof QUEUE_NAMES]: Queue };

export function createQueues(connection: Redis, prefix: string): Queues {
  const entries = Object.entries(QUEUE_NAMES).map(([key, name]) => [key, new Queue(name, { connection, prefix })]);
  return Object.fromEntries(entries) as Queues;
}
