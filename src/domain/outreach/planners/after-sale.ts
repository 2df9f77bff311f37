import type { Order } from '../../contacts/contact.ts';
import type { OccasionPolicy } from '../../calendar/occasion-policy.ts';
import { addDays, instantOf, localDateOf, type LocalDate } from '../../followups/local-time.ts';
import type { ContactReads, ContactRecord } from '../../ports.ts';
import type { OutreachItem, OutreachPlanPage, OutreachPlanner, OutreachSkipReason } from '../outreach.ts';
import { countSkip, DayMemo, sameSenderStill, senderOf, type OccasionSettings, type PlannedRecord } from './greeting.ts';
import type { PaidOrderIndex, PaidOrderRef, RecordsById } from './ports.ts';
import { isoDate } from '../receive-rule.ts';

/**
 * How many days after its day an after-sale step is still offered. Care steps are the
 * lowest greeting kind, so they give way most often (to a birthday, a festival); a week
 * keeps "用得怎么样？" meaningful and lets a step survive a week of festivals such as 国庆.
 * The pipeline's once-per-occasion guard stops repeats.
 */
export const AFTER_SALE_CATCH_UP_DAYS = 7;

type AfterSale = OccasionPolicy['afterSale'];
type Step = AfterSale['steps'][number];

const dayNumber = (d: LocalDate) => Date.UTC(d.year, d.month - 1, d.day) / 86_400_000;

/** The label a rep and a manager read: 售后回访（第 7 天）. */
export function afterSaleLabel(afterDays: number): string {
  return `售后回访（第 ${afterDays} 天）`;
}

/** The step's text, or its product's own text when `byProduct` names the order's product. */
export function afterSaleText(step: Step, order: Pick<Order, 'product'>): string {
  return (order.product !== undefined && step.byProduct?.[order.product]) || step.text;
}

/**
 * One step of one order for its customer at `now`: due on the local day `afterDays` after
 * the payment's, from the configured hour, and for AFTER_SALE_CATCH_UP_DAYS after that.
 * Each step once per order: `aftersale:<paid day>:<afterDays>`, shared by every customer
 * who paid that day, so the ledger keeps one hash per (day, step), not one key per order (a
 * customer with two orders paid the same day gets that step's care once, not twice).
 */
export function afterSaleItemFor(record: PlannedRecord, order: Order, step: Step, afterSale: AfterSale, now: number, timeZone: string): OutreachItem | OutreachSkipReason {
  if (order.paidAt === undefined) return 'not_today';
  const day = addDays(localDateOf(order.paidAt, timeZone), step.afterDays);
  const late = dayNumber(localDateOf(now, timeZone)) - dayNumber(day);
  if (late < 0 || late > AFTER_SALE_CATCH_UP_DAYS) return 'not_today';
  if (!afterSale.enabled) return 'disabled';
  const notBefore = instantOf(day, afterSale.at, timeZone);
  if (now < notBefore) return 'not_yet';
  const sender = senderOf(record);
  if ('skip' in sender) return sender.skip;
  return {
    kind: 'aftersale', occasionKey: `aftersale:${isoDate(localDateOf(order.paidAt, timeZone))}:${step.afterDays}`, externalUserId: record.contact.externalUserId,
    rep: sender.rep, tier: sender.tier, text: afterSaleText(step, order), notBefore, label: afterSaleLabel(step.afterDays),
  };
}

/**
 * The payment times (ms) whose orders have step `afterDays` due at `now`, its catch-up
 * days included: [from, to), local midnights.
 */
export function paidWindow(afterDays: number, now: number, timeZone: string): { from: number; to: number } {
  const today = localDateOf(now, timeZone);
  return {
    from: instantOf(addDays(today, -afterDays - AFTER_SALE_CATCH_UP_DAYS), 0, timeZone),
    to: instantOf(addDays(today, 1 - afterDays), 0, timeZone),
  };
}

export interface AfterSalePlannerDeps {
  /** Candidates: orders by payment time, never a scan of everyone. */
  index: PaidOrderIndex;
  records: RecordsById & Pick<ContactReads, 'getOrder'>;
  occasions: OccasionSettings;
  timeZone: string;
}

