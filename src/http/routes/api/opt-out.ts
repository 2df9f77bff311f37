import type { Router } from '@koa/router';
import type { Middleware } from 'koa';
import type { z } from 'zod';
import type { OptOutFact } from '../../../domain/contacts/opt-out-state.ts';
import { apiClientOf } from './auth.ts';
import type { ApiDeps } from './deps.ts';
import { contactNotFound } from './errors.ts';
import { parseInput, readJsonBody } from './json-body.ts';
import { presentOptOut } from './present.ts';
import { ContactParams, OptOutInput } from './schemas/requests.ts';
import type { OptOutResult } from './schemas/responses.ts';

/**
 * POST /api/contacts/:id/opt-out opts a customer out by hand (say, they asked on the
 * phone); DELETE reverses an opt-out, theirs or a rep's: they get automated messages
 * again. Both are facts at the request's time, by the API client: the latest word wins
 * (opt-out-state.ts), so a 退订 older than a reversal, read again by a kf re-sync or a
 * replay, does not opt them out again, and one written after it does. Both are
 * idempotent in effect and answer the state now held.
 */
export function mountOptOut(router: Router, auth: Middleware, deps: ApiDeps): void {
  router.post('/contacts/:id/opt-out', auth, async (ctx) => {
    const { id } = parseInput('params', ContactParams, ctx.params);
    const input = await readJsonBody(ctx, OptOutInput, deps.maxBodyBytes);
    const by = apiClientOf(ctx);
    ctx.body = await apply(deps, id, { kind: 'opt_out', optOut: { at: deps.clock.now(), keyword: input.reason, source: `api:${by}` } });
  });

  router.delete('/contacts/:id/opt-out', auth, async (ctx) => {
    const { id } = parseInput('params', ContactParams, ctx.params);
    ctx.body = await apply(deps, id, { kind: 'reversal', reversal: { at: deps.clock.now(), by: apiClientOf(ctx) } });
  });
}

async function apply(deps: ApiDeps, id: string, fact: OptOutFact): Promise<z.infer<typeof OptOutResult>> {
  const state = await deps.store.applyOptOutFact(id, fact);
  if (!state) throw contactNotFound(id);
  deps.log.info({ externalUserId: id, fact: fact.kind, optedOut: Boolean(state.optOut) }, 'opt-out changed by API');
  return { external_userid: id, ...presentOptOut(state) };
}
