import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InteractionAccepted } from '../../src/http/routes/api/schemas/responses.ts';
import { DAY, NOW, startApiHarness, type ApiHarness } from '../helpers/api-app.ts';

function message(id: string, at: number | string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, external_userid: 'c1', direction: 'inbound', channel: 'message', at, ...overrides };
}

describe('POST /api/interactions (real Redis)', () => {
  let api: ApiHarness;

  beforeEach(async () => {
    api = await startApiHarness();
    await api.seedContact('c1', { addedAt: NOW - 60 * DAY });
  });

  afterEach(async () => {
    await api.close();
  });

  it('moves a silent contact to C on a first message, then to B after three in 14 days', async () => {
    const first = await api.call('POST', '/api/interactions', { body: message('m1', NOW - 3 * DAY, { text: '你好' }) });
    expect(first.status).toBe(201);
    expect(InteractionAccepted.parse(first.body).tier).toMatchObject({ tier: 'C', source: 'rules' });
    expect(first.body.interaction).toEqual({ id: 'm1', external_userid: 'c1', direction: 'inbound', channel: 'message', at: new Date(NOW - 3 * DAY).toISOString(), intent_keyword: null, opt_out_keyword: null });
    await api.call('POST', '/api/interactions', { body: message('m2', NOW - 2 * DAY) });
    const third = await api.call('POST', '/api/interactions', { body: message('m3', new Date(NOW - DAY).toISOString(), { channel: 'call' }) });
    expect(third.body.tier.tier).toBe('B');
    expect(third.body.tier.reasons[0]).toMatch(/^3 条消息\/14天/);
    expect(api.changes.map((c) => c.to)).toEqual(['C', 'B']);
  });

  it("finds the policy's buying-intent keyword in the text: B with that reason", async () => {
    const res = await api.call('POST', '/api/interactions', { body: message('m1', NOW - DAY, { text: '请问年度会员多少钱？' }) });
    expect(res.status).toBe(201);
    expect(res.body.interaction.intent_keyword).toBe('多少钱');
    expect(res.body.tier).toMatchObject({ tier: 'B', label: '种子' });
    expect(res.body.tier.reasons).toContain("提到'多少钱' 11-19");
  });

  it('counts an outbound message as our push, not as the customer writing', async () => {
    const res = await api.call('POST', '/api/interactions', { body: message('p1', NOW - DAY, { direction: 'outbound', text: '报价单已发送' }) });
    expect(res.status).toBe(201);
    expect(res.body.interaction.intent_keyword).toBeNull();
    expect(res.body.tier.tier).toBe('D');
    const record = await api.store.get('c1');
    expect(record?.engagement).toMatchObject({ inbound: [], pushes: [NOW - DAY], intents: [] });
  });

  it('answers a replay whose stored fields are equal 200 (key order, ISO or ms, text without a new keyword)', async () => {
    const first = await api.call('POST', '/api/interactions', { body: message('m1', NOW - DAY, { text: '你好' }) });
    const again = await api.call('POST', '/api/interactions', {
      body: { text: '您好', at: new Date(NOW - DAY).toISOString(), channel: 'message', direction: 'inbound', external_userid: 'c1', id: 'm1' },
    });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
  });

  it('refuses a replay with a different body 409 interaction_conflict and writes nothing', async () => {
    await api.call('POST', '/api/interactions', { body: message('m1', NOW - DAY, { text: '你好' }) });
    const before = await api.store.get('c1');
    for (const change of [{ at: NOW - 2 * DAY }, { direction: 'outbound' }, { channel: 'call' }, { text: '多少钱' }, { rep_userid: 'zhangwei' }]) {
      const res = await api.call('POST', '/api/interactions', { body: message('m1', NOW - DAY, { text: '你好', ...change }) });
      expect(res.status, JSON.stringify(change)).toBe(409);
      expect(res.body.error.code).toBe('interaction_conflict');
    }
    expect(await api.store.get('c1')).toEqual(before);
  });

  it('counts three inbound messages with distinct ids at the same time as three (B), a replay as none', async () => {
    for (const id of ['s1', 's2', 's3']) expect((await api.call('POST', '/api/interactions', { body: message(id, NOW - DAY) })).status).toBe(201);
    expect((await api.call('POST', '/api/interactions', { body: message('s2', NOW - DAY) })).status).toBe(200);
    const record = await api.store.get('c1');
    expect(record?.engagement.inbound).toEqual([NOW - DAY, NOW - DAY, NOW - DAY]);
    expect(record?.tier?.tier).toBe('B');
  });

  it('refuses ids that are not well-formed Unicode 400, naming the field', async () => {
    const res = await api.call('POST', '/api/interactions', { body: message('m-\udfff', NOW - DAY) });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ path: 'body.id', code: 'not_well_formed_unicode', message: expect.stringMatching(/Unicode/) }]);
    // WeCom ids are ASCII by schema, so a lone surrogate there is refused too.
    for (const [field, value] of [['external_userid', 'c\ud800'], ['rep_userid', 'zw\udfff']] as const) {
      const bad = await api.call('POST', '/api/interactions', { body: message('m-ok', NOW - DAY, { [field]: value }) });
      expect(bad.status, field).toBe(400);
      expect(bad.body.error.details.map((d: { path: string }) => d.path)).toEqual([`body.${field}`]);
    }
    expect((await api.store.get('c1'))?.engagement.inbound).toEqual([]);
  });

  it('answers a replay 200 with the same body and changes nothing', async () => {
    const body = message('m1', NOW - DAY, { text: '报价' });
    const first = await api.call('POST', '/api/interactions', { body });
    const before = await api.store.get('c1');
    const again = await api.call('POST', '/api/interactions', { body });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await api.store.get('c1')).toEqual(before);
  });

  it('refuses bad input (400 with details) and unknown contacts (404), writing nothing', async () => {
    const bad: [Record<string, unknown>, string][] = [
      [message('m1', NOW, { direction: 'sideways' }), 'body.direction'],
      [message('m1', NOW, { channel: 'push' }), 'body.channel'],
      [message('m1', NOW + DAY), 'body.at'],
      [{ ...message('m1', NOW), at: undefined }, 'body.at'],
      [message('m1', NOW, { text: 42 }), 'body.text'],
      [message('m1', NOW, { note: 'x' }), 'body'],
    ];
    for (const [body, path] of bad) {
      const res = await api.call('POST', '/api/interactions', { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    const ghost = await api.call('POST', '/api/interactions', { body: message('m1', NOW, { external_userid: 'ghost' }) });
    expect(ghost.status).toBe(404);
    expect(ghost.body.error.code).toBe('contact_not_found');
    const record = await api.store.get('c1');
    expect(record?.engagement.inbound).toEqual([]);
    expect(record?.tier).toBeNull();
  });
});
