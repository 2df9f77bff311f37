import type { LedgerItem, OutreachLedger } from '../../domain/outreach/ports.ts';
import type { Tier } from '../../domain/tiers/policy.ts';
import type { JobHandler } from '../queue-worker.ts';
import { pushRecorder, resultHandler, type OutreachJobDeps } from './worker.ts';

/**
 * Jobs the old `followups` queue holds on a deployment upgraded from before the outreach
 * pipeline. None is lost and none sends twice:
 * - `followups.plan`: done at once; outreach.plan does its work now.
 * - `followups.send` (not run yet): done without sending; its recipients' old claims are
 *   freed, so the next outreach.plan plans them (they are still due). One whose call had
 *   started (an outcome saved) keeps its claims: it may have been created.
 * - `followups.result` (a task created before the upgrade): read back as before, settling
 *   the old per-contact claims; the follow-up planner leaves those contacts out meanwhile.
 * The worker of the old queue can go once it is empty (a week at most: the read-backs'
 * confirmation limit).
 */
export interface LegacyFollowUpDeps {
  /** The old per-contact claims (adapters/redis/legacy-follow-up-claims.ts). */
  ledger: Pick<OutreachLedger, 'release' | 'hold' | 'markSent'>;
  /** Whether the old send job reached its call. */
  called(jobId: string): Promise<boolean>;
}

interface OldSendData {
  rep: string;
  tier: Tier;
  externalUserIds: string[];
}

const asItems = (ids: readonly string[]): LedgerItem[] => ids.map((id) => ({ externalUserId: id, occasionKey: '', counts: true }));

export function legacyFollowUpHandlers(outreach: OutreachJobDeps, legacy: LegacyFollowUpDeps): Record<'plan' | 'send' | 'result', JobHandler> {
  return {
    plan: async () => ({ status: 'retired', by: 'outreach.plan' }),
    send: async (job, _token, log) => {
      const data = job.data as OldSendData;
      const jobId = String(job.id);
      if (await legacy.called(jobId)) {
        log.warn({ jobId }, 'old follow-up send had started its call before the upgrade: its recipients stay held, not sent again');
        return { status: 'held' };
      }
      await legacy.ledger.release(asItems(data.externalUserIds), jobId, job.timestamp);
      return { status: 'replanned', recipients: data.externalUserIds.length };
    },
    result: resultHandler({ ...outreach, recordPushes: pushRecorder(outreach.contacts), legacyLedger: legacy.ledger }),
  };
}
