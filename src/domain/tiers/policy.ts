import { z } from 'zod';
import { optOutPolicySchema } from '../contacts/opt-out.ts';

/**
 * Tier rules as data (config/tiers.jsonc), validated at start-up. Days, not ms. Strict
 * objects: a misspelled key is refused rather than silently ignored (its default would win).
 */
export const tierPolicySchema = z.strictObject({
  deal: z.strictObject({ paidWithinDays: z.number().int().positive() }),
  seed: z.strictObject({
    messages: z.strictObject({ count: z.number().int().min(1), withinDays: z.number().positive() }),
    intentKeywords: z.array(z.string().min(1)).min(1),
    intentHoldDays: z.number().positive(),
    replyToPushWithinDays: z.number().positive(),
    replyHoldDays: z.number().positive(),
  }),
  potential: z.strictObject({ addedWithinDays: z.number().positive(), messageWithinDays: z.number().positive() }),
  hysteresis: z.strictObject({ graceDays: z.number().min(0) }),
  lifecycle: z.strictObject({
    loyalOrders: z.number().int().min(2),
    churnAfterDays: z.number().positive(),
  }),
  tagGroupName: z.string().min(1).max(30),
  tagNames: z.strictObject({ A: z.string().min(1).max(30), B: z.string().min(1).max(30), C: z.string().min(1).max(30), D: z.string().min(1).max(30) }),
  // Read where customer messages are read, with the intent keywords (domain/contacts/opt-out.ts).
  optOut: optOutPolicySchema,
});

export type TierPolicy = z.infer<typeof tierPolicySchema>;

export type Tier = 'A' | 'B' | 'C' | 'D';
export const TIERS: readonly Tier[] = ['A', 'B', 'C', 'D'];

export const TIER_LABELS: Record<Tier, string> = { A: '成交', B: '种子', C: '潜在', D: '沉默' };

export const DAY_MS = 86_400_000;
