/**
 * The one place that builds Redis keys. Every key starts with the configured prefix
 * (REDIS_KEY_PREFIX, default `fenji`), so several deployments or test runs can share a
 * server. BullMQ queues use the same prefix (see jobs/queues.ts).
 */
export class RedisKeys {
  constructor(readonly prefix: string) {}

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

  /** String, ms epoch of the last heartbeat job a worker ran (no TTL; overwritten). */
  heartbeat(): string {
    return `${this.prefix}:system:heartbeat`;
  }
}
