import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OrderAccepted } from '../../src/http/routes/api/schemas/responses.ts';
import { API_TOKEN, DAY, NOW, startApiHarness, type ApiHarness } from '../helpers/api-app.ts';

const PAID = NOW - 2 * DAY;

function order(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { order_id: 'SO-1', external_userid: 'c1', amount: 1299.5, cost: 800, paid_at: new Date(PAID).toISOString(), product: '年度会员', region: '上海', ...overrides };
}

describe('POST /api/orders (real Redis)', () => {
  let api: ApiHarness;

  beforeEach(async () => {
    api = await startApiHarness();
    await api.seedContact('c1');
  });

  afterEach(async () => {
    await api.close();
  });

  it('records a paid order (201), moves the contact to A with the reason, and tells the hook', async () => {
    const res = await api.call('POST', '/api/orders', { body: order() });
    expect(res.status).toBe(201);
    expect(res.headers.get('idempotent-replayed')).toBeNull();
    const body = OrderAccepted.parse(res.body);
    expect(body.order).toMatchObject({ order_id: 'SO-1', amount: 1299.5, cost: 800, profit: null, paid_at: new Date(PAID).toISOString(), days_late: null });
    expect(body.tier).toMatchObject({ tier: 'A', label: '成交', source: 'rules', override: null });
    expect(body.tier!.reasons[0]).toMatch(/^成交订单 11-18/);
    const record = await api.store.get('c1');
    expect(record?.orders).toEqual({ count: 1, amount: 1299.5, profit: 499.5, paid: 1, daysLate: 0 });
    expect(api.changes.map((c) => [c.from, c.to])).toEqual([[null, 'A']]);
  });

  it('answers a replay 200 with the same body and Idempotent-Replayed, without doubling totals', async () => {
    const first = await api.call('POST', '/api/orders', { body: order() });
    const again = await api.call('POST', '/api/orders', { body: order() });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    const record = await api.store.get('c1');
    expect(record?.orders.count).toBe(1);
    expect(record?.orders.amount).toBe(1299.5);
    expect(record?.engagement.paidOrders).toEqual([PAID]);
    expect(api.changes).toHaveLength(1);
  });

  it('answers a replay with a reordered but equal body 200 with the STORED order', async () => {
    const first = await api.call('POST', '/api/orders', { body: order() });
    // Same fields in another key order, the time as epoch ms, the amount to the same fen: the same order.
    const reordered = { region: '上海', product: '年度会员', paid_at: PAID, cost: 800, amount: 1299.5, external_userid: 'c1', order_id: 'SO-1' };
    const again = await api.call('POST', '/api/orders', { body: reordered });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.order).toEqual(first.body.order);
  });

  it('refuses a replay with a different body 409 order_conflict, the stored order in details, nothing written', async () => {
    const first = await api.call('POST', '/api/orders', { body: order() });
    const before = await api.store.get('c1');
    for (const change of [{ amount: 1399 }, { paid_at: undefined }, { product: '月度会员' }, { cost: undefined, profit: 10 }]) {
      const corrected = await api.call('POST', '/api/orders', { body: order(change) });
      expect(corrected.status, JSON.stringify(change)).toBe(409);
      expect(corrected.headers.get('idempotent-replayed')).toBeNull();
      expect(corrected.body.error.code).toBe('order_conflict');
      expect(corrected.body.error.details).toEqual({ order: first.body.order });
    }
    expect(await api.store.get('c1')).toEqual(before);
    expect(api.changes).toHaveLength(1);
  });

  it('refuses an order_id that is not well-formed Unicode (a lone surrogate) 400, naming the field', async () => {
    const res = await api.call('POST', '/api/orders', { body: order({ order_id: 'SX-\ud800' }) });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details).toEqual([{ path: 'body.order_id', code: 'not_well_formed_unicode', message: expect.stringMatching(/Unicode/) }]);
    const other = await api.call('POST', '/api/orders', { body: order({ order_id: 'SX-\udfff' }) });
    expect(other.status).toBe(400);
    expect((await api.store.get('c1'))?.orders.count).toBe(0);
  });

  it('takes epoch ms as well as ISO, and derives days_late from paid_at − due_at', async () => {
    const res = await api.call('POST', '/api/orders', { body: order({ order_id: 'SO-2', paid_at: PAID, due_at: PAID - 5 * DAY - 3_600_000, cost: undefined, profit: 100 }) });
    expect(res.status).toBe(201);
    expect(res.body.order).toMatchObject({ paid_at: new Date(PAID).toISOString(), days_late: 5, profit: 100 });
    expect((await api.store.get('c1'))?.orders).toMatchObject({ profit: 100, daysLate: 5 });
  });

  it('refuses bad input with a code and field details, and writes nothing', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [order({ amount: -1 }), 'body.amount'],
      [order({ cost: -0.01 }), 'body.cost'],
      [order({ discount: 5 }), 'body'],
      [order({ paid_at: 'yesterday' }), 'body.paid_at'],
      [order({ paid_at: Math.floor(PAID / 1000) }), 'body.paid_at'],
      [order({ paid_at: NOW + DAY }), 'body.paid_at'],
      [order({ order_id: '' }), 'body.order_id'],
      [order({ amount: '12' }), 'body.amount'],
    ];
    for (const [body, path] of cases) {
      const res = await api.call('POST', '/api/orders', { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    const seconds = await api.call('POST', '/api/orders', { body: order({ paid_at: Math.floor(PAID / 1000) }) });
    expect(seconds.body.error.message).toBe('body.paid_at: must be epoch milliseconds (this looks like seconds)');
    const record = await api.store.get('c1');
    expect(record?.orders.count).toBe(0);
    expect(record?.tier).toBeNull();
    expect(api.changes).toEqual([]);
  });

  it('answers malformed JSON 400 json_invalid, a non-JSON body 415, and an oversized body 413', async () => {
    const malformed = await api.call('POST', '/api/orders', { raw: '{"order_id": "SO-1", "amount": 1,' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('json_invalid');
    const form = await api.call('POST', '/api/orders', { raw: 'order_id=SO-1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(415);
    expect(form.body.error.code).toBe('unsupported_media_type');
    const huge = await api.call('POST', '/api/orders', { body: order({ product: 'x'.repeat(300 * 1024) }) });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('body_too_large');
    expect((await api.store.get('c1'))?.orders.count).toBe(0);
  });

  it('stops reading a chunked body (no Content-Length) at the limit and still answers 413', async () => {
    const chunk = new TextEncoder().encode(`{"pad":"${'x'.repeat(64 * 1024)}`);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await fetch(`${api.url}/api/orders`, {
      method: 'POST', body, duplex: 'half',
      headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
    } as RequestInit);
    expect(res.headers.get('content-length')).not.toBeNull();
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('body_too_large');
  }, 3000); // a body left undrained stalls the client for seconds: keep this fast

  it('answers 404 contact_not_found for an unknown contact and stores nothing for it', async () => {
    const res = await api.call('POST', '/api/orders', { body: order({ external_userid: 'ghost' }) });
    expect(res.status).toBe(404);
    expect(res.body.error).toEqual({ code: 'contact_not_found', message: 'no contact with external_userid ghost' });
    expect(await api.store.get('ghost')).toBeNull();
    expect(await api.redis.keys(`${api.prefix}:ct:ghost*`)).toEqual([]);
  });
});
