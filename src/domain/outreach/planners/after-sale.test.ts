import { describe, expect, it } from 'vitest';
import { storedRecord, storedTier } from '../../../../tests/helpers/factories.ts';
import { testOccasions } from '../../../../tests/helpers/occasions.ts';
import type { Order } from '../../contacts/contact.ts';
import { instantOf } from '../../followups/local-time.ts';
import type { ContactRecord } from '../../ports.ts';
import type { OutreachItem } from '../outreach.ts';
import { AFTER_SALE_CATCH_UP_DAYS, AfterSalePlanner, afterSaleItemFor, paidWindow } from './after-sale.ts';
import type { OccasionSettings } from './greeting.ts';
import type { PaidOrderIndex } from './ports.ts';

const TZ = 'Asia/Shanghai';
const settings = testOccasions.occasions;
const afterSale = settings.afterSale;
const T0 = Date.UTC(2026, 0, 1);
const local = (y: number, m: number, d: number, hh = 12, mm = 0) => instantOf({ year: y, month: m, day: d }, hh * 60 + mm, TZ);
const [day1, day7, day30] = afterSale.steps;

const customer = (id: string, tier: 'A' | 'B' = 'B', paidOrders: number[] = []): ContactRecord => {
  const record = storedRecord(id, T0, storedTier(tier, T0), { reps: ['zhangwei'] });
  return { ...record, engagement: { ...record.engagement, paidOrders } };
};
const order = (orderId: string, externalUserId: string, paidAt: number, product?: string): Order =>
  ({ orderId, externalUserId, amount: 100, paidAt, ...(product ? { product } : {}) });

describe('afterSaleItemFor: one step of one order', () => {
  // Paid late in the evening in Shanghai: still 20 September there, whatever UTC says.
  const paid = order('SO-1', 'wm1', local(2026, 9, 20, 23, 30));

  it('day 1 at the configured 10:00 of the next local day, keyed by payment day and step, labelled for people', () => {
    expect(afterSaleItemFor(customer('wm1'), paid, day1!, afterSale, local(2026, 9, 21, 10), TZ)).toEqual({
      kind: 'aftersale', occasionKey: 'aftersale:2026-09-20:1', externalUserId: 'wm1', rep: 'zhangwei', tier: 'B',
      text: '收到货了吗？', notBefore: local(2026, 9, 21, 10), label: '售后回访（第 1 天）',
    });
    expect(afterSaleItemFor(customer('wm1'), paid, day1!, afterSale, local(2026, 9, 21, 9, 59), TZ)).toBe('not_yet');
    expect(afterSaleItemFor(customer('wm1'), paid, day1!, afterSale, local(2026, 9, 20, 23, 59), TZ)).toBe('not_today');
  });

  it(`is offered for ${AFTER_SALE_CATCH_UP_DAYS} days after its day, then not`, () => {
    expect(afterSaleItemFor(customer('wm1'), paid, day1!, afterSale, local(2026, 9, 28, 20), TZ)).toMatchObject({ occasionKey: 'aftersale:2026-09-20:1' });
    expect(afterSaleItemFor(customer('wm1'), paid, day1!, afterSale, local(2026, 9, 29, 0, 1), TZ)).toBe('not_today');
    expect(afterSaleItemFor(customer('wm1'), paid, day7!, afterSale, local(2026, 9, 27, 10), TZ)).toMatchObject({ occasionKey: 'aftersale:2026-09-20:7' });
    expect(afterSaleItemFor(customer('wm1'), paid, day30!, afterSale, local(2026, 10, 20, 10), TZ)).toMatchObject({ occasionKey: 'aftersale:2026-09-20:30', text: '需要补货吗？' });
  });

  it('the text by the order\'s product when the step names it, else the step\'s', () => {
    const step = { ...day7!, byProduct: { 年度会员: '会员权益用得顺手吗？' } };
    const now = local(2026, 9, 27, 10);
    expect((afterSaleItemFor(customer('wm1'), { ...paid, product: '年度会员' }, step, afterSale, now, TZ) as OutreachItem).text).toBe('会员权益用得顺手吗？');
    expect((afterSaleItemFor(customer('wm1'), { ...paid, product: '月卡' }, step, afterSale, now, TZ) as OutreachItem).text).toBe('用得怎么样？');
  });

  it('off: disabled; untiered: no_tier; unpaid: never', () => {
    const now = local(2026, 9, 21, 10);
    expect(afterSaleItemFor(customer('wm1'), paid, day1!, { ...afterSale, enabled: false }, now, TZ)).toBe('disabled');
    expect(afterSaleItemFor(storedRecord('wm1', T0, null), paid, day1!, afterSale, now, TZ)).toBe('no_tier');
    const { paidAt: _, ...unpaid } = paid;
    expect(afterSaleItemFor(customer('wm1'), unpaid, day1!, afterSale, now, TZ)).toBe('not_today');
  });

  it('paidWindow: the local days whose payments have the step due today or in catch-up', () => {
    const now = local(2026, 10, 10, 15);
    expect(paidWindow(7, now, TZ)).toEqual({ from: local(2026, 9, 26, 0), to: local(2026, 10, 4, 0) });
  });
});

