import { createHash } from 'node:crypto';
import type { Redis, Result } from 'ioredis';
import { localDateOf } from '../../domain/followups/local-time.ts';
import type { LedgerItem, LedgerVerdict, OutreachLedger, OwnedLedgerItem, SendOutcome } from '../../domain/outreach/ports.ts';
import { isoDate, receivePeriod, type GroupMsgRule, type ReceivePeriod } from '../../domain/outreach/receive-rule.ts';
import type { Clock } from '../../shared/clock.ts';
import type { RedisKeys } from './keys.ts';
import { OUTREACH_LEDGER_LUA } from './scripts/outreach-ledger.ts';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    fenjiOutreachLedger(numKeys: number, ...keysAndArgs: (string | number)[]): Result<number[], Context>;
  }
}

/**
 * Items per script call: a few ms of Redis time at most. A larger batch is several calls
 * sent together; Redis runs them in order, so a later chunk sees the marks of an earlier
 * one. Each call is atomic, a batch is not: a failed call does not stop those after it,
 * which is safe as every mode may be repeated, and the caller's retry repeats it.
 */
const CHUNK = 500;
/** A send's outcome is kept this long: well past any retry of its job. */
const OUTCOME_TTL_MS = 7 * 86_400_000;
/** An occasion's hash outlives any repeat of it (keys carry their year or due day). */
const OCCASION_TTL_S = 400 * 86_400;
/** A day's hash outlives the day wherever the clock is, and any late release. */
const DAY_TTL_S = 3 * 86_400;
const VERDICTS: LedgerVerdict[] = ['ok', 'already_sent', 'day_taken', 'capped'];

/**
 * The outreach ledger in Redis: one hash per occasion, per local day and per receive-cap
 * period (keys.outreachOccasion / outreachDay / outreachCap), a field per customer, so a
 * million-customer campaign costs three fields per customer and no key of its own. A
 * field's value is its owner (a short hash of the send job's id) and, while only claimed,
 * `~` and the claim's end (seconds, base 36): an expired claim is free again, a sent one
 * is permanent. Every change is one Lua script over all three marks (scripts/outreach-ledger.ts).
 */
export class RedisOutreachLedger implements OutreachLedger {
  private readonly redis: Redis;
  private readonly keys: RedisKeys;
  private readonly clock: Clock;
  private readonly periods: PeriodMemo;
  /** Owner tokens of recent calls: a planning run's pages name the same few thousand sends. */
  private readonly tokens = new TokenMemo();

  /** `timeZone`: the customers' day (FENJI_TIMEZONE); `rule`: the corp's receive rule (FENJI_GROUPMSG_RULE); `clock`: when claims end. */
  constructor({ redis, keys, timeZone, rule, clock }: { redis: Redis; keys: RedisKeys; timeZone: string; rule: GroupMsgRule; clock: Clock }) {
    this.clock = clock;
    this.redis = redis;
    this.keys = keys;
    this.periods = new PeriodMemo(keys, timeZone, rule);
    if (typeof (redis as Partial<Redis>).fenjiOutreachLedger !== 'function') {
      redis.defineCommand('fenjiOutreachLedger', { lua: OUTREACH_LEDGER_LUA });
    }
  }

  async claim(items: readonly LedgerItem[], owner: string, at: number, until: number): Promise<LedgerVerdict[]> {
    return this.claimEach(items.map((item) => ({ ...item, owner })), at, until);
  }

  async claimEach(items: readonly OwnedLedgerItem[], at: number, until: number): Promise<LedgerVerdict[]> {
    return (await this.run('claim', items, at, until)).map((v) => VERDICTS[v]!);
  }

  async check(items: readonly LedgerItem[], at: number): Promise<LedgerVerdict[]> {
    return (await this.run('check', items.map((item) => ({ ...item, owner: null })), at, at)).map((v) => VERDICTS[v]!);
  }

  async hold(items: readonly LedgerItem[], owner: string, at: number, until: number): Promise<void> {
    await this.run('hold', items.map((item) => ({ ...item, owner })), at, until);
  }

  async markSent(items: readonly LedgerItem[], owner: string, at: number): Promise<void> {
    await this.run('sent', items.map((item) => ({ ...item, owner })), at, at);
  }

  async release(items: readonly LedgerItem[], owner: string, at: number, options: { keepDay?: boolean } = {}): Promise<void> {
    await this.run(options.keepDay ? 'release-keep-day' : 'release', items.map((item) => ({ ...item, owner })), at, at);
  }

