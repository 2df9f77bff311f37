import { z } from 'zod';
import { ProfileFields } from './requests.ts';
import { TierCode, TimeOutput } from './common.ts';
import { named } from './registry.ts';

// Presenters (../present.ts) are typed by these schemas, so the code cannot answer a
// shape the OpenAPI document does not describe.

/** A manual tier as shown. */
export const OverrideView = named(
  z.object({ tier: TierCode, label: z.string(), by: z.string().describe('The API client or rep who set it.'), reason: z.string(), at: TimeOutput, until: TimeOutput.nullable() }),
  { id: 'TierOverride', description: 'A manual tier: it wins over the rules until `until` (or until removed).' },
);

/** A contact's tier: reasons, source, and the override if any. */
export const TierView = named(
  z.object({
    tier: TierCode,
    label: z.string().describe('zh-CN name of the tier, e.g. 成交.'),
    source: z.enum(['rules', 'override']),
    reasons: z.array(z.string()).describe('Why, in zh-CN, as a rep reads it.'),
    since: TimeOutput,
    next_review_at: TimeOutput.nullable().describe('When time alone can next change the tier; null = only a new fact can.'),
    override: OverrideView.nullable(),
  }),
  { id: 'TierView' },
);

/** A customer's opt-out (退订) as shown. */
export const OptOutView = named(
  z.object({
    at: TimeOutput.describe('When they asked: the message time, or when it was set by hand.'),
    keyword: z.string().describe('The opt-out word their message matched (e.g. 退订), or the reason given when set by hand.'),
    source: z.string().describe('The interaction id it came from (kf-<msgid> for 微信客服), or api:<client> when set by hand.'),
  }),
  { id: 'OptOut', description: 'The customer gets no automated messages (follow-ups, greetings, care) until it is reversed.' },
);

/** A reversed opt-out as shown. */
export const OptOutReversalView = named(
  z.object({ at: TimeOutput, by: z.string().describe('The API client who reversed it.') }),
  { id: 'OptOutReversal', description: 'The last word was a reversal: opt-out messages older than `at` (a re-sync, a replay) do not opt the customer out again; a newer one does.' },
);

/** One tier change. */
export const HistoryEntry = named(
  z.object({ from: TierCode.nullable(), to: TierCode, at: TimeOutput, source: z.enum(['rules', 'override']), reasons: z.array(z.string()) }),
  { id: 'TierHistoryEntry' },
);

/** GET /api/contacts/:id. */
export const ContactDetail = named(
  z.object({
    contact: z.object({
      external_userid: z.string(),
      name: z.string(),
      type: z.union([z.literal(1), z.literal(2)]).describe('1 = WeChat user, 2 = WeCom user.'),
      gender: z.enum(['unknown', 'male', 'female']),
      corp_name: z.string().nullable(),
      avatar: z.string().nullable(),
      created_at: TimeOutput,
      updated_at: TimeOutput,
    }),
    follows: z.array(z.object({
      userid: z.string(),
      remark: z.string().nullable(),
      added_at: TimeOutput,
      add_way: z.number().int().nullable(),
      state: z.string().nullable().describe('The 「联系我」 state (channel) the customer came through.'),
      tag_ids: z.array(z.string()),
      status: z.enum(['active', 'removed_by_rep', 'removed_by_customer']),
      changed_at: TimeOutput,
    })),
    profile: ProfileFields,
    engagement: z.object({
      added_at: TimeOutput.nullable(),
      inbound: z.array(TimeOutput).describe('Recent customer messages, oldest first.'),
      pushes: z.array(TimeOutput).describe('Recent messages from us, oldest first.'),
      intents: z.array(z.object({ at: TimeOutput, keyword: z.string() })),
      paid_orders: z.array(TimeOutput),
      customer_left: z.boolean().describe('The customer removed every rep.'),
    }).describe('The summary the tier is computed from.'),
    orders: z.object({ count: z.number().int(), amount: z.number(), profit: z.number(), paid: z.number().int(), avg_days_late: z.number() }),
    tier: TierView.nullable(),
    lifecycle: z.object({ stage: z.enum(['potential', 'new', 'loyal', 'churned']), label: z.string() }).nullable(),
    value: z.object({
      score: z.number().min(0).max(100),
      grade: z.enum(['high', 'mid', 'low']),
      grade_label: z.string(),
      quadrant: z.enum(['star', 'flow', 'stream', 'burden']).nullable(),
      quadrant_label: z.string().nullable(),
    }).nullable().describe('From the nightly value scoring. A contact without orders is always score 0, low, no quadrant; a buyer is null until the first scoring after its first order.'),
    history: z.array(HistoryEntry).describe('Latest tier changes, newest first.'),
    opt_out: OptOutView.nullable().describe('Set while the customer is opted out of automated messages (退订).'),
    opt_out_reversal: OptOutReversalView.nullable().describe('Set when the last word was a reversal of an opt-out.'),
  }),
  { id: 'ContactDetail' },
);