/**
 * 售后关怀: the steps of config/occasions.jsonc `afterSale.steps` (by default day 1, 7 and
 * 30 after paid_at), each once per order, from the customer's current rep, the text by the
 * order's product where the step names it. Pages go step by step through each step's
 * payment window (paidWindow); the cursor is `<step index>:<offset>`, so an order paid
 * into a window while it is paged may be missed by this run and is found by the next.
 */
export class AfterSalePlanner implements OutreachPlanner {
  readonly kind = 'aftersale' as const;
  private readonly deps: AfterSalePlannerDeps;
  /** Per step, the payments [from, to) whose step falls on the local day. */
  private readonly stepsToday: DayMemo<Array<{ from: number; to: number }>>;

  constructor(deps: AfterSalePlannerDeps) {
    this.deps = deps;
    this.stepsToday = new DayMemo(deps.timeZone, (date) => deps.occasions.afterSale.steps.map((s) => ({
      from: instantOf(addDays(date, -s.afterDays), 0, deps.timeZone),
      to: instantOf(addDays(date, 1 - s.afterDays), 0, deps.timeZone),
    })));
  }

  /** Files contacts (orders) stored before the index existed, once. */
  async prepare(): Promise<void> {
    await this.deps.index.backfillOnce();
  }

  async page(now: number, cursor: string | null, limit: number): Promise<OutreachPlanPage> {
    const { index, occasions: { afterSale }, timeZone } = this.deps;
    if (!afterSale.enabled) return { items: [], skipped: {}, nextCursor: null };
    let [step, offset] = cursor === null ? [0, 0] : cursor.split(':').map(Number) as [number, number];
    const found: { ref: PaidOrderRef; step: Step }[] = [];
    while (step < afterSale.steps.length && found.length < limit) {
      const { from, to } = paidWindow(afterSale.steps[step]!.afterDays, now, timeZone);
      const want = limit - found.length;
      const refs = await index.paidBetween(from, to, offset, want);
      for (const ref of refs) found.push({ ref, step: afterSale.steps[step]! });
      if (refs.length < want) {
        step++;
        offset = 0;
      } else {
        offset += refs.length;
      }
    }
    const items: OutreachItem[] = [];
    const skipped: OutreachPlanPage['skipped'] = {};
    const records = new Map<string, ContactRecord>();
    for (const { record, order, step: s } of await this.read(found)) {
      const item = afterSaleItemFor(record, order, s, afterSale, now, timeZone);
      if (typeof item === 'string') countSkip(skipped, item);
      else {
        items.push(item);
        records.set(item.externalUserId, record);
      }
    }
    return { items, skipped, nextCursor: step < afterSale.steps.length ? `${step}:${offset}` : null, records };
  }

  /** Pure: from the payment times the record keeps (its latest 16). */
  dueOn(record: ContactRecord, now: number): boolean {
    if (!this.deps.occasions.afterSale.enabled || !('rep' in senderOf(record))) return false;
    const windows = this.stepsToday.of(now);
    return record.engagement.paidOrders.some((paidAt) => windows.some((w) => paidAt >= w.from && paidAt < w.to));
  }

  stillDue(record: ContactRecord, item: OutreachItem, _now: number): boolean {
    return sameSenderStill(record, item);
  }

  /** The records and orders behind the refs (one MGET, the orders in parallel); ones since gone are left out. */
  private async read(found: { ref: PaidOrderRef; step: Step }[]): Promise<{ record: ContactRecord; order: Order; step: Step }[]> {
    const { records } = this.deps;
    const byId = new Map((await records.getMany([...new Set(found.map((f) => f.ref.externalUserId))])).map((r) => [r.contact.externalUserId, r]));
    const orders = await Promise.all(found.map(({ ref }) => records.getOrder(ref.externalUserId, ref.orderId)));
    return found.flatMap(({ ref, step }, i) => {
      const record = byId.get(ref.externalUserId);
      const order = orders[i];
      return record && order ? [{ record, order, step }] : [];
    });
  }
}
