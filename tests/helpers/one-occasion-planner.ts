import { addDays, instantOf, localDateOf, type LocalDate } from '../../src/domain/followups/local-time.ts';
import type { OutreachItem, OutreachKind, OutreachPlanner, OutreachPlanPage } from '../../src/domain/outreach/outreach.ts';
import { followUpRep } from '../../src/domain/outreach/planners/follow-up.ts';
import { isoDate } from '../../src/domain/outreach/receive-rule.ts';
import type { ContactReads, ContactRecord } from '../../src/domain/ports.ts';
import type { Tier } from '../../src/domain/tiers/policy.ts';

const SH = 'Asia/Shanghai';

export interface OneOccasion {
  kind: OutreachKind;
  /** Its id: the occasion key is `<kind>:<id>:<date>`. */
  id: string;
  label: string;
  /** The day (Shanghai) and the minute on it from which it goes out. */
  date: LocalDate;
  at: number;
  /** Who it is for (a real planner would read an index). */
  customers: string[];
  /** A's text may name the customer: {name}. */
  texts: Record<Tier, string>;
}

/**
 * A small real planner for tests: one occasion on one day, for the listed customers as
 * stored (their tier and rep read from the record), like the holiday and birthday planners
 * do over their indexes. Pages of `limit` through the list.
 */
export function oneOccasionPlanner(store: Pick<ContactReads, 'get'>, o: OneOccasion): OutreachPlanner {
  const onDay = (now: number) => isoDate(localDateOf(now, SH)) === isoDate(o.date);
  const occasionKey = `${o.kind}:${o.id}:${isoDate(o.date)}`;
  const notBefore = instantOf(o.date, o.at, SH);
  return {
    kind: o.kind,
    async page(now, cursor, limit): Promise<OutreachPlanPage> {
      if (!onDay(now)) return { items: [], skipped: { not_today: o.customers.length }, nextCursor: null };
      if (now < notBefore) return { items: [], skipped: { not_yet: o.customers.length }, nextCursor: null };
      const from = cursor ? Number(cursor) : 0;
      const ids = o.customers.slice(from, from + limit);
      const items: OutreachItem[] = [];
      const skipped: OutreachPlanPage['skipped'] = {};
      for (const record of await Promise.all(ids.map((id) => store.get(id)))) {
        // The rep to send from; one who lost every relation still gets an item, for personalSkip to refuse.
        const rep = record ? followUpRep(record.contact.follows) ?? record.contact.follows[0]?.userId ?? null : null;
        if (!record || !rep || !record.tier) {
          skipped.no_tier = (skipped.no_tier ?? 0) + 1;
          continue;
        }
        const text = o.texts[record.tier.tier].replace('{name}', record.contact.name);
        items.push({ kind: o.kind, occasionKey, externalUserId: record.contact.externalUserId, rep, tier: record.tier.tier, text, notBefore, label: o.label });
      }
      return { items, skipped, nextCursor: from + limit < o.customers.length ? String(from + limit) : null };
    },
    dueOn: (record: ContactRecord, now: number) => onDay(now) && o.customers.includes(record.contact.externalUserId),
    stillDue: (record: ContactRecord, item: OutreachItem, now: number) =>
      onDay(now) && followUpRep(record.contact.follows) === item.rep && record.tier?.tier === item.tier,
  };
}

/** The local date `days` after 2026-01-05 (the follow-up fixtures' T0 day). */
export const dayAfterT0 = (days: number): LocalDate => addDays({ year: 2026, month: 1, day: 5 }, days);
