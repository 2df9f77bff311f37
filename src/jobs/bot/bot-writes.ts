import type { BotWrites } from '../../domain/bot/ports.ts';
import type { ContactChangeDeps } from '../../domain/contacts/apply-contact-change.ts';
import { recordInteractions } from '../../domain/contacts/record-interactions.ts';
import { settleTiers } from '../../domain/contacts/settle-tiers.ts';
import type { Clock } from '../../shared/clock.ts';

/**
 * The bot's writes, by the same domain paths as the HTTP API: an interaction is stored by
 * recordInteractions (idempotent by id, then the tier is re-evaluated and tier changes go
 * to the tag mirror), an override by setOverride then settleTiers (PUT tier-override).
 */
export function botWrites(contacts: ContactChangeDeps, clock: Clock): BotWrites {
  return {
    async recordContact(interaction) {
      if (!(await contacts.store.get(interaction.externalUserId))) return 'unknown_contact';
      const result = await recordInteractions(contacts, [interaction], clock.now());
      return result.added > 0 ? 'added' : 'duplicate';
    },
    async setOverride(externalUserId, override) {
      if (!(await contacts.store.setOverride(externalUserId, override))) return null;
      await settleTiers(contacts, [externalUserId], clock.now());
      return contacts.store.get(externalUserId);
    },
  };
}
