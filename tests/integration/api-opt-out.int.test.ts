import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { personalSkip } from '../../src/domain/outreach/personal-skip.ts';
import { ContactDetail, ContactPage, OptOutResult } from '../../src/http/routes/api/schemas/responses.ts';
import { NOW, OTHER_TOKEN, startApiHarness, type ApiHarness } from '../helpers/api-app.ts';

const HOUR = 3_600_000;
const iso = (ms: number): string => new Date(ms).toISOString();

function message(id: string, externalUserId: string, at: number, text: string): Record<string, unknown> {
  return { id, external_userid: externalUserId, direction: 'inbound', channel: 'message', at, text };
}

describe('opt-out (退订) through the API (real Redis)', () => {
  let api: ApiHarness;

  beforeEach(async () => {
    api = await startApiHarness();
    for (const id of ['c1', 'c2', 'c3']) await api.seedContact(id);
  });

  afterEach(async () => {
    await api.close();
  });

  const post = (body: Record<string, unknown>) => api.call('POST', '/api/interactions', { body });
  const reverse = (id: string, token?: string) => api.call('DELETE', `/api/contacts/${id}/opt-out`, token ? { token } : {});
  const detail = async (id: string) => ContactDetail.parse((await api.call('GET', `/api/contacts/${id}`)).body);

  it('a customer message 退订 opts them out (shown on the contact and its row); the rep reverses it', async () => {
    const res = await post(message('m1', 'c1', NOW - HOUR, '退订！'));
    expect(res.status).toBe(201);
    expect(res.body.interaction.opt_out_keyword).toBe('退订');
    expect((await detail('c1')).opt_out).toEqual({ at: iso(NOW - HOUR), keyword: '退订', source: 'm1' });
    expect(personalSkip((await api.store.get('c1'))!)).toBe('opted_out');
    expect(api.optOuts).toEqual([{ externalUserId: 'c1', optOut: { at: NOW - HOUR, keyword: '退订', source: 'm1' } }]);
    const rows = ContactPage.parse((await api.call('GET', '/api/contacts?limit=10')).body).items;
    expect(Object.fromEntries(rows.map((r) => [r.external_userid, r.opted_out]))).toEqual({ c1: true, c2: false, c3: false });

    const reversed = await reverse('c1', OTHER_TOKEN);
    expect(reversed.status).toBe(200);
    expect(OptOutResult.parse(reversed.body)).toEqual({ external_userid: 'c1', opt_out: null, opt_out_reversal: { at: iso(NOW), by: 'crm' } });
    expect((await detail('c1')).opt_out_reversal).toEqual({ at: iso(NOW), by: 'crm' });
    expect(personalSkip((await api.store.get('c1'))!)).toBeNull();
  });

  it('after a reversal an older 退订 (replayed, or read late) changes nothing; a newer one opts them out again', async () => {
    await post(message('m1', 'c1', NOW - HOUR, '退订'));
    await reverse('c1');
    const replay = await post(message('m1', 'c1', NOW - HOUR, '退订'));
    expect(replay.status).toBe(200);
    const late = await post(message('m0', 'c1', NOW - 2 * HOUR, '不要再发了'));
    expect(late.status).toBe(201);
    expect(late.body.interaction.opt_out_keyword).toBe('不要再发');
    expect((await api.store.get('c1'))?.optOut ?? null).toBeNull();
    // Only the first post told the reps: the replay and the late one are not the opt-out held.
    expect(api.optOuts.map((o) => o.optOut.source)).toEqual(['m1']);

    api.clock.set(NOW + HOUR);
    await post(message('m2', 'c1', NOW + HOUR, '别再发消息给我了'));
    expect((await detail('c1')).opt_out).toEqual({ at: iso(NOW + HOUR), keyword: '别再发', source: 'm2' });
  });

  it('the message and the reversal give the same state in either order, or racing', async () => {
    // c1: the message, then the reversal. c2: the reversal, then the (older) message.
    await post(message('m1', 'c1', NOW - HOUR, 'TD'));
    await reverse('c1');
    await reverse('c2');
    await post(message('m1', 'c2', NOW - HOUR, 'TD'));
    // c3: both at once.
    await Promise.all([post(message('m1', 'c3', NOW - HOUR, 'TD')), reverse('c3')]);
    const states = await Promise.all(['c1', 'c2', 'c3'].map(async (id) => {
      const record = (await api.store.get(id))!;
      return { optOut: record.optOut ?? null, optOutReversal: record.optOutReversal ?? null, engagement: record.engagement };
    }));
    expect(states[0]).toEqual({ optOut: null, optOutReversal: { at: NOW, by: 'erp' }, engagement: expect.anything() });
    expect(states[1]).toEqual(states[0]);
    expect(states[2]).toEqual(states[0]);
  });

  it('POST opts a customer out by hand with a reason; both routes answer 404 for an unknown contact and 400 without a reason', async () => {
    const res = await api.call('POST', '/api/contacts/c2/opt-out', { body: { reason: '电话中要求不再发送' }, token: OTHER_TOKEN });
    expect(res.status).toBe(200);
    expect(OptOutResult.parse(res.body)).toEqual({
      external_userid: 'c2', opt_out: { at: iso(NOW), keyword: '电话中要求不再发送', source: 'api:crm' }, opt_out_reversal: null,
    });
    expect(personalSkip((await api.store.get('c2'))!)).toBe('opted_out');

    expect((await api.call('POST', '/api/contacts/ghost/opt-out', { body: { reason: 'x' } })).body.error.code).toBe('contact_not_found');
    expect((await reverse('ghost')).status).toBe(404);
    const bad = await api.call('POST', '/api/contacts/c3/opt-out', { body: {} });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('body.reason');
    expect((await api.store.get('c3'))?.optOut).toBeUndefined();
  });

  it('a call note or our own message saying 退订 opts nobody out', async () => {
    const call = await post({ ...message('c-1', 'c1', NOW - HOUR, '客户说不要再发了'), channel: 'call' });
    const ours = await post({ ...message('o-1', 'c1', NOW - HOUR, '回复TD退订'), direction: 'outbound' });
    expect([call.body.interaction.opt_out_keyword, ours.body.interaction.opt_out_keyword]).toEqual([null, null]);
    expect((await detail('c1')).opt_out).toBeNull();
    expect(api.optOuts).toEqual([]);
  });
});
