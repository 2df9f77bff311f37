import { Router } from '@koa/router';
import type { Context, Next } from 'koa';
import { requireApiToken } from './auth.ts';
import { mountContacts } from './contacts.ts';
import type { ApiDeps } from './deps.ts';
import { ApiError, apiErrors } from './errors.ts';
import { mountInteractions } from './interactions.ts';
import { mountOpenApi } from './openapi.ts';
import { mountOptOut } from './opt-out.ts';
import { mountOrders } from './orders.ts';
import { mountProfile } from './profile.ts';
import { mountTierOverride } from './tier-override.ts';
import { mountTiersSummary } from './tiers-summary.ts';

export type { ApiDeps } from './deps.ts';

/**
 * The HTTP API under /api, as one Koa middleware: its own router, bearer auth per route
 * (the OpenAPI document is public), and JSON errors `{ error: { code, message } }` for
 * everything under /api — unknown paths and methods included. Other paths pass through.
 */
export function createApi(deps: ApiDeps) {
  const log = deps.log.child({ component: 'api' });
  const router = buildApiRouter({ ...deps, log });
  const routes = router.routes();
  const allowed = router.allowedMethods();
  const handleErrors = apiErrors(log);

  return async function api(ctx: Context, next: Next): Promise<void> {
    if (ctx.path !== '/api' && !ctx.path.startsWith('/api/')) return next();
    await handleErrors(ctx, async () => {
      // The router's middleware types want its own context type; at run time it is this ctx.
      await allowed(ctx as Parameters<typeof allowed>[0], () => routes(ctx as Parameters<typeof routes>[0], async () => undefined));
      if (ctx.body !== undefined && ctx.body !== null) return;
      if (ctx.status === 405) throw new ApiError('method_not_allowed', `${ctx.method} is not allowed on ${ctx.path}`, 405);
      if (ctx.status === 404) throw new ApiError('not_found', `no API route ${ctx.method} ${ctx.path}`, 404);
    });
  };
}

/** Every /api route on one router (exported so a test can check the OpenAPI document lists each). */
export function buildApiRouter(deps: ApiDeps): Router {
  const auth = requireApiToken(deps.tokens);
  const router = new Router({ prefix: '/api' });
  mountOpenApi(router);
  mountOrders(router, auth, deps);
  mountInteractions(router, auth, deps);
  mountContacts(router, auth, deps);
  mountProfile(router, auth, deps);
  mountTierOverride(router, auth, deps);
  mountOptOut(router, auth, deps);
  mountTiersSummary(router, auth, deps);
  return router;
}
