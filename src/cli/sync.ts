import { Job } from 'bullmq';
import { createRedis } from '../adapters/redis/connections.ts';
import { describeProgress, type ContactSyncProgress } from '../jobs/contacts-sync/progress.ts';
import { createContactSyncWorker, enqueueContactSync } from '../jobs/contacts-sync/worker.ts';
import type { ContactSyncJobData } from '../jobs/contacts-sync/job.ts';
import { CliError, runCli, type CliContext } from './run-cli.ts';

/** A manual run gives up sooner than the nightly one: a person is waiting for the answer. */
const MANUAL_RUN_OPTIONS = { attempts: 3, backoff: { type: 'exponential', delay: 5000 } };
const POLL_MS = 250;

/**
 * `npm run sync`: queues a contacts.sync job and runs it with a worker of its own (a
 * running Fenji worker may take it instead; the queue runs one sync at a time), printing
 * its progress in Chinese and English until it completes or fails for good. In sandbox
 * mode it reads the sandbox Fenji runs (WECOM_API_BASE or SANDBOX_PORT).
 */
async function sync({ config, container, log }: CliContext): Promise<void> {
  if (config.mode === 'sandbox') await requireSandbox(config.wecom.apiBase);
  console.log(`Fenji 同步企业微信客户 syncing customers from ${config.mode === 'sandbox' ? `the WeCom sandbox at ${config.wecom.apiBase}` : 'WeCom'}`);
  const connection = createRedis(config.redis.url, 'worker', log);
  const worker = createContactSyncWorker({ connection, prefix: config.redis.keyPrefix, sync: container.contactSync, log });
  void worker.run();
  try {
    const id = await enqueueContactSync(container.queues.contacts, `contacts-sync-manual-${Date.now()}`, MANUAL_RUN_OPTIONS);
    const done = await follow(container.queues.contacts, id);
    console.log(
      `✓ 完成 done: 客户 contacts ${done.contacts} · 关系 relations ${done.pairs} · 新增 added ${done.added} · 恢复 re-added ${done.reactivated} · 标记删除 marked removed ${done.removed} · 分级变化 tier changes ${done.tierChanges}`,
    );
    if (done.unlistedRepRelations > 0) {
      console.log(`! ${done.unlistedRepRelations} 条关系属于企业微信未列出的销售（应用可见范围外或已离职），未作改动 relations of reps WeCom did not list were left as they are`);
    }
    if (done.tierChanges > 0) console.log('  分级标签由 Fenji 的 worker 写入企业微信 tier tags are written to WeCom by the Fenji worker');
  } finally {
    await worker.close();
    connection.disconnect();
  }
}

/** Polls the job, printing each new progress line, until it completes (its result) or fails for good. */
async function follow(queue: Parameters<typeof enqueueContactSync>[0], id: string): Promise<ContactSyncProgress> {
  const started = Date.now();
  let printed = '';
  let attempts = 0;
  for (;;) {
    const job = await Job.fromId<ContactSyncJobData, ContactSyncProgress>(queue, id);
    if (!job) throw new CliError(`同步任务 ${id} 不见了 the sync job disappeared`);
    const state = await job.getState();
    if (state === 'completed') return job.returnvalue;
    if (state === 'failed') throw new CliError(`同步失败 sync failed: ${job.failedReason}`);
    if (job.attemptsMade > attempts) {
      attempts = job.attemptsMade;
      console.log(`  重试中 retrying (${attempts}/${job.opts.attempts ?? 1}): ${job.failedReason}`);
    }
    const line = state === 'delayed'
      ? '等待中 waiting: WeCom rate limit or retry backoff'
      : typeof job.progress === 'object'
        ? describeProgress(job.progress as ContactSyncProgress)
        : state === 'waiting' && Date.now() - started > 2000 ? '排队中 queued: another contact sync is running' : '';
    if (line && line !== printed) console.log(`  ${line}`);
    if (line) printed = line;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** The sandbox runs inside Fenji (npm start) or alone (npm run sandbox -- serve). */
async function requireSandbox(apiBase: string): Promise<void> {
  const ok = await fetch(`${apiBase}/_sandbox/health`, { signal: AbortSignal.timeout(3000) }).then((r) => r.ok, () => false);
  if (!ok) throw new CliError(`沙箱无法连接 sandbox not reachable at ${apiBase} — start Fenji first (npm start), or set the WECOM_* credentials to sync from WeCom`);
}

await runCli(sync);
