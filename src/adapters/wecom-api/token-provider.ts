import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../redis/keys.ts';
import { systemClock, type Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/logger.ts';
import { WeComConfigurationError, WeComTransportError } from '../../wecom/api-errors.ts';

/** Source of a valid access_token for one WeCom app. */
export interface TokenProvider {
  /** A token that is not about to expire; fetches one if needed. */
  getToken(): Promise<string>;
  /** Forget `token` because WeCom rejected it; a newer cached token is kept. */
  invalidate(token: string): Promise<void>;
}

/** What gettoken returned. */
export interface FetchedToken {
  token: string;
  expiresInSec: number;
}

/** Calls WeCom's gettoken; the provider decides when. */
export type FetchToken = (credentials: { corpId: string; secret: string }) => Promise<FetchedToken>;

export interface RedisTokenProviderOptions {
  redis: Redis;
  keys: RedisKeys;
  corpId: string;
  agentId: number | string;
  secret: string;
  fetchToken: FetchToken;
  clock?: Clock;
  log: Logger;
  /** Stop using a token this long before it expires (capped at half its lifetime). Default 5 min. */
  safetyMarginMs?: number;
  /** TTL of the refresh lock. Default 10 s. */
  lockTtlMs?: number;
  /** How long a process that lost the lock waits for the winner's token. Default 5 s. */
  peerWaitMs?: number;
  /** Poll interval while waiting for the winner. Default 50 ms. */
  pollIntervalMs?: number;
  /** After a configuration error from gettoken, fail fast this long. Default 60 s. */
  configFailureCooldownMs?: number;
}

/** The cached value. `staleAt` = `expiresAt` − safety margin, when we stop handing it out. */
interface CachedToken {
  token: string;
  expiresAt: number;
  staleAt: number;
}

/*
 * Compare-and-delete of the cached token. KEYS[1] = token key, ARGV[1] = the token that
 * WeCom rejected. Deletes only if the cache still holds that token (or holds garbage), so a
 * process reporting an old token cannot wipe the one a peer has just fetched.
 */
const INVALIDATE_TOKEN_LUA = `
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local ok, entry = pcall(cjson.decode, raw)
if ok and type(entry) == 'table' and entry.token ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])`;

/* Release the refresh lock only if we still own it. KEYS[1] = lock key, ARGV[1] = owner id. */
const RELEASE_LOCK_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * access_token cache shared by every Fenji process through Redis (docs/wecom/api.md, 'Access token').
 * Refresh is single-flight twice over: one promise per process, and a Redis lock
 * (`SET NX PX`) across processes; a process that loses the lock polls the cache instead of
 * calling gettoken, so each expiry costs exactly one gettoken call. That matters: WeCom
 * throttles gettoken and blocks IPs that call it with errors too often.
 */
export class RedisTokenProvider implements TokenProvider {
  private readonly tokenKey: string;
  private readonly lockKey: string;
  private readonly clock: Clock;
  private inflight: Promise<string> | undefined;
  private coolDown: { until: number; error: WeComConfigurationError } | undefined;

  constructor(private readonly options: RedisTokenProviderOptions) {
    this.tokenKey = options.keys.wecomToken(options.corpId, options.agentId);
    this.lockKey = options.keys.wecomTokenLock(options.corpId, options.agentId);
    this.clock = options.clock ?? systemClock;
  }

  async getToken(): Promise<string> {
    const cached = await this.readFresh();
    if (cached) {
      return cached;
    }
    this.inflight ??= this.refresh().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  async invalidate(token: string): Promise<void> {
    const deleted = await this.options.redis.eval(INVALIDATE_TOKEN_LUA, 1, this.tokenKey, token);
    this.options.log.info({ dropped: deleted === 1 }, 'wecom access_token rejected by WeCom');
  }

  private async refresh(): Promise<string> {
    if (this.coolDown && this.clock.now() < this.coolDown.until) {
      // Repeating a gettoken that failed on config gets the IP banned; fail fast instead.
      throw this.coolDown.error;
    }
    // Waiting is measured on the real timer: it bounds real latency, not business time.
    const deadline = Date.now() + (this.options.peerWaitMs ?? 5_000);
    for (;;) {
      const owner = randomUUID();
      const lockTtlMs = this.options.lockTtlMs ?? 10_000;
      const locked = await this.options.redis.set(this.lockKey, owner, 'PX', lockTtlMs, 'NX');
      if (locked === 'OK') {
        return this.refreshUnderLock(owner);
      }
      const token = await this.waitForPeer(deadline);
      if (token) {
        return token;
      }
      if (Date.now() >= deadline) {
        throw new WeComTransportError(
          '/cgi-bin/gettoken',
          'another process is still refreshing the access_token',
        );
      }
      // The lock vanished without a fresh token: the peer failed. Take over.
    }
  }

  private async refreshUnderLock(owner: string): Promise<string> {
    try {
      // Double-check: a peer may have stored a token between our miss and our lock.
      const cached = await this.readFresh();
      if (cached) {
        return cached;
      }
      const fetched = await this.fetch();
      await this.store(fetched);
      return fetched.token;
    } finally {
      await this.options.redis
        .eval(RELEASE_LOCK_LUA, 1, this.lockKey, owner)
        .catch((err: unknown) => {
          this.options.log.warn({ err }, 'could not release wecom token lock; it expires by TTL');
        });
    }
  }

  private async fetch(): Promise<FetchedToken> {
    const { corpId, secret } = this.options;
    try {
      return await this.options.fetchToken({ corpId, secret });
    } catch (err) {
      if (err instanceof WeComConfigurationError) {
        const cooldownMs = this.options.configFailureCooldownMs ?? 60_000;
        this.coolDown = { until: this.clock.now() + cooldownMs, error: err };
      }
      throw err;
    }
  }

  private async store(fetched: FetchedToken): Promise<void> {
    const now = this.clock.now();
    const lifetimeMs = fetched.expiresInSec * 1000;
    const marginMs = Math.min(this.options.safetyMarginMs ?? 300_000, lifetimeMs / 2);
    const entry: CachedToken = {
      token: fetched.token,
      expiresAt: now + lifetimeMs,
      staleAt: now + lifetimeMs - marginMs,
    };
    const ttlMs = Math.max(1, Math.ceil(entry.staleAt - now));
    await this.options.redis.set(this.tokenKey, JSON.stringify(entry), 'PX', ttlMs);
    const { corpId, agentId } = this.options;
    this.options.log.info({ corpId, agentId, expiresInSec: fetched.expiresInSec }, 'wecom access_token refreshed');
  }

  /** Polls until the lock holder stores a token, the lock disappears, or the deadline passes. */
  private async waitForPeer(deadline: number): Promise<string | undefined> {
    while (Date.now() < deadline) {
      await delay(this.options.pollIntervalMs ?? 50);
      const token = await this.readFresh();
      if (token) {
        return token;
      }
      if ((await this.options.redis.exists(this.lockKey)) === 0) {
        return undefined;
      }
    }
    return undefined;
  }

  /** The cached token if present, well-formed and not stale by our clock. */
  private async readFresh(): Promise<string | undefined> {
    const raw = await this.options.redis.get(this.tokenKey);
    if (raw === null) {
      return undefined;
    }
    const entry = parseCachedToken(raw);
    return entry && this.clock.now() < entry.staleAt ? entry.token : undefined;
  }
}

function parseCachedToken(raw: string): CachedToken | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null) {
      return undefined;
    }
    const { token, expiresAt, staleAt } = value as Record<string, unknown>;
    if (typeof token !== 'string' || typeof expiresAt !== 'number' || typeof staleAt !== 'number') {
      return undefined;
    }
    return { token, expiresAt, staleAt };
  } catch {
    return undefined;
  }
}
