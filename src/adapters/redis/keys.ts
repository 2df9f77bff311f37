/**
 * The one place that builds Redis keys. Every key starts with the configured prefix
 * (REDIS_KEY_PREFIX, default `fenji`), so several deployments or test runs can share a
 * server. BullMQ queues use the same prefix (see jobs/queues.ts).
 */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  /** String written by /readyz to learn whether Redis takes writes; TTL a few seconds. */
  readinessProbe(): string {
    return `${this.prefix}:readyz:probe`;
  }

  /** String, JSON `{ token, expiresAt }` of the cached access_token; TTL = expires_in − margin. */
  wecomToken(corpId: string, agentId: number | string): string {
    return `${this.prefix}:wecom:token:${corpId}:${agentId}`;
  }

  /** String lock (SET NX PX) held by the process refreshing the access_token. */
  wecomTokenLock(corpId: string, agentId: number | string): string {
    return `${this.prefix}:wecom:token-lock:${corpId}:${agentId}`;
  }

  /** String marker "callback accepted" per dedupe key; TTL 24 h (far past WeCom's retries). */
  callbackSeen(dedupeKey: string): string {
    return `${this.prefix}:callback:seen:${dedupeKey}`;
  }

  /**
   * String, one contact's whole record in the compact codec of
   * adapters/redis/contact-store/codec.ts (`<hot JSON>\n<cold JSON>`). Permanent.
   */
  contact(externalUserId: string): string {
    return `${this.prefix}:ct:${externalUserId}`;
  }

  /** Set of the orderIds already folded into a contact (addOrder idempotency). Permanent. */
  contactOrders(externalUserId: string): string {
    return `${this.prefix}:ct:${externalUserId}:o`;
  }

  /** Hash orderId → the order as kept (JSON), to answer replays and conflicts. Permanent. */
  contactOrderDocs(externalUserId: string): string {
    return `${this.prefix}:ct:${externalUserId}:od`;
  }

  /** List of a contact's tier changes, newest first, capped (LTRIM) at 50. Permanent. */
  contactHistory(externalUserId: string): string {
    return `${this.prefix}:ct:${externalUserId}:h`;
  }

  /**
   * Sorted set, all scores 0 (ordered by id, for stable cursors): the contacts in one tier;
   * `_` holds contacts not tiered yet. Every contact is in exactly one. Permanent.
   */
  tierIndex(tier: string): string {
    return `${this.prefix}:ix:t:${tier}`;
  }

  /** Sorted set like tierIndex, for one rep's active relations only. Permanent. */
  repTierIndex(userId: string, tier: string): string {
    return `${this.prefix}:ix:r:${userId}:${tier}`;
  }

  /**
   * Hash: contacts per tier index, kept by the contact commit with every ZADD/ZREM that
   * really changed an index (so it equals ZCARD): fields `A`..`D`, `_` and `<rep>|<tier>`.
   * Permanent; rebuilt from the indexes by tier-aggregates recompute.
   */
  tierCounts(): string {
    return `${this.prefix}:agg:tc`;
  }

  /** Hash like tierCounts: the net change within one hour (hours since the epoch); TTL 10 days. */
  tierDeltas(hour: number): string {
    return `${this.prefix}:agg:td:${hour}`;
  }

  /** Hash: tier moves committed within one hour, `<from>><to>` and `<rep>|<from>><to>`; TTL 10 days. */
  tierMoves(hour: number): string {
    return `${this.prefix}:agg:tm:${hour}`;
  }

  /** String: when the tier counts were first kept or last rebuilt (ms); deltas before it are missing. */
  tierAggregatesSince(): string {
    return `${this.prefix}:agg:since`;
  }

  /**
   * Hash of the paid business by product and region, kept by addOrder in the order's commit
   * (exactly once per orderId): `p|<product>|n`, `p|<product>|fen`, `r|<region>|n`, `r|<region>|fen`.
   */
  orderTotals(): string {
    return `${this.prefix}:agg:orders`;
  }

  /** Sorted set: buyer id by the sum of their orders (fen), for the Pareto share. Permanent. */
  buyerRevenue(): string {
    return `${this.prefix}:ix:buyers`;
  }

  /** Sorted set: contact id by nextReviewAt (ms); absent when only a new fact can change the tier. */
  tierDue(): string {
    return `${this.prefix}:ix:due`;
  }

  /**
   * Sorted set per tier: contact id by follow-up anchor (ms; domain/followups followUpAnchor:
   * the last push, else when the contact entered the tier). Only contacts that can be pushed
   * (a tier, an active relation, not left); kept by the contact commit like the other indexes.
   */
  followUpDue(tier: string): string {
    return `${this.prefix}:ix:fu:${tier}`;
  }

  /** String, the version of the follow-up index's one-time backfill of contacts stored before it existed. */
  followUpIndexVersion(): string {
    return `${this.prefix}:ix:fu-version`;
  }

  /**
   * Sorted set per stated birthday, all scores 0 (ordered by id, for stable cursors): the
   * contacts whose profile birthday is `calendar` (s = solar, l = lunar) month `MMDD`, e.g.
   * `ix:bd:l:0815`. Kept by the contact commit with every record write (contact-store/
   * birthday-index.ts); the birthday planner asks for the month-days that fall on a day.
   */
  birthdayIndex(calendar: 's' | 'l', monthDay: string): string {
    return `${this.prefix}:ix:bd:${calendar}:${monthDay}`;
  }

  /** String, the version of the birthday index's one-time backfill of contacts stored before it existed. */
  birthdayIndexVersion(): string {
    return `${this.prefix}:ix:bd-version`;
  }

  /**
   * Sorted set per name gram, all scores 0 (ordered by id): the contacts whose WeCom name or
   * a remark contains the gram (a Han character, or two adjacent letters/digits/characters;
   * domain/contacts/name-search.ts). Grams hold letters and digits only, never `:` or a glob
   * character. Kept by the contact commit with every record write (contact-store/name-index.ts).
   */
  nameIndex(gram: string): string {
    return `${this.prefix}:ix:nm:${gram}`;
  }

  /** String, the version of the name index's one-time backfill of contacts stored before it existed. */
  nameIndexVersion(): string {
    return `${this.prefix}:ix:nm-version`;
  }

  /**
   * Sorted set: every kept order with a payment time, member JSON `[externalUserId, orderId]`,
   * score paidAt (ms). Written with the order by addOrder, in the same atomic step; orders
   * never change once kept, so entries never move. The after-sale planner reads it by time.
   */
  paidOrders(): string {
    return `${this.prefix}:ix:paid`;
  }

  /** String, the version of the paid-orders index's one-time backfill of orders kept before it existed. */
  paidOrdersVersion(): string {
    return `${this.prefix}:ix:paid-version`;
  }

  /**
   * String per contact: the id of the old followups.send job that owned its next follow-up
   * (SET NX; TTL). No longer written: read (and settled by the old read-backs) until the
   * last one expires, a week after the upgrade (adapters/redis/legacy-follow-up-claims.ts).
   */
  followUpClaim(externalUserId: string): string {
    return `${this.prefix}:fu:claim:${externalUserId}`;
  }

  /** String per old followups.send job: what its call did. No longer written; read by the old jobs' aliases. */
  followUpSend(jobId: string): string {
    return `${this.prefix}:fu:send:${jobId}`;
  }

  /**
   * Hash per outreach occasion (OutreachItem.occasionKey): customer id → its mark (owner,
   * and the claim's end while not sent; adapters/redis/outreach-ledger.ts). A customer
   * gets one message per occasion, ever. TTL 400 days, renewed by each write.
   */
  outreachOccasion(occasionKey: string): string {
    return `${this.prefix}:or:oc:${occasionKey}`;
  }

  /** Hash per local day (YYYY-MM-DD, FENJI_TIMEZONE): customer id → the mark of its one automated message that day. TTL 3 days. */
  outreachDay(isoDate: string): string {
    return `${this.prefix}:or:day:${isoDate}`;
  }

  /**
   * Hash per receive-cap period (`<rule>:<first day>`): customer id → the marks of the
   * 企业群发 messages it gets in the period, space-separated. Expires a day after the period.
   */
  outreachCap(periodId: string): string {
    return `${this.prefix}:or:cap:${periodId}`;
  }

  /**
   * String per completed planning pass (OutreachPlanner.passKey, e.g. the holiday planner's
   * every-contact scan of one day): '1' once a run read all of it and queued its sends, so
   * the day's later runs skip it. TTL 4 days (keys name their day).
   */
  outreachPass(passKey: string): string {
    return `${this.prefix}:or:pass:${passKey}`;
  }

  /**
   * String per send job (outreach.send, outreach.notify), JSON: what its call did (before
   * the call 'calling'; then the msgid and fail_list), so a retry never sends twice. TTL 7 days.
   */
  outreachOutcome(jobId: string): string {
    return `${this.prefix}:or:send:${jobId}`;
  }

  /**
   * List of what dry runs (FENJI_DRY_RUN=1) would have sent, JSON per send, newest last,
   * capped (LTRIM) at 10,000. Permanent; delete it by hand.
   */
  outreachDryRun(): string {
    return `${this.prefix}:or:dry-run`;
  }

  /**
   * String, JSON ValueSummary (domain/ports.ts): contacts per value grade and quadrant as
   * of the last value scoring run (adapters/redis/contact-store/value-batches.ts). Overwritten by each run.
   * Not under `value:`, which is the BullMQ namespace of the `value` queue.
   */
  valueSummary(): string {
    return `${this.prefix}:stats:value`;
  }

  /**
   * String, JSON `{ groupId, tags: { A, B, C, D } }`: the WeCom corp tag id of each tier
   * tag (adapters/wecom-api/tier-tags.ts). No TTL: rewritten when the corp's tags change.
   */
  tierTags(): string {
    return `${this.prefix}:wecom:tier-tags`;
  }

  /**
   * String lock (SET NX PX, owner token) held by the tier.tag job mirroring one contact's
   * tier: one such job per contact at a time (adapters/redis/tier-tag-lock.ts).
   */
  tierTagLock(externalUserId: string): string {
    return `${this.prefix}:wecom:tier-tag-lock:${externalUserId}`;
  }

  /** String, the kf/sync_msg next_cursor of one 微信客服 account, saved after its page is stored. Permanent. */
  kfCursor(openKfId: string): string {
    return `${this.prefix}:wecom:kf-cursor:${openKfId}`;
  }

  /** String lock (SET NX PX, random owner) held while one kf account's messages are synced. */
  kfSyncLock(openKfId: string): string {
    return `${this.prefix}:wecom:kf-lock:${openKfId}`;
  }

  /**
   * Set of `externalUserId\nuserId` pairs one contact sync run (a `contacts.sync` job) has
   * read from WeCom; the reconciliation compares local relations against it. TTL 3 days,
   * deleted when the run completes.
   */
  syncSeenPairs(runId: string): string {
    return `${this.prefix}:sync:${runId}:pairs`;
  }

  /** Set of the external_userids one contact sync run has read (counts distinct contacts). Like syncSeenPairs. */
  syncSeenContacts(runId: string): string {
    return `${this.prefix}:sync:${runId}:contacts`;
  }

  /** String, ms epoch of the last heartbeat job a worker ran (no TTL; overwritten). */
  heartbeat(): string {
    return `${this.prefix}:system:heartbeat`;
  }

  /** String per member, JSON PendingChoice (domain/bot/ports.ts): the numbered list last shown; TTL BOT_CHOICE_TTL_MS. */
  botChoice(userId: string): string {
    return `${this.prefix}:bot:choice:${userId}`;
  }

  /** Sorted set per member: the MsgIds of their commands by time (ms), for flood control; trimmed to 10 min, TTL 10 min. */
  botCommandRate(userId: string): string {
    return `${this.prefix}:bot:rate:${userId}`;
  }

  /** Hash per bot.command job: `parts` (JSON array, set once) and `sent` (parts delivered), so a retry sends the rest only. TTL 1 day. */
  botReply(jobId: string): string {
    return `${this.prefix}:bot:reply:${jobId}`;
  }

  /** Sorted set per member: app messages sent to them in the last minute (ms), for WeCom's 30 a minute per member. TTL 2 min. */
  botSendLog(userId: string): string {
    return `${this.prefix}:bot:sent:${userId}`;
  }
}
