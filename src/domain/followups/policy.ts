import { z } from 'zod';

/** WeCom's limit on a mass message's text (add_msg_template `text.content`, docs/wecom/api.md, 'Mass messages'). */
export const FOLLOW_UP_TEXT_MAX_BYTES = 4000;

const MINUTES_PER_DAY = 1440;

/** "HH:MM" (00:00-24:00) → minutes since local midnight. */
export const timeOfDay = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be a time of day as "HH:MM" (00:00-24:00)')
  .transform((s) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5)));

/** A daily span [from, to) in local time; it crosses midnight when `to` is earlier than `from`. */
const dailySpan = z
  .strictObject({ from: timeOfDay, to: timeOfDay })
  .refine((s) => s.from !== s.to, { message: 'from and to must differ (use 00:00-24:00 for the whole day)', when: (payload) => payload.issues.length === 0 });

export type DailySpan = z.infer<typeof dailySpan>;

const bytes = (s: string) => new TextEncoder().encode(s).length;

/** One tier's follow-up: every how many days (0 = never), and the message (zh-CN). */
const tierFollowUp = z
  .strictObject({
    everyDays: z.number().int('must be a whole number of days').min(0),
    text: z.string(),
  })
  .superRefine((t, ctx) => {
    if (t.everyDays > 0 && t.text.trim() === '') {
      ctx.addIssue({ code: 'custom', path: ['text'], message: 'must not be empty when everyDays > 0' });
    }
    if (bytes(t.text) > FOLLOW_UP_TEXT_MAX_BYTES) {
      ctx.addIssue({ code: 'custom', path: ['text'], message: `must be at most ${FOLLOW_UP_TEXT_MAX_BYTES} bytes (UTF-8), got ${bytes(t.text)}` });
    }
  });

export type TierFollowUp = z.infer<typeof tierFollowUp>;

/** Whether local minute `m` lies in the span. */
export function inSpan(m: number, span: DailySpan): boolean {
  const { from, to } = span;
  return from < to ? m >= from && m < to : m >= from || m < to;
}

/**
 * Follow-up rules as data (the `followUps` section of config/tiers.jsonc): a cadence and a
 * text per tier, and when in the day Fenji may create the tasks (FENJI_TIMEZONE).
 */
export const followUpPolicySchema = z
  .strictObject({
    tiers: z.strictObject({ A: tierFollowUp, B: tierFollowUp, C: tierFollowUp, D: tierFollowUp }),
    /** When tasks are created each day, so they reach reps at a predictable time. */
    sendWindow: dailySpan,
    /** When no task is ever created, whatever the window says (customers' evenings and nights). */
    quietHours: dailySpan,
    /**
     * How long a created task may wait for the rep's confirmation in the WeCom client:
     * recipients still unsent after this many days get no push recorded and are due again.
     */
    confirmWithinDays: z.number().int('must be a whole number of days').min(1, 'must be 1 to 30 days').max(30, 'must be 1 to 30 days').default(3),
  })
  .refine(
    (p) => Array.from({ length: MINUTES_PER_DAY }, (_, m) => m).some((m) => inSpan(m, p.sendWindow) && !inSpan(m, p.quietHours)),
    {
      message: 'sendWindow lies wholly inside quietHours: follow-ups could never be sent',
      path: ['sendWindow'],
      // Only once the times themselves are valid.
      when: (payload) => payload.issues.length === 0,
    },
  );

export type FollowUpPolicy = z.infer<typeof followUpPolicySchema>;
