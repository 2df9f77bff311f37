import type { KfSyncLock } from '../../domain/contacts/ports.ts';
import type { KfSyncMsgResponse, WeComApi } from '../../wecom/api.ts';
import { WeComApiError } from '../../wecom/api-errors.ts';
import { kfMessageToInteraction } from '../../adapters/wecom-api/kf-interactions.ts';
import type { Interaction } from '../../domain/contacts/contact.ts';
import { recordInteractions, type RecordInteractionsDeps } from '../../domain/contacts/record-interactions.ts';
import { AppError } from '../../shared/errors.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/logger.ts';

/** kf/sync_msg: the callback Token is invalid or expired (sandbox and WeCom answer 95007). */
const INVALID_SYNC_TOKEN = 95007;
/** kf/sync_msg: the open_kfid does not exist (any more); no retry can help. */
const UNKNOWN_KF_ACCOUNT = 95000;

/** Where a kf account's cursor lives, and its sync lock (adapters/redis RedisKfSyncState). */
export interface KfSyncStatePort {
  cursor(openKfId: string): Promise<string | null>;
  saveCursor(openKfId: string, cursor: string): Promise<void>;
  tryLock(openKfId: string, ttlMs: number): Promise<KfSyncLock | null>;
}

export interface KfSyncDeps {
  api: Pick<WeComApi, 'kfSyncMsg'>;
  state: KfSyncStatePort;
  contacts: RecordInteractionsDeps;
  clock: Clock;
  log: Logger;
  /** Lock lifetime, renewed after every page. Default 60 s. */
  lockTtlMs?: number;
  /** Messages per sync_msg page; default WeCom's (1000, the maximum). */
  pageLimit?: number;
}

export interface KfSyncStats {
  pages: number;
  messages: number;
  added: number;
  duplicate: number;
  /** Customer messages that opted out (退订), stored with their message. */
  optOuts: number;
  tierChanges: number;
}

/** Another sync of this kf account holds the lock: retry later (BullMQ backoff). */
export class KfSyncBusyError extends AppError {
  constructor(openKfId: string) {
    super('kf_sync_busy', `another sync of kf account ${openKfId} is running`, { status: 503 });
  }
}

/**
 * Pulls one 微信客服 account's new messages (docs/wecom/api.md, 'Customer service (kf)'): from the saved cursor, page
 * by page while has_more, storing each page's messages as interactions (deduped by msgid)
 * and re-evaluating their contacts before saving that page's next_cursor, so a crash
 * re-reads a page rather than skipping one. One sync per account at a time (a Redis lock).
 */
export async function syncKfMessages(deps: KfSyncDeps, job: { openKfId: string; token: string }): Promise<KfSyncStats> {
  const { openKfId } = job;
  const lock = await deps.state.tryLock(openKfId, deps.lockTtlMs ?? 60_000);
  if (!lock) throw new KfSyncBusyError(openKfId);
  const stats: KfSyncStats = { pages: 0, messages: 0, added: 0, duplicate: 0, optOuts: 0, tierChanges: 0 };
  try {
    let cursor = await deps.state.cursor(openKfId);
    let token: string | undefined = job.token || undefined;
    for (;;) {
      let page: KfSyncMsgResponse;
      try {
        page = await deps.api.kfSyncMsg({
          open_kfid: openKfId,
          ...(cursor ? { cursor } : {}),
          ...(token ? { token } : {}),
          ...(deps.pageLimit ? { limit: deps.pageLimit } : {}),
        });
      } catch (err) {
        if (err instanceof WeComApiError && err.errcode === INVALID_SYNC_TOKEN && token) {
          // The Token lives 10 minutes; a retried job may outlive it. Read without it once.
          deps.log.warn({ openKfId }, 'kf sync Token expired: reading without it');
          token = undefined;
          continue;
        }
        if (err instanceof WeComApiError && err.errcode === UNKNOWN_KF_ACCOUNT) {
          deps.log.warn({ openKfId, errcode: err.errcode }, 'kf account unknown to WeCom: sync dropped');
          return stats;
        }
        throw err;
      }
      const interactions = page.msg_list.map(kfMessageToInteraction).filter((i): i is Interaction => i !== null);
      const recorded = await recordInteractions(deps.contacts, interactions, deps.clock.now());
      // Lost the lock (a page took longer than its TTL): another sync may own the cursor now.
      if (!(await lock.extend())) throw new KfSyncBusyError(openKfId);
      if (page.next_cursor) {
        await deps.state.saveCursor(openKfId, page.next_cursor);
        cursor = page.next_cursor;
      }
      stats.pages += 1;
      stats.messages += page.msg_list.length;
      stats.added += recorded.added;
      stats.duplicate += recorded.duplicate;
      stats.optOuts += recorded.optOuts;
      stats.tierChanges += recorded.changes.length;
      if (page.has_more !== 1 || !page.next_cursor) return stats;
    }
  } finally {
    await lock.release();
  }
}
