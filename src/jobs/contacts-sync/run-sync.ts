import type { Job } from 'bullmq';
import type { ContactSyncJobData } from './job.ts';
import type { ContactSyncDeps } from './deps.ts';
import { listAllPairs } from './list-pass.ts';
import { initialProgress, savedProgress, type ContactSyncProgress } from './progress.ts';
import { reconcileRemovals } from './reconcile.ts';

/** The parts of a BullMQ job a sync uses (tests pass a plain object). */
export type ContactSyncJob = Pick<Job<ContactSyncJobData>, 'id' | 'data' | 'progress' | 'updateData' | 'updateProgress'>;

/**
 * One contact sync as a resumable job: the initial sync and the nightly reconciliation are
 * the same pass. The first attempt fixes the start time and WeCom's follow user list in
 * the job's data; every page saves the progress; a retried or stalled job continues from
 * the saved rep batch and cursor. Removals are marked only after the listing completed:
 * a pass that fails part-way (its error thrown to BullMQ) never marks one.
 * @param onProgress - told after each save (the CLI prints it).
 */
export async function runContactSync(
  deps: ContactSyncDeps,
  job: ContactSyncJob,
  onProgress?: (progress: ContactSyncProgress) => void,
): Promise<ContactSyncProgress> {
  const runId = job.id;
  if (!runId) throw new Error('contact sync: the job has no id');
  let { startedAt, reps } = job.data;
  if (startedAt === undefined || reps === undefined) {
    startedAt = deps.clock.now();
    reps = await deps.api.getFollowUserList();
    await job.updateData({ ...job.data, startedAt, reps });
  }
  const run = { runId, startedAt, reps };
  const save = async (p: ContactSyncProgress): Promise<void> => {
    await job.updateProgress(p);
    onProgress?.(p);
  };

  let progress = savedProgress(job.progress) ?? initialProgress(reps.length);
  if (progress.phase === 'listing') {
    progress = await listAllPairs(deps, run, progress, save);
    progress = { ...progress, phase: 'reconciling' };
    await save(progress);
  }
  if (progress.phase === 'reconciling') {
    progress = await reconcileRemovals(deps, run, progress, save);
    progress = { ...progress, phase: 'done' };
    await save(progress);
  }
  await deps.seen.clear(runId);
  const { phase: _phase, batch: _batch, cursor: _cursor, reconcileCursor: _rc, ...counts } = progress;
  deps.log[progress.unlistedRepRelations > 0 ? 'warn' : 'info'](
    { ...counts, ms: deps.clock.now() - startedAt },
    progress.unlistedRepRelations > 0
      ? 'contact sync complete; some active relations belong to reps WeCom did not list (outside the app visible range, or gone): left as they are'
      : 'contact sync complete',
  );
  return progress;
}
