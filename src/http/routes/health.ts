import type { Router } from '@koa/router';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { CallbackIntake } from '../../ingress/callback-intake.ts';
import type { Metrics } from '../../observability/metrics.ts';

export interface HealthDeps {
  redis: Redis;
  queues: Queue[];
  intake: CallbackIntake;
  metrics: Metrics;
  /** The key /readyz writes (with a short TTL) to learn whether Redis takes writes. */
  probeKey: string;
}

const PROBE_TTL_MS = 10_000;

/**
 * /healthz: the process answers. /readyz: Redis takes writes and every queue is open.
 * /metrics: Prometheus text, with queue depths read at scrape time.
 */
export function mountHealth(router: Router, deps: HealthDeps): void {
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });

  router.get('/readyz', async (ctx) => {
    const checks: Record<string, string> = {};
    checks['redis'] = await redisTakesWrites(deps);
    if (checks['redis'] === 'ok') {
      try {
        for (const queue of deps.queues) {
          await queue.getJobCounts('wait');
          checks[`queue:${queue.name}`] = queue.closing ? 'closing' : 'ok';
        }
      } catch (err) {
        checks['redis'] = `unreachable: ${(err as Error).message}`;
      }
    }
    const spooled = await deps.intake.spooledBytes();
    checks['spool'] = spooled === 0 ? 'empty' : `${spooled} bytes waiting for Redis`;
    const ready = Object.entries(checks).every(([name, v]) => name === 'spool' || v === 'ok');
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not_ready', checks };
  });

  router.get('/metrics', async (ctx) => {
    deps.metrics.spoolBytes.set(await deps.intake.spooledBytes());
    await Promise.all(
      deps.queues.map(async (queue) => {
        try {
          const counts = await queue.getJobCounts('wait', 'active', 'delayed', 'failed', 'completed');
          for (const [state, n] of Object.entries(counts)) {
            deps.metrics.queueJobs.set({ queue: queue.name, state }, n);
          }
        } catch {
          // Redis away: keep the last values; /readyz says why.
        }
      }),
    );
    ctx.type = deps.metrics.registry.contentType;
    ctx.body = await deps.metrics.registry.metrics();
  });
}

/**
 * A tiny write, not a PING: a Redis at maxmemory with noeviction (OOM), a replica after a
 * failover (READONLY) or one whose last save failed (MISCONF) still answers PING, but
 * refuses the writes every callback and job needs. Its answer is exactly what a write
 * would get; one small key with a TTL, whatever the number of probes.
 */
async function redisTakesWrites(deps: HealthDeps): Promise<string> {
  try {
    await deps.redis.set(deps.probeKey, String(Date.now()), 'PX', PROBE_TTL_MS);
    return 'ok';
  } catch (err) {
    const { name, message } = err as Error;
    // ReplyError: Redis answered, with an error; anything else: no answer.
    return name === 'ReplyError' ? `refusing writes: ${message}` : `unreachable: ${message}`;
  }
}
