import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContactDetail, ContactPage, TierResult, TiersSummary } from '../../src/http/routes/api/schemas/responses.ts';
import { DAY, NOW, startApiHarness, type ApiHarness } from '../helpers/api-app.ts';

describe('contacts, profile, tier override and summary routes (real Redis)', () => {
  let api: ApiHarness;

  beforeEach(async () => {
    api = await startApiHarness();
  });

  afterEach(async () => {
    await api.close();
  });

  it('GET /api/contacts/:id shows the archive, tier with reasons, lifecycle, totals and history', async () => {
    await api.seedContact('c1', { reps: ['rep1', 'rep2'], name: '王先生' });
    await api.call('POST', '/api/interactions', { body: { id: 'm1', external_userid: 'c1', direction: 'inbound', channel: 'message', at: NOW - 3 * DAY, text: '报价' } });
    await api.call('POST', '/api/orders', { body: { order_id: 'o1', external_userid: 'c1', amount: 100, profit: 30, paid_at: NOW - DAY } });
    const res = await api.call('GET', '/api/contacts/c1');
    expect(res.status).toBe(200);
    const body = ContactDetail.parse(res.body);
    expect(body.contact).toMatchObject({ external_userid: 'c1', name: '王先生', corp_name: null });
    expect(body.follows.map((f) => f.userid)).toEqual(['rep1', 'rep2']);
    expect(body.tier).toMatchObject({ tier: 'A', label: '成交', source: 'rules', override: null });
    expect(body.lifecycle).toEqual({ stage: 'new', label: '新客' });
    expect(body.orders).toEqual({ count: 1, amount: 100, profit: 30, paid: 1, avg_days_late: 0 });
    expect(body.engagement.intents).toEqual([{ at: new Date(NOW - 3 * DAY).toISOString(), keyword: '报价' }]);
    expect(body.history.map((h) => [h.from, h.to])).toEqual([['B', 'A'], [null, 'B']]);
    expect(body.value).toBeNull();

    const missing = await api.call('GET', '/api/contacts/ghost');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('contact_not_found');
    const bad = await api.call('GET', `/api/contacts/${encodeURIComponent('a b')}`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('params.id');
  });

  it('PATCH /profile merges fields, keeps the others, and refuses bad ones without writing', async () => {
    await api.seedContact('c1');
    const first = await api.call('PATCH', '/api/contacts/c1/profile', { body: { birthday: { calendar: 'lunar', month: 8, day: 15 }, occupation: '采购经理', interests: ['钓鱼'] } });
    expect(first.status).toBe(200);
    const second = await api.call('PATCH', '/api/contacts/c1/profile', { body: { region: '杭州', interests: ['钓鱼', '普洱'] } });
    expect(second.body).toEqual({
      external_userid: 'c1',
      profile: { birthday: { calendar: 'lunar', month: 8, day: 15 }, occupation: '采购经理', region: '杭州', interests: ['钓鱼', '普洱'] },
    });
    for (const [body, path] of [
      [{ birthday: { calendar: 'solar', month: 2, day: 30 } }, 'body.birthday.day'],
      [{ birthday: { calendar: 'gregorian', month: 2, day: 3 } }, 'body.birthday.calendar'],
      [{ age: -3 }, 'body.age'],
      [{ hobby: 'x' }, 'body'],
      [{}, 'body'],
    ] as const) {
      const res = await api.call('PATCH', '/api/contacts/c1/profile', { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    expect((await api.store.get('c1'))?.contact.profile).toEqual(second.body.profile);
    expect((await api.call('PATCH', '/api/contacts/ghost/profile', { body: { age: 30 } })).status).toBe(404);
  });

  it('PUT /tier-override wins with who/why/until; DELETE hands the tier back to the rules', async () => {
    await api.seedContact('c1', { addedAt: NOW - 60 * DAY });
    const until = NOW + 30 * DAY;
    const set = await api.call('PUT', '/api/contacts/c1/tier-override', { body: { tier: 'A', reason: '年度框架协议', until: new Date(until).toISOString() } });
    expect(set.status).toBe(200);
    const tier = TierResult.parse(set.body).tier!;
    expect(tier).toMatchObject({ tier: 'A', source: 'override', next_review_at: new Date(until).toISOString() });
    expect(tier.override).toEqual({ tier: 'A', label: '成交', by: 'erp', reason: '年度框架协议', at: new Date(NOW).toISOString(), until: new Date(until).toISOString() });
    expect(tier.reasons[0]).toContain('人工设定（erp）：年度框架协议');
    expect((await api.call('GET', '/api/contacts/c1')).body.tier.source).toBe('override');

    const removed = await api.call('DELETE', '/api/contacts/c1/tier-override');
    expect(removed.status).toBe(200);
    expect(removed.body.tier).toMatchObject({ tier: 'D', source: 'rules', override: null });
    expect(api.changes.map((c) => [c.from, c.to, c.source])).toEqual([[null, 'A', 'override'], ['A', 'D', 'rules']]);
    expect((await api.call('DELETE', '/api/contacts/c1/tier-override')).status).toBe(200);

    const past = await api.call('PUT', '/api/contacts/c1/tier-override', { body: { tier: 'B', reason: 'x', until: NOW - DAY } });
    expect(past.status).toBe(400);
    expect(past.body.error.details[0].path).toBe('body.until');
    expect((await api.call('PUT', '/api/contacts/c1/tier-override', { body: { tier: 'E', reason: 'x' } })).status).toBe(400);
    expect((await api.call('PUT', '/api/contacts/c1/tier-override', { body: { tier: 'B', reason: '  ' } })).status).toBe(400);
    expect((await api.store.get('c1'))?.override).toBeNull();
    expect((await api.call('PUT', '/api/contacts/ghost/tier-override', { body: { tier: 'B', reason: 'x' } })).status).toBe(404);
  });

  it('GET /api/contacts pages through every contact exactly once, by tier and by rep', async () => {
    const ids = Array.from({ length: 23 }, (_, i) => `c${String(i).padStart(2, '0')}`);
    for (const [i, id] of ids.entries()) {
      await api.seedContact(id, { reps: i % 2 ? ['rep1'] : ['rep2'], addedAt: i % 3 ? NOW - DAY : NOW - 90 * DAY });
      await api.call('DELETE', `/api/contacts/${id}/tier-override`); // evaluates the tier
    }
    const all = await pageAll(api, '/api/contacts?limit=5');
    expect(all.pages).toBe(5);
    expect([...all.ids].sort()).toEqual(ids);
    expect(new Set(all.ids).size).toBe(ids.length);

    const silent = await pageAll(api, '/api/contacts?tier=D&limit=4');
    expect(silent.ids.sort()).toEqual(ids.filter((_, i) => i % 3 === 0));
    const rep1 = await pageAll(api, '/api/contacts?rep=rep1&limit=3');
    expect(rep1.ids.sort()).toEqual(ids.filter((_, i) => i % 2));

    for (const query of ['limit=0', 'limit=x', 'tier=Z', 'teir=A', 'cursor=bm9wZQ']) {
      const res = await api.call('GET', `/api/contacts?${query}`);
      expect(res.status, query).toBe(400);
      expect(['validation_failed', 'invalid_cursor']).toContain(res.body.error.code);
    }
  });

  it('GET /api/tiers/summary counts per tier with zh labels, for all or one rep', async () => {
    await api.seedContact('a', { reps: ['rep1'] });
    await api.seedContact('b', { reps: ['rep2'], addedAt: NOW - 90 * DAY });
    await api.seedContact('c', { reps: ['rep1', 'rep2'] });
    for (const id of ['a', 'b', 'c']) await api.call('DELETE', `/api/contacts/${id}/tier-override`);
    await api.call('PUT', '/api/contacts/c/tier-override', { body: { tier: 'A', reason: '老客户' } });
    const all = TiersSummary.parse((await api.call('GET', '/api/tiers/summary')).body);
    expect(all).toEqual({
      rep: null, total: 3,
      tiers: [{ tier: 'A', label: '成交', count: 1 }, { tier: 'B', label: '种子', count: 0 }, { tier: 'C', label: '潜在', count: 1 }, { tier: 'D', label: '沉默', count: 1 }],
      value: null,
    });
    const rep2 = (await api.call('GET', '/api/tiers/summary?rep=rep2')).body;
    expect(rep2.rep).toBe('rep2');
    expect(rep2.tiers.map((t: { count: number }) => t.count)).toEqual([1, 0, 0, 1]);
  });
});

async function pageAll(api: ApiHarness, path: string): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res = await api.call('GET', cursor ? `${path}&cursor=${encodeURIComponent(cursor)}` : path);
    expect(res.status).toBe(200);
    const page = ContactPage.parse(res.body);
    ids.push(...page.items.map((item) => item.external_userid));
    cursor = page.next_cursor;
    pages++;
  } while (cursor && pages < 100);
  return { ids, pages };
}
