import { describe, expect, it } from 'vitest';
import type { Interaction, Order } from '../contacts/contact.ts';
import { ENGAGEMENT_CAPS, emptyEngagement, withInteraction, withOrder, type Engagement } from './engagement.ts';

const T = Date.UTC(2025, 10, 20);
const inbound = (id: string, at: number, text?: string): Interaction =>
  ({ id, externalUserId: 'wm1', direction: 'inbound', channel: 'message', at, ...(text ? { text } : {}) });
const fold = (list: Interaction[], e: Engagement = emptyEngagement()) => list.reduce((acc, i) => withInteraction(acc, i, ['多少钱']), e);

describe('engagement: facts counted by id', () => {
  it('counts three inbound messages with distinct ids and the same time as three', () => {
    const e = fold([inbound('m1', T), inbound('m2', T), inbound('m3', T)]);
    expect(e.inbound).toEqual([T, T, T]);
  });

  it('counts a replayed id once, in any order and however often', () => {
    const once = fold([inbound('m1', T), inbound('m2', T + 1)]);
    expect(fold([inbound('m2', T + 1), inbound('m1', T), inbound('m2', T + 1), inbound('m1', T)])).toEqual(once);
  });

  it('keeps the latest messages by time up to the cap, whatever the arrival order', () => {
    const list = Array.from({ length: ENGAGEMENT_CAPS.inbound + 4 }, (_, i) => inbound(`m${i}`, T + Math.floor(i / 2)));
    const forward = fold(list);
    expect(forward.inbound).toHaveLength(ENGAGEMENT_CAPS.inbound);
    expect(forward.inbound[0]).toBe(T + 2);
    expect(fold([...list].reverse())).toEqual(forward);
    // An old message replayed after it fell off the list stays off it.
    expect(fold([list[0]!], forward)).toEqual(forward);
  });

  it('counts two orders paid at the same time as two paid orders', () => {
    const order = (orderId: string): Order => ({ orderId, externalUserId: 'wm1', amount: 10, paidAt: T });
    expect(withOrder(withOrder(emptyEngagement(), order('o1')), order('o2')).paidOrders).toEqual([T, T]);
  });
});

describe('engagement: a greeting is not a push', () => {
  it('a received festival, birthday or after-sale greeting leaves the pushes (the follow-up cadence, reply-to-push) as they were; a follow-up push moves them', () => {
    const pushed = fold([{ id: 'p1', externalUserId: 'wm1', direction: 'outbound', channel: 'push', at: T }]);
    const greeted = fold([{ id: 'g1', externalUserId: 'wm1', direction: 'outbound', channel: 'greeting', at: T + 1000 }], pushed);
    expect(greeted).toEqual(pushed);
    expect(fold([{ id: 'p2', externalUserId: 'wm1', direction: 'outbound', channel: 'push', at: T + 2000 }], greeted).pushes).toEqual([T, T + 2000]);
  });
});
