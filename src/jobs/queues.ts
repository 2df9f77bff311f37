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
  /** Outreach (jobs/outreach/): the planning run, the read-backs and the reps' A lists. */
  outreach: 'outreach',
  /** Outreach's add_msg_template sends, alone under the limiter sized from FENJI_GROUPMSG_PER_MINUTE. */
  outreachSends: 'outreach-sends',
  /** The old follow-up queue: jobs queued before the outreach pipeline are finished there (jobs/outreach/legacy.ts). */
  followups: 'followups',
  /**
   * Welcome messages, one per add with a WelcomeCode, each due within 20 s: their own lane,
   * so no campaign, tag storm or kf backlog on another queue can delay one.
   */
  welcome: 'welcome',
  /** Member → app commands (bot.command): their own queue, so a backlog of contact events never delays an answer. */
  bot: 'bot',
} as const;

export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

/** One producer-side Queue per name (what the web role and the enqueuers add jobs with). */
export type Queues = { [K in keyof typeof QUEUE_NAMES]: Queue };

export function createQueues(connection: Redis, prefix: string): Queues {
  const entries = Object.entries(QUEUE_NAMES).map(([key, name]) => [key, new Queue(name, { connection, prefix })]);
  return Object.fromEntries(entries) as Queues;
}