  async outcome(jobId: string): Promise<SendOutcome | null> {
    const raw = await this.redis.get(this.keys.outreachOutcome(jobId));
    return raw === null ? null : (JSON.parse(raw) as SendOutcome);
  }

  async saveOutcome(jobId: string, outcome: SendOutcome): Promise<void> {
    await this.redis.set(this.keys.outreachOutcome(jobId), JSON.stringify(outcome), 'PX', OUTCOME_TTL_MS);
  }

  async clearOutcome(jobId: string): Promise<void> {
    await this.redis.del(this.keys.outreachOutcome(jobId));
  }

  /** `owner` null: nobody's (check). */
  private async run(mode: string, items: readonly (LedgerItem & { owner: string | null })[], at: number, until: number): Promise<number[]> {
    const { day, period, earlier } = this.periods.of(at);
    const now = Math.floor(this.clock.now() / 1000);
    const calls: Promise<number[]>[] = [];
    const tokens = this.tokens;
    for (let i = 0; i < items.length; i += CHUNK) {
      const chunk = items.slice(i, i + CHUNK);
      // The shared hashes first, then each occasion hash once; an item names its own by index.
      const keys = [day, this.keys.outreachCap(period.id), ...earlier];
      const occasionIndex = new Map<string, number>();
      const flat: (string | number)[] = [];
      for (const item of chunk) {
        let index = occasionIndex.get(item.occasionKey);
        if (index === undefined) occasionIndex.set(item.occasionKey, index = keys.push(this.keys.outreachOccasion(item.occasionKey)));
        flat.push(item.externalUserId, item.counts ? 1 : 0, index, item.owner === null ? '' : tokens.of(item.owner));
      }
      const args = [
        mode, now, Math.ceil(until / 1000), period.cap,
        OCCASION_TTL_S, DAY_TTL_S, Math.max(86_400, Math.ceil((period.end - this.clock.now()) / 1000) + 86_400), earlier.length,
        JSON.stringify(flat),
      ];
      calls.push(this.redis.fenjiOutreachLedger(keys.length, ...keys, ...args));
    }
    return (await Promise.all(calls)).flat();
  }
}

/**
 * The day hash, the cap period and the earlier periods' hashes of an instant, remembered
 * for the last instant asked: a planning run asks with one `at` for every page, and the
 * periods take Intl and 31 days of arithmetic to find.
 */
class PeriodMemo {
  private last: { at: number; day: string; period: ReceivePeriod; earlier: string[] } | null = null;

  constructor(private readonly keys: RedisKeys, private readonly timeZone: string, private readonly rule: GroupMsgRule) {}

  of(at: number): { day: string; period: ReceivePeriod; earlier: string[] } {
    if (this.last?.at !== at) {
      this.last = {
        at,
        day: this.keys.outreachDay(isoDate(localDateOf(at, this.timeZone))),
        period: receivePeriod(this.rule, at),
        earlier: earlierPeriods(this.rule, at).map((p) => this.keys.outreachCap(p)),
      };
    }
    return this.last;
  }
}

/**
 * The cap periods before the one of `at` whose tasks may still await the rep's
 * confirmation (at most 30 days, confirmWithinDays' bound, plus a day): WeCom counts a
 * message when it is delivered, so one planned then may still land in this period.
 */
function earlierPeriods(rule: GroupMsgRule, at: number): string[] {
  const ids: string[] = [];
  for (let back = 1; back <= 31; back++) {
    const id = receivePeriod(rule, at - back * 86_400_000).id;
    if (!ids.includes(id) && id !== receivePeriod(rule, at).id) ids.push(id);
  }
  return ids;
}

/** A send job's id as a ledger owner: 10 characters instead of 50-odd, in every field it marks. */
export function ownerToken(jobId: string): string {
  return createHash('sha1').update(jobId).digest('base64url').slice(0, 10);
}

/**
 * ownerToken per owner, remembered: a page's items share a few hundred owners and a run's
 * pages the same few thousand. Forgets everything past MAX_TOKENS (a long-lived worker
 * meets a new run's owners every quarter-hour).
 */
class TokenMemo {
  private static readonly MAX_TOKENS = 50_000;
  private readonly tokens = new Map<string, string>();

  of(owner: string): string {
    let token = this.tokens.get(owner);
    if (token === undefined) {
      if (this.tokens.size >= TokenMemo.MAX_TOKENS) this.tokens.clear();
      this.tokens.set(owner, token = ownerToken(owner));
    }
    return token;
  }
}
