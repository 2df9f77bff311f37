import type { ListedPair } from '../../domain/contacts/ports.ts';
import type { WeComApi } from '../../wecom/api.ts';
import type { SettleDeps } from '../../domain/contacts/settle-tiers.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/logger.ts';
import type { ContactSyncProgress } from './progress.ts';

/** What a run has read from WeCom, kept across retries (adapters/redis RedisSyncSeen). */
export interface SyncSeenPort {
  /** Records pairs; returns the distinct pairs and customers read so far. */
  add(runId: string, pairs: readonly ListedPair[]): Promise<{ pairs: number; contacts: number }>;
  listed(runId: string, pairs: readonly ListedPair[]): Promise<boolean[]>;
  clear(runId: string): Promise<void>;
}

export interface ContactSyncDeps {
  api: Pick<WeComApi, 'getFollowUserList' | 'batchGetByUser'>;
  /** The archive, the tier rules, and who is told about tier changes (tier.tag jobs). */
  contacts: SettleDeps;
  seen: SyncSeenPort;
  clock: Clock;
  log: Logger;
  /** Reps per batch/get_by_user call; WeCom's maximum (and default here) is 100. */
  repBatch?: number;
  /** Pairs per page; WeCom's maximum (and default here) is 100. */
  pageLimit?: number;
  /** Contacts per archive page while reconciling; default 500. */
  scanLimit?: number;
}

/** One run: its id (the job id), when it started, and the reps WeCom listed then. */
export interface SyncRun {
  runId: string;
  startedAt: number;
  reps: readonly string[];
}

/** Saves progress (job.updateProgress); resolves once it is stored. */
export type SaveProgress = (progress: ContactSyncProgress) => Promise<void>;
