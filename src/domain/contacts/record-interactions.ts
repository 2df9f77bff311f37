import type { Contact, Interaction } from './contact.ts';
import type { ContactDirectory, OptOut, OptOutsListener, TierChange } from '../ports.ts';
import { detectOptOut } from './opt-out.ts';
import { settleTiers, type SettleDeps } from './settle-tiers.ts';

export interface RecordInteractionsDeps extends SettleDeps {
  directory: ContactDirectory;
  /** Told about the opt-outs stored, after the tiers are settled; default: nobody. */
  onOptOuts?: OptOutsListener;
}

export interface RecordedInteractions {
  added: number;
  duplicate: number;
  /** Added customer messages that asked for no more automated messages (退订). */
  optOuts: number;
  /** Contacts that were new to the archive and were read from WeCom (or recorded bare). */
  discovered: number;
  changes: TierChange[];
}

/**
 * Stores interactions (idempotent by id: a replay or an overlapping page adds nothing),
 * then re-evaluates every contact they touch. A contact the archive does not know yet is
 * read from WeCom first; one WeCom has no relation with (a 微信客服 customer who never
 * added a rep) is recorded bare, so the messages still count. A customer message that
 * opts out (detectOptOut: 退订, 不要再发 …) sets the opt-out in the same write as the message.
 */
export async function recordInteractions(
  deps: RecordInteractionsDeps,
  interactions: readonly Interaction[],
  now: number,
): Promise<RecordedInteractions> {
  const keywords = deps.policy.seed.intentKeywords;
  const result: RecordedInteractions = { added: 0, duplicate: 0, optOuts: 0, discovered: 0, changes: [] };
  const optOuts: { externalUserId: string; optOut: OptOut }[] = [];
  for (const interaction of interactions) {
    const optOut = detectOptOut(interaction, deps.policy.optOut);
    let outcome = await deps.store.addInteraction(interaction, keywords, optOut);
    if (outcome === 'unknown_contact') {
      const contact = (await deps.directory.getContact(interaction.externalUserId)) ?? bareContact(interaction.externalUserId, now);
      // An add event may have stored it meanwhile, with better relations than this read.
      if (!(await deps.store.get(interaction.externalUserId))) {
        await deps.store.upsertContact(contact);
        result.discovered += 1;
      }
      outcome = await deps.store.addInteraction(interaction, keywords, optOut);
    }
    if (outcome === 'added') result.added += 1;
    // A conflict (same id, other fields) keeps the first: WeCom does not reuse message ids.
    else if (outcome === 'duplicate' || outcome === 'conflict') result.duplicate += 1;
    if (outcome === 'added' && optOut) result.optOuts += 1;
    if (optOut && outcome !== 'unknown_contact') optOuts.push({ externalUserId: interaction.externalUserId, optOut });
  }
  // Duplicates too: a retry after a crash between storing and re-evaluating must settle.
  result.changes = await settleTiers(deps, interactions.map((i) => i.externalUserId), now);
  if (deps.onOptOuts && optOuts.length > 0) {
    // Duplicates too (a retry after the listener failed), but only an opt-out still held:
    // not one a later reversal or a later 退订 has replaced.
    const held = await Promise.all(optOuts.map(async (o) => (await deps.store.get(o.externalUserId))?.optOut?.source === o.optOut.source));
    const current = optOuts.filter((_, i) => held[i]);
    if (current.length > 0) await deps.onOptOuts(current);
  }
  return result;
}

/** What we know of a customer WeCom has no relation for: the id, nothing else. */
function bareContact(externalUserId: string, now: number): Contact {
  return { externalUserId, name: '', type: 1, gender: 'unknown', follows: [], profile: {}, createdAt: now, updatedAt: now };
}
