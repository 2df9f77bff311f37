import type { Router } from '@koa/router';
import type { Middleware } from 'koa';
import type { z } from 'zod';
import type { ApiDeps } from './deps.ts';
import { contactNotFound } from './errors.ts';
import { parseInput } from './json-body.ts';
import { presentContact, presentSummary } from './present.ts';
import { ContactListQuery, ContactParams } from './schemas/requests.ts';
import type { ContactDetail, ContactPage } from './schemas/responses.ts';

/** Tier changes shown with a contact. */
const HISTORY_SHOWN = 10;

/**
 * GET /api/contacts/:id (the whole archive entry with its tier, reasons and history) and
 * GET /api/contacts?tier=&rep=&cursor=&limit= (pages over the store's stable cursor).
 */
export function mountContacts(router: Router, auth: Middleware, deps: ApiDeps): void {
  router.get('/contacts', auth, async (ctx) => {
    const query = parseInput('query', ContactListQuery, ctx.query);
    const page = await deps.store.list({
      limit: query.limit,
      ...(query.tier ? { tier: query.tier } : {}),
      ...(query.rep ? { rep: query.rep } : {}),
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
    const body: z.infer<typeof ContactPage> = { items: page.records.map(presentSummary), next_cursor: page.nextCursor };
    ctx.body = body;
  });

  router.get('/contacts/:id', auth, async (ctx) => {
    const { id } = parseInput('params', ContactParams, ctx.params);
    const [record, history] = await Promise.all([deps.store.get(id), deps.store.history(id, HISTORY_SHOWN)]);
    if (!record) throw contactNotFound(id);
    const body: z.infer<typeof ContactDetail> = presentContact(record, history);
    ctx.body = body;
  });
}
