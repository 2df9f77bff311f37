import type { Router } from '@koa/router';
import type { Middleware } from 'koa';
import type { z } from 'zod';
import { TIER_LABELS, TIERS } from '../../../domain/tiers/policy.ts';
import type { ApiDeps } from './deps.ts';
import { presentValueSummary } from './present.ts';
import { parseInput } from './json-body.ts';
import { TiersSummaryQuery } from './schemas/requests.ts';
import type { TiersSummary } from './schemas/responses.ts';

/**
 * GET /api/tiers/summary?rep=: how many contacts are in each tier (one rep's, or all),
 * and for all, how many in each value grade and quadrant (saved by the last value run:
 * a GET, no scan; not kept per rep).
 */
export function mountTiersSummary(router: Router, auth: Middleware, deps: ApiDeps): void {
  router.get('/tiers/summary', auth, async (ctx) => {
    const { rep } = parseInput('query', TiersSummaryQuery, ctx.query);
    const [counts, value] = await Promise.all([deps.store.tierCounts(rep), rep === undefined ? deps.store.valueSummary() : null]);
    const tiers = TIERS.map((tier) => ({ tier, label: TIER_LABELS[tier], count: counts[tier] }));
    const body: z.infer<typeof TiersSummary> = {
      rep: rep ?? null, total: tiers.reduce((n, t) => n + t.count, 0), tiers, value: value ? presentValueSummary(value) : null,
    };
    ctx.body = body;
  });
}