/** One row of a contact page. */
export const ContactSummary = named(
  z.object({
    external_userid: z.string(),
    name: z.string(),
    corp_name: z.string().nullable(),
    tier: TierCode.nullable(),
    tier_label: z.string().nullable(),
    tier_source: z.enum(['rules', 'override']).nullable(),
    lifecycle: z.enum(['potential', 'new', 'loyal', 'churned']).nullable(),
    reps: z.array(z.string()).describe('Reps with an active relation.'),
    opted_out: z.boolean().describe('The customer opted out of automated messages (退订).'),
    updated_at: TimeOutput,
  }),
  { id: 'ContactSummary' },
);

/** GET /api/contacts. */
export const ContactPage = named(
  z.object({ items: z.array(ContactSummary), next_cursor: z.string().nullable().describe('Pass as ?cursor= for the next page; null at the end.') }),
  { id: 'ContactPage' },
);

/** An order as recorded. */
export const OrderView = named(
  z.object({
    order_id: z.string(), external_userid: z.string(), amount: z.number(), cost: z.number().nullable(), profit: z.number().nullable(),
    paid_at: TimeOutput.nullable(), due_at: TimeOutput.nullable(), days_late: z.number().int().nullable(),
    product: z.string().nullable(), region: z.string().nullable(),
  }),
  { id: 'Order', description: 'An order as recorded (amounts to the fen).' },
);

/** POST /api/orders. */
export const OrderAccepted = named(
  z.object({ order: OrderView, tier: TierView.nullable() }),
  {
    id: 'OrderAccepted',
    description: '201 when recorded; 200 (header Idempotent-Replayed: true) with the stored order when this order_id was already recorded with the same fields.',
  },
);

/** POST /api/interactions. */
export const InteractionAccepted = named(
  z.object({
    interaction: z.object({
      id: z.string(), external_userid: z.string(), direction: z.enum(['inbound', 'outbound']), channel: z.enum(['message', 'call', 'visit']),
      at: TimeOutput, intent_keyword: z.string().nullable().describe('The buying-intent keyword found in the text, if any.'),
      opt_out_keyword: z.string().nullable().describe('The opt-out word (退订, 不要再发 …) found in an inbound message, if any: the customer is opted out unless a later reversal exists.'),
    }),
    tier: TierView.nullable(),
  }),
  { id: 'InteractionAccepted' },
);

/** PATCH /api/contacts/:id/profile. */
export const ProfileResult = named(z.object({ external_userid: z.string(), profile: ProfileFields }), { id: 'ProfileResult' });

/** PUT and DELETE /api/contacts/:id/tier-override. */
export const TierResult = named(z.object({ external_userid: z.string(), tier: TierView.nullable() }), { id: 'TierResult' });

/** POST and DELETE /api/contacts/:id/opt-out. */
export const OptOutResult = named(
  z.object({ external_userid: z.string(), opt_out: OptOutView.nullable(), opt_out_reversal: OptOutReversalView.nullable() }),
  { id: 'OptOutResult', description: 'The opt-out state now held: opt_out set = no automated messages.' },
);

/** GET /api/tiers/summary. */
export const TiersSummary = named(
  z.object({
    rep: z.string().nullable(),
    total: z.number().int(),
    tiers: z.array(z.object({ tier: TierCode, label: z.string(), count: z.number().int() })),
    value: z.object({
      scored_at: TimeOutput.describe('When the value scoring run these counts come from finished.'),
      contacts: z.number().int(),
      buyers: z.number().int().describe('Contacts with at least one order: the population graded by ratio split.'),
      grades: z.array(z.object({ grade: z.enum(['high', 'mid', 'low']), label: z.string(), count: z.number().int() }))
        .describe('Contacts per value grade; contacts without orders count as low.'),
      quadrants: z.array(z.object({ quadrant: z.enum(['star', 'flow', 'stream', 'burden']), label: z.string(), count: z.number().int() }))
        .describe('Buyers per frequency × volume quadrant.'),
    }).nullable().describe('Contacts per value grade and quadrant as of the last nightly (or `npm run value`) scoring; null before the first run, and for one rep (kept for everyone only).'),
  }),
  { id: 'TiersSummary' },
);

/** Every error answer. */
export const ErrorBody = named(
  z.object({
    error: z.object({
      code: z.string().describe('Stable snake_case code, e.g. contact_not_found, validation_failed.'),
      message: z.string().describe('For people; may change.'),
      details: z.union([
        z.array(z.object({ path: z.string(), code: z.string(), message: z.string() })).describe('validation_failed: one entry per field problem.'),
        z.object({ order: OrderView }).describe('order_conflict: the order as recorded (nothing was changed).'),
      ]).optional(),
    }),
  }),
  { id: 'Error' },
);
