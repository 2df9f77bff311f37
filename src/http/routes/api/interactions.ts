import type { Router } from '@koa/router';
import type { Middleware } from 'koa';
import type { z } from 'zod';
import type { Interaction } from '../../../domain/contacts/contact.ts';
import type { OptOut } from '../../../domain/ports.ts';
import { detectOptOut } from '../../../domain/contacts/opt-out.ts';
import { findIntentKeyword } from '../../../domain/engagement/engagement.ts';
import { settleTier, type ApiDeps } from './deps.ts';
import { ApiError, assertNotFuture, contactNotFound } from './errors.ts';
import { readJsonBody } from './json-body.ts';
import { iso, presentTier } from './present.ts';
import { InteractionInput } from './schemas/requests.ts';
import type { InteractionAccepted } from './schemas/responses.ts';

/**
 * POST /api/interactions: a message, call or visit, once per id (201). A replay whose kept
 * fields are the same (canonicalInteraction) is answered 200 with `Idempotent-Replayed:
 * true`, one with other fields 409 interaction_conflict, nothing written. Inbound text is
 * scanned for the tier policy's buying-intent keywords and opt-out words (an inbound
 * message that opts out sets the opt-out in the same write) and then dropped: it is
 * neither stored nor logged.
 */
export function mountInteractions(router: Router, auth: Middleware, deps: ApiDeps): void {
  router.post('/interactions', auth, async (ctx) => {
    const input = await readJsonBody(ctx, InteractionInput, deps.maxBodyBytes);
    assertNotFuture('body.at', input.at, deps.clock.now());
    const interaction: Interaction = {
      id: input.id,
      externalUserId: input.external_userid,
      direction: input.direction,
      channel: input.channel,
      at: input.at,
      ...(input.text !== undefined ? { text: input.text } : {}),
      ...(input.rep_userid !== undefined ? { userId: input.rep_userid } : {}),
    };
    const keywords = deps.policy.seed.intentKeywords;
    const optOut = detectOptOut(interaction, deps.policy.optOut);
    const result = await deps.store.addInteraction(interaction, keywords, optOut);
    if (result === 'unknown_contact') throw contactNotFound(interaction.externalUserId);
    if (result === 'conflict') {
      // Only a fingerprint of the first one is kept (its text never is): no stored copy to show.
      throw new ApiError('interaction_conflict', `interaction ${interaction.id} is already recorded with other fields; nothing was changed`, 409);
    }
    const record = await settleTier(deps, interaction.externalUserId);
    // A replay too (the hook may have failed the first time), while it is the opt-out held.
    if (optOut && record?.optOut?.source === optOut.source) await tellOptOut(deps, interaction.externalUserId, record.optOut);
    const keyword = interaction.direction === 'inbound' ? findIntentKeyword(interaction.text, keywords) : undefined;
    const body: z.infer<typeof InteractionAccepted> = {
      interaction: {
        id: interaction.id, external_userid: interaction.externalUserId, direction: input.direction, channel: input.channel,
        at: iso(interaction.at), intent_keyword: keyword ?? null, opt_out_keyword: optOut?.keyword ?? null,
      },
      tier: record ? presentTier(record) : null,
    };
    ctx.status = result === 'added' ? 201 : 200;
    if (result === 'duplicate') ctx.set('Idempotent-Replayed', 'true');
    ctx.body = body;
    deps.log.debug({ id: interaction.id, externalUserId: interaction.externalUserId, result }, 'interaction taken');
  });
}

async function tellOptOut(deps: ApiDeps, externalUserId: string, optOut: OptOut): Promise<void> {
  if (!deps.onOptOuts) return;
  try {
    await deps.onOptOuts([{ externalUserId, optOut }]);
  } catch (err) {
    deps.log.warn({ externalUserId, err: { message: (err as Error).message } }, 'opt-out hook failed: the opt-out is stored, the reps may not be told');
  }
}
