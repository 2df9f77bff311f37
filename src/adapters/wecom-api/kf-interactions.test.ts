import { describe, expect, it } from 'vitest';
import type { KfMessage } from '../../wecom/api.ts';
import { kfMessageTime, kfMessageToInteraction } from './kf-interactions.ts';

const base: KfMessage = { msgid: 'm1', open_kfid: 'wkA', external_userid: 'wmA', send_time: 1_700_000_000, origin: 3, msgtype: 'text', text: { content: '报价多少' } };

describe('kf message → interaction', () => {
  it('makes a customer text an inbound kf interaction with its words', () => {
    expect(kfMessageToInteraction(base)).toEqual({
      id: 'kf-m1', externalUserId: 'wmA', direction: 'inbound', channel: 'kf', at: kfMessageTime(base), text: '报价多少',
    });
  });

  it('makes a servicer reply outbound, and skips events and system messages', () => {
    expect(kfMessageToInteraction({ ...base, origin: 5, servicer_userid: 'zhangwei' })).toMatchObject({ direction: 'outbound', userId: 'zhangwei' });
    expect(kfMessageToInteraction({ ...base, origin: 4, msgtype: 'event', event: { event_type: 'enter_session' } })).toBeNull();
    expect(kfMessageToInteraction({ ...base, msgtype: 'event', event: { event_type: 'user_recall_msg' } })).toBeNull();
  });

  it('skips a message whose ids are not well-formed Unicode (lone surrogates would collide once stored as UTF-8)', () => {
    expect(kfMessageToInteraction({ ...base, msgid: 'm\ud800' })).toBeNull();
    expect(kfMessageToInteraction({ ...base, external_userid: 'wm\udfff' })).toBeNull();
    expect(kfMessageToInteraction({ ...base, msgid: 'm😀' })).not.toBeNull();
  });

  it('keeps a non-text customer message as inbound, without text', () => {
    const image = kfMessageToInteraction({ ...base, msgtype: 'image', text: undefined, image: { media_id: 'x' } });
    expect(image).toMatchObject({ direction: 'inbound' });
    expect(image).not.toHaveProperty('text');
  });

  it('places messages of one second apart, stably, never after send_time', () => {
    const times = ['a', 'b', 'c'].map((msgid) => kfMessageTime({ msgid, send_time: 1_700_000_000 }));
    expect(new Set(times).size).toBe(3);
    for (const t of times) expect(1_700_000_000_000 - t).toBeGreaterThanOrEqual(0);
    for (const t of times) expect(1_700_000_000_000 - t).toBeLessThan(1000);
    expect(kfMessageTime({ msgid: 'a', send_time: 1_700_000_000 })).toBe(times[0]);
  });
});
