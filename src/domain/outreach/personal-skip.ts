import { followUpRep } from './planners/follow-up.ts';
import type { ContactRecord } from '../ports.ts';
import type { OutreachSkipReason } from './outreach.ts';

/**
 * The guards that depend on the customer alone, the same for every kind: one who removed
 * their rep (or has no active relation) gets nothing, nor one whose lifecycle is churned
 * (流失), nor one who opted out (退订). Null when none applies.
 */
export function personalSkip(record: Pick<ContactRecord, 'contact' | 'engagement' | 'tier' | 'optOut'>): Extract<OutreachSkipReason, 'customer_left' | 'churned' | 'opted_out' | 'no_rep'> | null {
  if (record.engagement.customerLeft) return 'customer_left';
  if (followUpRep(record.contact.follows) === null) return 'no_rep';
  if (record.optOut) return 'opted_out';
  if (record.tier?.lifecycle === 'churned') return 'churned';
  return null;
}
