import type { CustomerOutlook } from '../../src/domain/bot/outlook.ts';
import { plannerOutlook } from '../../src/domain/bot/outlook.ts';
import type { BotWrites, CustomerFinder } from '../../src/domain/bot/ports.ts';
import { contactGrams } from '../../src/domain/contacts/name-search.ts';
import { followUpAnchor } from '../../src/domain/contacts/reach-anchor.ts';
import { AfterSalePlanner } from '../../src/domain/outreach/planners/after-sale.ts';
import { BirthdayPlanner } from '../../src/domain/outreach/planners/birthday.ts';
import { HolidayPlanner } from '../../src/domain/outreach/planners/holiday.ts';
import type { ContactRecord } from '../../src/domain/ports.ts';
import { testOccasions } from './occasions.ts';
import { testPolicies } from './tier-rules.ts';

/**
 * The bot's ports over an in-memory archive, for unit tests of its commands: the same
 * contract as the Redis adapters (grams from name-search.ts, urgency by the follow-up
 * anchor), and writes that count what they did.
 */
export class FakeBotArchive {
  readonly records = new Map<string, ContactRecord>();
  readonly interactions: string[] = [];
  readonly overrides: string[] = [];

  constructor(records: readonly ContactRecord[]) {
    for (const r of records) this.records.set(r.contact.externalUserId, r);
  }

  private ofScope(rep: string | undefined): ContactRecord[] {
    return [...this.records.values()]
      .filter((r) => rep === undefined || r.contact.follows.some((f) => f.userId === rep && f.status === 'active'))
      .sort((a, b) => (a.contact.externalUserId < b.contact.externalUserId ? -1 : 1));
  }

  readonly finder: CustomerFinder = {
    findByGrams: (grams, rep, limit) => Promise.resolve(this.ofScope(rep).filter((r) => {
      const own = contactGrams(r.contact);
      return grams.every((g) => own.includes(g));
    }).slice(0, limit)),
    get: (id) => Promise.resolve(this.records.get(id) ?? null),
    byUrgency: (tier, rep, limit) => {
      const inTier = this.ofScope(rep).filter((r) => r.tier?.tier === tier);
      const anchor = (r: ContactRecord) => followUpAnchor({ tier: r.tier, engagement: r.engagement, hasActiveRelation: r.contact.follows.some((f) => f.status === 'active') })?.anchor ?? Infinity;
      const ranked = [...inTier].sort((a, b) => anchor(a) - anchor(b));
      return Promise.resolve({ records: ranked.slice(0, limit), total: inTier.length });
    },
    ofRep: (rep) => Promise.resolve(this.ofScope(rep)),
    countAnchoredBefore: (tier, cutoff) => Promise.resolve(this.ofScope(undefined).filter((r) => {
      const a = followUpAnchor({ tier: r.tier, engagement: r.engagement, hasActiveRelation: r.contact.follows.some((f) => f.status === 'active') });
      return a !== null && a.tier === tier && a.anchor < cutoff;
    }).length),
  };

  readonly writes: BotWrites = {
    recordContact: (interaction) => {
      const record = this.records.get(interaction.externalUserId);
      if (!record) return Promise.resolve('unknown_contact');
      if (this.interactions.includes(interaction.id)) return Promise.resolve('duplicate');
      this.interactions.push(interaction.id);
      const pushes = [...record.engagement.pushes, interaction.at].sort((a, b) => a - b);
      this.records.set(interaction.externalUserId, { ...record, engagement: { ...record.engagement, pushes } });
      return Promise.resolve('added');
    },
    setOverride: (id, override) => {
      const record = this.records.get(id);
      if (!record) return Promise.resolve(null);
      this.overrides.push(`${id}:${override?.tier ?? '-'}:${override?.by ?? ''}`);
      const tier = override && record.tier ? { ...record.tier, tier: override.tier, source: 'override' as const, reasons: [`人工设定（${override.by}）：${override.reason}`] } : record.tier;
      const next = { ...record, override, tier };
      this.records.set(id, next);
      return Promise.resolve(next);
    },
  };
}

/** The outlook over the test tier rules and occasions, with real greeting planners (their dueOn reads no port). */
export function testOutlook(timeZone = 'Asia/Shanghai'): CustomerOutlook {
  const occasions = testOccasions.occasions;
  const unused = {} as never;
  return plannerOutlook({
    followUps: testPolicies.followUps,
    greetings: [
      new BirthdayPlanner({ index: unused, records: unused, occasions, timeZone }),
      new HolidayPlanner({ contacts: unused, occasions, timeZone }),
      new AfterSalePlanner({ index: unused, records: unused, occasions, timeZone }),
    ],
    occasions,
    timeZone,
  });
}
