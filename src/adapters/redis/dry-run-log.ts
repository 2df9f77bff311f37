import type { Redis } from 'ioredis';
import type { DryRunEntry, DryRunRecorder } from '../../domain/outreach/ports.ts';
import type { Logger } from '../../shared/logger.ts';
import type { RedisKeys } from './keys.ts';

/** Entries kept: the newest, enough for a campaign's sends and lists. */
const KEEP = 10_000;

/**
 * What a dry run (FENJI_DRY_RUN=1) would have sent: one JSON entry per send or list in a
 * capped Redis list (keys.outreachDryRun), and one info line each without the text.
 */
export class RedisDryRunLog implements DryRunRecorder {
  private readonly redis: Redis;
  private readonly keys: RedisKeys;
  private readonly log: Logger;

  constructor({ redis, keys, log }: { redis: Redis; keys: RedisKeys; log: Logger }) {
    this.redis = redis;
    this.keys = keys;
    this.log = log;
  }

  async record(entry: DryRunEntry): Promise<void> {
    const key = this.keys.outreachDryRun();
    await this.redis.multi().rpush(key, JSON.stringify(entry)).ltrim(key, -KEEP, -1).exec();
    const { texts, recipients, ...fields } = entry;
    this.log.info({ ...fields, recipients: recipients.length, parts: texts.length }, 'dry run: would send, nothing sent');
  }

  /** Every entry kept, oldest first. */
  async entries(): Promise<DryRunEntry[]> {
    return (await this.redis.lrange(this.keys.outreachDryRun(), 0, -1)).map((raw) => JSON.parse(raw) as DryRunEntry);
  }
}
