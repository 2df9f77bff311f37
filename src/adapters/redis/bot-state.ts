import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { CommandRate, PendingChoice, PendingChoices } from '../../domain/bot/ports.ts';
import type { RedisKeys } from './keys.ts';

/** How long a numbered list can be answered with a number. */
export const BOT_CHOICE_TTL_MS = 5 * 60_000;
const MINUTE_MS = 60_000;
/** Flood history kept per member: a retried job within this long gets the same position. */
const RATE_HISTORY_MS = 10 * MINUTE_MS;
const REPLY_TTL_S = 24 * 3600;

/** A member's pending numbered choice: one JSON string with a TTL. */
export class RedisPendingChoices implements PendingChoices {
  constructor(private readonly redis: Redis, private readonly keys: RedisKeys) {}

  async put(userId: string, choice: PendingChoice): Promise<void> {
    await this.redis.set(this.keys.botChoice(userId), JSON.stringify(choice), 'PX', BOT_CHOICE_TTL_MS);
  }

  async get(userId: string): Promise<PendingChoice | null> {
    const raw = await this.redis.get(this.keys.botChoice(userId));
    return raw === null ? null : (JSON.parse(raw) as PendingChoice);
  }
}

/**
 * KEYS[1] the member's rate set; ARGV: message id, its time (ms), window, history (ms).
 * Adds the message once (NX: a retry keeps its first time), drops history older than its
 * own, and counts the messages in the window ending at its time: a retry long after later
 * messages arrived still gets the position it had.
 */
const POSITION_LUA = `
redis.call('ZADD', KEYS[1], 'NX', ARGV[2], ARGV[1])
local at = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[1]))
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (at - tonumber(ARGV[4])))
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return redis.call('ZCOUNT', KEYS[1], '(' .. (at - tonumber(ARGV[3])), at)
`;

/** Commands per member per minute, idempotent per MsgId. */
export class RedisCommandRate implements CommandRate {
  constructor(private readonly redis: Redis, private readonly keys: RedisKeys) {}

  async position(userId: string, messageId: string, at: number): Promise<number> {
    return Number(await this.redis.eval(POSITION_LUA, 1, this.keys.botCommandRate(userId), messageId, at, MINUTE_MS, RATE_HISTORY_MS));
  }
}

/**
 * KEYS[1] the member's send log; ARGV: now (ms), limit per minute, a unique id.
 * Takes one slot if fewer than `limit` messages went out in the last minute (returns 0),
 * else returns the ms until the oldest leaves the window.
 */
const RESERVE_LUA = `
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 60000)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], 120000)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + 60000 - now + 1)
`;

/** One message of an answer: a text part, or a file already uploaded (its media_id lives 3 days). */
export type OutboxPart = string | { file: { media_id: string; filename: string } };

/**
 * What the bot.command job sends, kept so a retried job neither recomputes a different
 * answer nor sends a part twice: the parts are written once per job, and `sent` counts
 * the delivered ones. Also the per-member send budget (WeCom drops, silently, more than
 * 30 app messages a minute to one member: docs/wecom/api.md, 'App messages').
 */
export class RedisBotOutbox {
  constructor(private readonly redis: Redis, private readonly keys: RedisKeys) {}

  /** The job's parts (the first call's `parts` win) and how many were already sent. */
  async prepare(jobId: string, parts: readonly OutboxPart[]): Promise<{ parts: OutboxPart[]; sent: number }> {
    const key = this.keys.botReply(jobId);
    const replies = await this.redis.multi().hsetnx(key, 'parts', JSON.stringify(parts)).expire(key, REPLY_TTL_S).hmget(key, 'parts', 'sent').exec();
    const [err, values] = replies?.[2] ?? [new Error('no reply'), null];
    if (err) throw err;
    const [stored, sent] = values as [string | null, string | null];
    return { parts: stored === null ? [...parts] : (JSON.parse(stored) as OutboxPart[]), sent: Number(sent ?? 0) };
  }

  /** Whether the job's answer was already composed (a retry, or a resume after waiting). */
  async hasReply(jobId: string): Promise<boolean> {
    return (await this.redis.hexists(this.keys.botReply(jobId), 'parts')) === 1;
  }

  async markSent(jobId: string, sent: number): Promise<void> {
    await this.redis.hset(this.keys.botReply(jobId), 'sent', sent);
  }

  /** 0 when one message to the member may go now (the slot is taken), else the ms to wait. */
  async reserveSend(userId: string, now: number, perMinute: number): Promise<number> {
    return Number(await this.redis.eval(RESERVE_LUA, 1, this.keys.botSendLog(userId), now, perMinute, randomUUID()));
  }
}
