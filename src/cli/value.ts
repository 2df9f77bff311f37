import { Job } from 'bullmq';
import { createRedis } from '../adapters/redis/connections.ts';
import { GRADE_LABELS, QUADRANT_LABELS, type Quadrant, type ValueGrade } from '../domain/value/value-score.ts';
import type { ValueProgress, ValueRunStats } from '../jobs/value/score-all-values.ts';
import type { ValueJobData } from '../jobs/value/job.ts';
import { createValueWorker, enqueueValueScoring } from '../jobs/value/worker.ts';
import { CliError, runCli, type CliContext } from './run-cli.ts';

/** A person is waiting: fewer, quicker retries than the nightly run. */
const MANUAL_RUN_OPTIONS = { attempts: 2, backoff: { type: 'fixed', delay: 2000 } };
const POLL_MS = 250;

/**
 * `npm run value`: queues a value.score-all job and runs it with a worker of its own (a
 * running Fenji worker may take it instead; the queue runs one at a time), then prints
 * the counts by grade and quadrant in Chinese and English.
 */
async function scoreValues({ config, container, log }: CliContext): Promise<void> {
  console.log('Fenji 客户价值评分 scoring customer value (every contact, two passes)');
  const connection = createRedis(config.redis.url, 'worker', log);
  const worker = createValueWorker({ connection, prefix: config.redis.keyPrefix, value: container.valueScoring, log });
  void worker.run();
  try {
    const id = await enqueueValueScoring(container.queues.value, `value-manual-${Date.now()}`, MANUAL_RUN_OPTIONS);
    const stats = await follow(container.queues.value, id);
    console.log(`✓ 完成 done: 客户 contacts ${stats.contacts} · 成交客户 buyers ${stats.buyers} · 更新 updated ${stats.written} · ${((stats.rankMs + stats.writeMs) / 1000).toFixed(1)} s`);
    const summary = await container.store.valueSummary();
    if (summary) {
      const grades = (Object.keys(summary.grades) as ValueGrade[]).map((g) => `${GRADE_LABELS[g]} ${g} ${summary.grades[g]}`);
      const quadrants = (Object.keys(summary.quadrants) as Quadrant[]).map((q) => `${QUADRANT_LABELS[q]} ${q} ${summary.quadrants[q]}`);
      console.log(`  价值等级 grades: ${grades.join(' · ')}（未成交客户计为低价值 contacts without orders count as low）`);
      console.log(`  象限 quadrants: ${quadrants.join(' · ')}`);
    }
  } finally {
    await worker.close();
    connection.disconnect();
  }
}

/** Polls the job, printing its pass as it changes, until it completes (its stats) or fails for good. */
async function follow(queue: Parameters<typeof enqueueValueScoring>[0], id: string): Promise<ValueRunStats> {
  const started = Date.now();
  let printed = '';
  for (;;) {
    const job = await Job.fromId<ValueJobData, ValueRunStats>(queue, id);
    if (!job) throw new CliError(`评分任务 ${id} 不见了 the value job disappeared`);
    const state = await job.getState();
    if (state === 'completed') return job.returnvalue;
    if (state === 'failed') throw new CliError(`评分失败 value scoring failed: ${job.failedReason}`);
    const p = job.progress as ValueProgress | number;
    const line = typeof p === 'object'
      ? `${p.pass === 'rank' ? '排名 ranking' : '评分写入 scoring and writing'}: ${p.contacts}`
      : state === 'waiting' && Date.now() - started > 2000 ? '排队中 queued: another value run is going' : '';
    if (line && line !== printed) console.log(`  ${line}`);
    if (line) printed = line;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

await runCli(scoreValues);