describe('AfterSalePlanner', () => {
  const records = [customer('wm1'), customer('wm2', 'A')];
  const orders = [
    order('SO-1', 'wm1', local(2026, 9, 30, 9)),
    order('SO-2', 'wm2', local(2026, 9, 24, 18), '年度会员'),
    order('SO-3', 'wm1', local(2026, 9, 1, 12)),
    order('SO-old', 'wm2', local(2026, 6, 1, 12)),
  ];
  const index: PaidOrderIndex = {
    backfillOnce: async () => 0,
    paidBetween: async (from, to, offset, limit) => orders
      .filter((o) => o.paidAt! >= from && o.paidAt! < to).sort((a, b) => a.paidAt! - b.paidAt!)
      .slice(offset, offset + limit).map((o) => ({ externalUserId: o.externalUserId, orderId: o.orderId, paidAt: o.paidAt! })),
  };
  const reads = {
    getMany: async (ids: string[]) => records.filter((r) => ids.includes(r.contact.externalUserId)),
    getOrder: async (_id: string, orderId: string) => orders.find((o) => o.orderId === orderId) ?? null,
  };

  it('pages each step\'s payment window in turn, one order at a time, and plans every due step once', async () => {
    const planner = new AfterSalePlanner({ index, records: reads, occasions: settings, timeZone: TZ });
    const now = local(2026, 10, 1, 10);
    const keys: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const page: Awaited<ReturnType<AfterSalePlanner['page']>> = await planner.page(now, cursor, 1);
      keys.push(...page.items.map((i) => i.occasionKey));
      cursor = page.nextCursor;
      if (cursor === null) break;
    }
    // SO-2's day 1 (25 Sep) is still in its catch-up days: if it went out then, the ledger says already_sent.
    expect(keys.sort()).toEqual(['aftersale:2026-09-01:30', 'aftersale:2026-09-24:1', 'aftersale:2026-09-24:7', 'aftersale:2026-09-30:1']);
  });

  it('reads nothing when after-sale care is off', async () => {
    const off: OccasionSettings = { ...settings, afterSale: { ...afterSale, enabled: false } };
    const planner = new AfterSalePlanner({ index: { ...index, paidBetween: async () => { throw new Error('read'); } }, records: reads, occasions: off, timeZone: TZ });
    expect(await planner.page(local(2026, 10, 1), null, 10)).toEqual({ items: [], skipped: {}, nextCursor: null });
  });

  it('dueOn: a step falls on the day (from the record\'s payment times), at any hour; stillDue: same rep and tier', async () => {
    const planner = new AfterSalePlanner({ index, records: reads, occasions: settings, timeZone: TZ });
    const buyer = customer('wm1', 'B', [local(2026, 9, 30, 9)]);
    expect(planner.dueOn(buyer, local(2026, 10, 1, 0, 5))).toBe(true);
    expect(planner.dueOn(buyer, local(2026, 10, 2))).toBe(false);
    expect(planner.dueOn(buyer, local(2026, 10, 7))).toBe(true);
    const [item] = (await planner.page(local(2026, 10, 1, 10), null, 10)).items.filter((i) => i.externalUserId === 'wm1');
    expect(planner.stillDue(buyer, item!, local(2026, 10, 1, 10))).toBe(true);
    expect(planner.stillDue(customer('wm1', 'A'), item!, local(2026, 10, 1, 10))).toBe(false);
  });
});
