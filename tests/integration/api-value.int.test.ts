import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisValueBatches } from '../../src/adapters/redis/contact-store/value-batches.ts';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { testPolicies } from '../helpers/tier-rules.ts';
import { scoreAllValues } from '../../src/jobs/value/score-all-values.ts';
import { ContactDetail, TiersSummary } from '../../src/http/routes/api/schemas/responses.ts';
import { DAY, NOW, startApiHarness, type ApiHarness } from '../helpers/api-app.ts';

const { value: policy } = testPolicies;

describe('value in the API after a scoring run (real Redis)', () => {
  let api: ApiHarness;

  beforeEach(async () => {
    api = await startApiHarness();
    // Five buyers with growing orders (the biggest also the most frequent), one contact without orders.
    for (let i = 1; i <= 5; i++) {
      await api.seedContact(`b${i}`, { reps: [i % 2 ? 'rep1' : 'rep2'] });
      for (let k = 0; k < i; k++) {
        const order = { order_id: `b${i}-o${k}`, external_userid: `b${i}`, amount: 100 * i, profit: 10 * i, paid_at: NOW - DAY };
        expect((await api.call('POST', '/api/orders', { body: order })).status).toBe(201);
      }
    }
    await api.seedContact('none', { reps: ['rep1'] });
  });

  afterEach(async () => {
    await api.close();
  });

  const score = () => scoreAllValues({ batches: new RedisValueBatches({ redis: api.redis, keys: new RedisKeys(api.prefix) }), policy, clock: { now: () => NOW } });

  it('shows score, grade and quadrant with zh labels on the contact, and 0 / 低价值 / no quadrant for a contact without orders', async () => {
    const before = ContactDetail.parse((await api.call('GET', '/api/contacts/b5')).body);
    expect(before.value).toBeNull();
    await score();

    const top = ContactDetail.parse((await api.call('GET', '/api/contacts/b5')).body);
    expect(top.value).toEqual({ score: 100, grade: 'high', grade_label: '高价值', quadrant: 'star', quadrant_label: '明星' });
    const bottom = ContactDetail.parse((await api.call('GET', '/api/contacts/b1')).body);
    expect(bottom.value).toMatchObject({ grade: 'low', grade_label: '低价值', quadrant: 'burden', quadrant_label: '负担' });
    const none = ContactDetail.parse((await api.call('GET', '/api/contacts/none')).body);
    expect(none.value).toEqual({ score: 0, grade: 'low', grade_label: '低价值', quadrant: null, quadrant_label: null });
  });

  it('adds counts by value grade and quadrant to GET /api/tiers/summary for everyone, not per rep', async () => {
    expect(TiersSummary.parse((await api.call('GET', '/api/tiers/summary')).body).value).toBeNull();
    await score();

    const all = TiersSummary.parse((await api.call('GET', '/api/tiers/summary')).body);
    // 5 buyers: 1 high, round(2.5) − 1 = 2 mid, 2 low, plus the contact without orders (low).
    expect(all.value).toEqual({
      scored_at: new Date(NOW).toISOString(), contacts: 6, buyers: 5,
      grades: [{ grade: 'high', label: '高价值', count: 1 }, { grade: 'mid', label: '中价值', count: 2 }, { grade: 'low', label: '低价值', count: 3 }],
      quadrants: [
        { quadrant: 'star', label: '明星', count: 2 }, { quadrant: 'flow', label: '流量', count: 0 },
        { quadrant: 'stream', label: '小溪', count: 0 }, { quadrant: 'burden', label: '负担', count: 3 },
      ],
    });
    expect(TiersSummary.parse((await api.call('GET', '/api/tiers/summary?rep=rep1')).body).value).toBeNull();
  });
});
