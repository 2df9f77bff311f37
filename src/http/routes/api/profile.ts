import type { Router } from '@koa/router';
import type { Middleware } from 'koa';
import type { z } from 'zod';
import type { ApiDeps } from './deps.ts';
import { contactNotFound } from './errors.ts';
import { parseInput, readJsonBody } from './json-body.ts';
import { ContactParams, ProfilePatch } from './schemas/requests.ts';
import type { ProfileResult } from './schemas/responses.ts';

/** PATCH /api/contacts/:id/profile: merges the given profile (档案) fields, keeps the rest. */
export function mountProfile(router: Router, auth: Middleware, deps: ApiDeps): void {
  router.patch('/contacts/:id/profile', auth, async (ctx) => {
    const { id } = parseInput('params', ContactParams, ctx.params);
    const patch = await readJsonBody(ctx, ProfilePatch, deps.maxBodyBytes);
    if (!(await deps.store.patchProfile(id, patch, deps.clock.now()))) throw contactNotFound(id);
    const record = await deps.store.get(id);
    if (!record) throw contactNotFound(id);
    const body: z.infer<typeof ProfileResult> = { external_userid: id, profile: record.contact.profile };
    ctx.body = body;
  });
}
