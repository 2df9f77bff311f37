import { describe, expect, it } from 'vitest';
import { dedupeKey } from './dedupe-key.ts';
import { parseEvent } from './events.ts';
import * as fx from './callback-xml.ts';

const corpId = 'ww1234567890abcdef';
const createTime = 1_700_000_000;
const contact = { corpId, userId: 'zhangsan', externalUserId: 'wmEXT1', createTime };
const keyOf = (xml: string) => dedupeKey(parseEvent(xml).fields);

describe('dedupeKey', () => {
  it('gives the same key to the same event delivered twice (a WeCom retry)', () => {
    const xml = fx.addExternalContactXml({ ...contact, state: 's', welcomeCode: 'W' });
    expect(keyOf(xml)).toBe(keyOf(xml));
    // Whitespace between elements does not matter, only the values do.
    expect(keyOf(xml.replaceAll('><', '>\n<'))).toBe(keyOf(xml));
  });

  it('tells apart sys events sharing FromUserName=sys and CreateTime', () => {
    const keys = [
      fx.addExternalContactXml(contact),
      fx.editExternalContactXml(contact),
      fx.delFollowUserXml(contact),
      fx.delExternalContactXml(contact),
      fx.addExternalContactXml({ ...contact, externalUserId: 'wmEXT2' }),
      fx.addExternalContactXml({ ...contact, userId: 'lisi' }),
      fx.changeExternalTagXml({ corpId, id: 'et1', tagType: 'tag', changeType: 'create', createTime }),
      fx.changeExternalTagXml({ corpId, id: 'et2', tagType: 'tag', changeType: 'create', createTime }),
      fx.changeExternalChatXml({ corpId, chatId: 'c1', changeType: 'create', createTime }),
      fx.changeExternalChatXml({ corpId, chatId: 'c2', changeType: 'create', createTime }),
    ].map(keyOf);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('tells apart two members joining one group in the same second', () => {
    const join = (member: string, ver: string) =>
      fx.changeExternalChatXml({
        corpId, chatId: 'c1', changeType: 'update', updateDetail: 'add_member', joinScene: 3,
        memChangeList: [member], lastMemVer: `v${Number(ver) - 1}`, curMemVer: `v${ver}`, createTime,
      });
    expect(keyOf(join('wmA', '2'))).not.toBe(keyOf(join('wmB', '3')));
    // Only the member list differs:
    const a = fx.changeExternalChatXml({ corpId, chatId: 'c1', changeType: 'update', updateDetail: 'add_member', memChangeList: ['wmA'], createTime });
    const b = fx.changeExternalChatXml({ corpId, chatId: 'c1', changeType: 'update', updateDetail: 'add_member', memChangeList: ['wmB'], createTime });
    expect(keyOf(a)).not.toBe(keyOf(b));
  });

  it('tells apart two kf callbacks by their Token', () => {
    const kf = (token: string) => fx.kfMsgOrEventXml({ corpId, token, openKfId: 'wk1', createTime });
    expect(keyOf(kf('T1'))).not.toBe(keyOf(kf('T2')));
  });

  it('does not let a value bleed into the next field', () => {
    // Without a separator both would hash "UserID=xExternalUserID=yExternalUserID=z".
    const one = fx.delFollowUserXml({ ...contact, userId: 'xExternalUserID=y', externalUserId: 'z' });
    const two = fx.delFollowUserXml({ ...contact, userId: 'x', externalUserId: 'yExternalUserID=z' });
    expect(keyOf(one)).not.toBe(keyOf(two));
  });

  it('keys messages by MsgId, whatever else differs', () => {
    const msg = (content: string, createTimeOf: number, msgId = '7320156203456789012') =>
      fx.textMessageXml({ corpId, fromUser: 'lisi', content, msgId, createTime: createTimeOf, agentId: 1 });
    expect(keyOf(msg('a', createTime))).toBe(keyOf(msg('b', createTime + 5)));
    expect(keyOf(msg('a', createTime))).not.toBe(keyOf(msg('a', createTime, '7320156203456789013')));
    expect(keyOf(msg('a', createTime))).toMatch(/^msg-[0-9a-f]{40}$/);
    expect(keyOf(fx.delFollowUserXml(contact))).toMatch(/^evt-[0-9a-f]{40}$/);
  });

  it('never contains ":" and is never all digits (BullMQ jobId rules)', () => {
    const keys = [
      keyOf(fx.textMessageXml({ corpId, fromUser: 'u', content: 'x', msgId: '123', createTime, agentId: 1 })),
      keyOf(fx.kfMsgOrEventXml({ corpId: 'a:b', token: '1:2', openKfId: '3', createTime })),
      dedupeKey({ MsgId: '12345' }),
      dedupeKey({}),
    ];
    for (const key of keys) {
      expect(key).not.toContain(':');
      expect(key).not.toMatch(/^\d+$/);
    }
  });
});
