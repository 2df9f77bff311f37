import { z } from 'zod';
import type { Tier } from '../../../../domain/tiers/policy.ts';
import { isWellFormedUnicode } from '../../../../shared/unicode.ts';
import { named } from './registry.ts';

/** Epoch ms bounds: a number outside them is almost always seconds sent as milliseconds. */
const MIN_MS = Date.UTC(2000, 0, 1);
const MAX_MS = Date.UTC(2100, 0, 1);

/** A time in: ISO 8601 with Z or an offset, or epoch milliseconds; parsed to epoch ms. */
export const TimeInput = named(
  z.union([
    z.iso.datetime({ offset: true, error: 'must be ISO 8601 with Z or an offset (2025-11-20T10:30:00+08:00), or epoch ms' }),
    z.number().int().min(MIN_MS, 'must be epoch milliseconds (this looks like seconds)').max(MAX_MS, 'must be before 2100'),
  ])
    .transform((v) => (typeof v === 'number' ? v : Date.parse(v)))
    .refine((ms) => ms >= MIN_MS && ms < MAX_MS, 'must be between 2000 and 2100'),
  {
    id: 'TimeInput',
    description: 'ISO 8601 date-time with Z or an offset (e.g. 2025-11-20T10:30:00+08:00), or epoch milliseconds (not seconds).',
  },
);

/** A time out: ISO 8601 in UTC. */
export const TimeOutput = named(z.iso.datetime(), { id: 'Time', description: 'ISO 8601 date-time, UTC.' });

/** Yuan (元), non-negative; stored to the fen. */
export const Yuan = z.number().min(0).max(1e10).describe('Yuan (元), non-negative; kept to the fen (0.01).');

/** WeCom external_userid. */
export const ContactId = z.string().regex(/^[A-Za-z0-9_@.-]{1,128}$/, 'must be a WeCom external_userid (1-128 letters, digits, "_", "-", "." or "@")')
  .describe("The customer's WeCom external_userid.");

/** A rep's WeCom userid. */
export const RepId = z.string().regex(/^[A-Za-z0-9_@.-]{1,64}$/, 'must be a WeCom userid').describe("A rep's WeCom userid.");

/** The issue code of a string that is not well-formed Unicode (see validationFailed). */
export const NOT_WELL_FORMED = 'not_well_formed_unicode';

/** A caller's own id for a fact (order id, interaction id): the idempotency key. */
export const FactId = z.string().min(1).max(128).regex(/^[^\p{Cc}]+$/u, 'must not contain control characters')
  .refine(isWellFormedUnicode, { message: 'must be well-formed Unicode (no unpaired surrogate)', params: { code: NOT_WELL_FORMED } });

/** A short human text field: trimmed, non-empty, bounded. */
export const ShortText = (max: number) => z.string().trim().min(1).max(max);

/** A tier code; labels (成交…) are in the answers, not needed in requests. */
export const TierCode = named(z.enum(['A', 'B', 'C', 'D'] as const satisfies readonly Tier[]), {
  id: 'Tier',
  description: 'A 成交 (deal), B 种子 (seed), C 潜在 (potential), D 沉默 (silent).',
});
