import { z } from 'zod';
import { ContactId, FactId, RepId, ShortText, TierCode, TimeInput, Yuan } from './common.ts';
import { named } from './registry.ts';

/** POST /api/orders. Idempotent by order_id (per contact). */
export const OrderInput = named(
  z.strictObject({
    order_id: FactId.describe('Your order id: the idempotency key.'),
    external_userid: ContactId,
    amount: Yuan,
    cost: Yuan.optional().describe('Cost in yuan; profit = amount − cost when profit is not given.'),
    profit: z.number().min(-1e10).max(1e10).optional().describe('Profit in yuan (negative for a loss); wins over cost.'),
    paid_at: TimeInput.optional().describe('When it was paid; an unpaid order does not make a deal (A).'),
    due_at: TimeInput.optional().describe('When payment was due.'),
    days_late: z.number().int().min(0).max(3650).optional()
      .describe('Days paid late; derived from paid_at − due_at (whole days) when both are given and this is not.'),
    product: ShortText(200).optional(),
    region: ShortText(100).optional(),
  }),
  {
    id: 'OrderInput',
    description: 'A paid (or due) order. Replaying an order_id with the same fields is a no-op answered 200 with the stored order; with other fields, 409 order_conflict.',
    examples: [{ order_id: 'SO-2025-0001', external_userid: 'wmEXAMPLEcustomer01', amount: 1299, cost: 800, paid_at: '2025-11-19T15:30:00+08:00', due_at: '2025-11-18T00:00:00+08:00', product: '年度会员', region: '上海' }],
  },
);

/** POST /api/interactions. Idempotent by id. */
export const InteractionInput = named(
  z.strictObject({
    id: FactId.describe('Your id for this message, call or visit: the idempotency key.'),
    external_userid: ContactId,
    direction: z.enum(['inbound', 'outbound']).describe('inbound: the customer to us; outbound: us to the customer.'),
    channel: z.enum(['message', 'call', 'visit']),
    at: TimeInput,
    text: z.string().max(20_000).optional().describe('Message text or call notes; only scanned for buying-intent keywords, never stored.'),
    rep_userid: RepId.optional(),
  }),
  {
    id: 'InteractionInput',
    examples: [{ id: 'msg-8842', external_userid: 'wmEXAMPLEcustomer01', direction: 'inbound', channel: 'message', at: 1763599800000, text: '请问年度会员多少钱？' }],
  },
);

/** Solar (公历) or lunar (农历) birthday; the day is checked against the month (Feb 29 only if no year or a leap year). */
export const BirthdayInput = named(
  z.strictObject({
    calendar: z.enum(['solar', 'lunar']).describe('solar (公历) or lunar (农历).'),
    month: z.number().int().min(1).max(12),
    day: z.number().int().min(1).max(31),
    year: z.number().int().min(1900).max(2100).optional(),
  }).superRefine((b, ctx) => {
    const max = b.calendar === 'lunar' ? 30 : new Date(Date.UTC(b.year ?? 2000, b.month, 0)).getUTCDate();
    if (b.day > max) ctx.addIssue({ code: 'custom', path: ['day'], message: `month ${b.month} has at most ${max} days` });
  }),
  { id: 'Birthday' },
);

/** The profile (档案) fields, all optional: the shape both PATCH and GET use. */
export const ProfileFields = z.strictObject({
  birthday: BirthdayInput,
  age: z.number().int().min(0).max(150),
  region: ShortText(100),
  occupation: ShortText(100),
  employer: ShortText(200),
  interests: z.array(ShortText(50)).max(50).describe('Free tags; replaces the whole list.'),
  note: z.string().max(2000),
}).partial();

/** PATCH /api/contacts/:id/profile. Merges the given fields; absent ones are kept. */
export const ProfilePatch = named(
  ProfileFields.refine((p) => Object.keys(p).length > 0, 'give at least one profile field'),
  {
    id: 'ProfilePatch',
    examples: [{ birthday: { calendar: 'lunar', month: 8, day: 15 }, occupation: '采购经理', employer: '华东建材', interests: ['钓鱼', '普洱'] }],
  },
);

/** PUT /api/contacts/:id/tier-override. */
export const TierOverrideInput = named(
  z.strictObject({
    tier: TierCode,
    reason: ShortText(200).describe('Why, in words a rep reads (shown with the tier).'),
    until: TimeInput.optional().describe('When the override ends (must be in the future); absent = until removed.'),
  }),
  { id: 'TierOverrideInput', examples: [{ tier: 'A', reason: '年度框架协议客户', until: '2026-06-30T00:00:00+08:00' }] },
);

/** POST /api/contacts/:id/opt-out. */
export const OptOutInput = named(
  z.strictObject({ reason: ShortText(200).describe('Why, in words a rep reads (shown as the opt-out keyword), e.g. 电话中要求不再发送.') }),
  { id: 'OptOutInput', examples: [{ reason: '电话中客户要求不再接收推送' }] },
);

/** GET /api/contacts query. */
export const ContactListQuery = z.strictObject({
  tier: TierCode.optional(),
  rep: RepId.optional().describe("Only contacts with an active relation to this rep."),
  cursor: z.string().max(512).optional().describe('next_cursor from the previous page.'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** GET /api/tiers/summary query. */
export const TiersSummaryQuery = z.strictObject({ rep: RepId.optional() });

/** `:id` in /api/contacts/:id… */
export const ContactParams = z.strictObject({ id: ContactId });
