import type { Router } from '@koa/router';
import type { Middleware } from 'koa';
import type { z } from 'zod';
import type { TierOverride } from '../../../domain/tiers/assess-tier.ts';
import { apiClientOf } from './auth.ts';
import { settleTier, type ApiDeps } from './deps.ts';
import { ApiError, contactNotFound } from './errors.ts';
import { parseInput, readJsonBody } from './json-body.ts';
import { presentTier } from './present.ts';
import { ContactParams, TierOverrideInput } from './schemas/requests.ts';
import type { TierResult } from './schemas/responses.ts';

/**
 * PUT /api/contacts/:id/tier-override sets a manual tier (by = the API client's name),
 * DELETE removes it (idempotent); both re-evaluate and answer the tier now in force.
 */
export function mountTierOverride(router: Router, auth: Middleware, deps: ApiDeps): void {
  router.put('/contacts/:id/tier-override', auth, async (ctx) => {
    const { id } = parseInput('params', ContactParams, ctx.params);
    const input = await readJsonBody(ctx, TierOverrideInput, deps.maxBodyBytes);
    const now = deps.clock.now();
    if (input.until !== undefined && input.until <= now) {
      const message = 'must be in the future';
      throw new ApiError('validation_failed', `body.until: ${message}`, 400, [{ path: 'body.until', code: 'not_future', message }]);
    }
    const override: TierOverride = {
      tier: input.tier, by: apiClientOf(ctx), reason: input.reason, at: now,
      ...(input.until !== undefined ? { until: input.until } : {}),
    };
    ctx.body = await apply(deps, id, override);
  });

  router.delete('/contacts/:id/tier-override', auth, async (ctx) => {
    const { id } = parseInput('params', ContactParams, ctx.params);
    ctx.body = await apply(deps, id, null);
  });
}

async function apply(deps: ApiDeps, id: string, override: TierOverride | null): Promise<z.infer<typeof TierResult>> {
  if (!(await deps.store.setOverride(id, override))) throw contactNotFound(id);
  const record = await settleTier(deps, id);
  if (!record) throw contactNotFound(id);
  return { external_userid: id, tier: presentTier(record) };
}
