import { describe, expect, it } from 'vitest';
import { CallbackUnusableError } from '../shared/errors.ts';
import { ID_MAX_BYTES, parseEvent } from './events.ts';
import * as fx from './callback-xml.ts';

const corpId = 'ww1234567890abcdef';
const createTime = 1_700_000_000;
const contact = { corpId, userId: 'zhangsan', externalUserId: 'wmAJ2GCAAAXtWyujaWJHDDGi0mACH71w', createTime };
const sysBase = { toUserName: corpId, fromUserName: 'sys', createTime };
const externalBase = { ...sysBase, kind: 'external_contact', userId: contact.userId, externalUserId: contact.externalUserId };

describe('parseEvent', () => {
  it('member text message: Chinese content, "]]>" inside it, 64-bit MsgId', () => {
    const xml = fx.textMessageXml({
      corpId, fromUser: 'lisi', content: '你好 ]]> <b>&amp;', msgId: '7320156203456789012', createTime, agentId: 1000002,
    });
    expect(xml).toContain('<MsgId>7320156203456789012</MsgId><AgentID>1000002</AgentID>');
    expect(parseEvent(xml).event).toEqual({
      kind: 'app_message', toUserName: corpId, fromUserName: 'lisi', createTime, agentId: '1000002',
      msgType: 'text', msgId: '7320156203456789012', content: '你好 ]]> <b>&amp;',
    });
  });

  it('add_external_contact with State and WelcomeCode', () => {
    const xml = fx.addExternalContactXml({ ...contact, state: 'qr-booth-3', welcomeCode: 'WELCOMECODE' });
    expect(parseEvent(xml).event).toEqual({
      ...externalBase, changeType: 'add_external_contact', state: 'qr-booth-3', welcomeCode: 'WELCOMECODE',
    });
  });

  it('add_external_contact without State or WelcomeCode leaves them out', () => {
    const { event } = parseEvent(fx.addExternalContactXml(contact));
    expect(event).toEqual({ ...externalBase, changeType: 'add_external_contact' });
    expect(Object.keys(event)).not.toContain('welcomeCode');
  });

  it('edit_external_contact', () => {
    expect(parseEvent(fx.editExternalContactXml(contact)).event).toEqual({
      ...externalBase, changeType: 'edit_external_contact',
    });
  });

  it('add_half_external_contact', () => {
    expect(parseEvent(fx.addHalfExternalContactXml({ ...contact, state: 's', welcomeCode: 'W2' })).event).toEqual({
      ...externalBase, changeType: 'add_half_external_contact', state: 's', welcomeCode: 'W2',
    });
  });

  it('del_external_contact with Source DELETE_BY_TRANSFER', () => {
    expect(parseEvent(fx.delExternalContactXml({ ...contact, source: 'DELETE_BY_TRANSFER' })).event).toEqual({
      ...externalBase, changeType: 'del_external_contact', source: 'DELETE_BY_TRANSFER',
    });
  });

  it('del_follow_user', () => {
    expect(parseEvent(fx.delFollowUserXml(contact)).event).toEqual({ ...externalBase, changeType: 'del_follow_user' });
  });

  it('transfer_fail with FailReason', () => {
    expect(parseEvent(fx.transferFailXml({ ...contact, failReason: 'customer_limit_exceed' })).event).toEqual({
      ...externalBase, changeType: 'transfer_fail', failReason: 'customer_limit_exceed',
    });
  });

  it('change_external_tag', () => {
    const xml = fx.changeExternalTagXml({ corpId, id: 'etXXX', tagType: 'tag', changeType: 'create', strategyId: '7', createTime });
    expect(parseEvent(xml).event).toEqual({
      ...sysBase, kind: 'external_tag', changeType: 'create', id: 'etXXX', tagType: 'tag', strategyId: '7',
    });
  });

  it('change_external_chat update/add_member with the member list and versions', () => {
    const xml = fx.changeExternalChatXml({
      corpId, chatId: 'wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA', changeType: 'update', updateDetail: 'add_member',
      joinScene: 3, memChangeList: ['wmEXT1', 'zhangsan'], lastMemVer: 'v1', curMemVer: 'v2', createTime,
    });
    expect(parseEvent(xml).event).toEqual({
      ...sysBase, kind: 'external_chat', changeType: 'update', chatId: 'wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA',
      updateDetail: 'add_member', joinScene: '3', memChangeCnt: '2', memChangeList: ['wmEXT1', 'zhangsan'],
      lastMemVer: 'v1', curMemVer: 'v2',
    });
  });

  it('change_external_chat with a single member and with none', () => {
    const one = fx.changeExternalChatXml({
      corpId, chatId: 'c1', changeType: 'update', updateDetail: 'del_member', quitScene: 1, memChangeList: ['u1'], createTime,
    });
    expect(parseEvent(one).event).toMatchObject({ quitScene: '1', memChangeCnt: '1', memChangeList: ['u1'] });
    const dismiss = parseEvent(fx.changeExternalChatXml({ corpId, chatId: 'c1', changeType: 'dismiss', createTime }));
    expect(dismiss.event).toEqual({ ...sysBase, kind: 'external_chat', changeType: 'dismiss', chatId: 'c1' });
  });

  it('kf_msg_or_event with Token and OpenKfId (no FromUserName)', () => {
    const xml = fx.kfMsgOrEventXml({ corpId, token: 'ENCApHxnGDNAVNY4AaSJKj4Tb5mwsEMzxhFmHVGcra996NR', openKfId: 'wkABC', createTime });
    expect(parseEvent(xml).event).toEqual({
      kind: 'kf_msg_or_event', toUserName: corpId, fromUserName: '', createTime,
      token: 'ENCApHxnGDNAVNY4AaSJKj4Tb5mwsEMzxhFmHVGcra996NR', openKfId: 'wkABC',
    });
  });

  it('an unknown event is kept, not thrown on', () => {
    const xml = fx.genericEventXml({ corpId, fromUser: 'lisi', event: 'enter_agent', agentId: 1000002, createTime, extra: { EventKey: '' } });
    expect(parseEvent(xml).event).toEqual({
      kind: 'unknown', toUserName: corpId, fromUserName: 'lisi', createTime, agentId: '1000002', msgType: 'event', event: 'enter_agent',
    });
  });

  it('an unknown ChangeType of a known event still parses as that event', () => {
    const xml = fx.callbackXml([
      ['ToUserName', corpId], ['FromUserName', 'sys'], ['CreateTime', createTime], ['MsgType', 'event'],
      ['Event', 'change_external_contact'], ['ChangeType', 'some_future_change'], ['UserID', 'u'], ['ExternalUserID', 'e'],
    ]);
    expect(parseEvent(xml).event).toMatchObject({ kind: 'external_contact', changeType: 'some_future_change' });
  });

  it('returns the raw field map alongside the event', () => {
    const { fields } = parseEvent(fx.delFollowUserXml(contact));
    expect(fields['ChangeType']).toBe('del_follow_user');
    expect(fields['CreateTime']).toBe(String(createTime));
  });
});

describe('parseEvent bounds ids', () => {
  const huge = 'wm' + 'A'.repeat(40 * 1024);
  /** The error parseEvent throws, or undefined. */
  const thrown = (xml: string) => {
    try {
      parseEvent(xml);
      return undefined;
    } catch (err) {
      return err;
    }
  };

  it.each([
    ['ExternalUserID', fx.addExternalContactXml({ ...contact, externalUserId: huge })],
    ['UserID', fx.delFollowUserXml({ ...contact, userId: huge })],
    ['State', fx.addExternalContactXml({ ...contact, state: huge })],
    ['WelcomeCode', fx.addExternalContactXml({ ...contact, welcomeCode: huge })],
    ['FromUserName', fx.textMessageXml({ corpId, fromUser: huge, content: 'hi', msgId: '1', createTime, agentId: 1 })],
    ['MsgId', fx.textMessageXml({ corpId, fromUser: 'lisi', content: 'hi', msgId: '7'.repeat(40 * 1024), createTime, agentId: 1 })],
    ['Token', fx.kfMsgOrEventXml({ corpId, token: huge, openKfId: 'wkABC', createTime })],
    ['OpenKfId', fx.kfMsgOrEventXml({ corpId, token: 'ENC', openKfId: huge, createTime })],
    ['ChatId', fx.changeExternalChatXml({ corpId, chatId: huge, changeType: 'dismiss', createTime })],
    ['MemChangeList', fx.changeExternalChatXml({ corpId, chatId: 'c1', changeType: 'update', updateDetail: 'add_member', memChangeList: ['u1', huge], createTime })],
    ['Id', fx.changeExternalTagXml({ corpId, id: huge, tagType: 'tag', changeType: 'create', createTime })],
    ['Event', fx.genericEventXml({ corpId, fromUser: 'lisi', event: huge, agentId: 1, createTime })],
  ])('a %s of 40 KB makes the event unusable, naming the field and its size, not its value', (field, xml) => {
    const err = thrown(xml);
    expect(err).toBeInstanceOf(CallbackUnusableError);
    expect(err).toMatchObject({ code: 'event_unusable', field });
    expect((err as Error).message).toMatch(new RegExp(`^${field} is \\d+ bytes, over ${ID_MAX_BYTES}`));
    expect((err as Error).message).not.toContain('AAAA');
  });

  it('counts bytes, not characters, and takes an id of exactly the bound', () => {
    const atBound = 'w'.repeat(ID_MAX_BYTES);
    expect(parseEvent(fx.addExternalContactXml({ ...contact, externalUserId: atBound })).event).toMatchObject({ externalUserId: atBound });
    // 86 three-byte characters: 258 bytes.
    expect(thrown(fx.addExternalContactXml({ ...contact, state: '渠'.repeat(86) }))).toBeInstanceOf(CallbackUnusableError);
  });

  it('refuses an id carrying U+FFFD: bytes that were not UTF-8 would make two ids one', () => {
    // The decrypted body is decoded as UTF-8, where every invalid sequence becomes U+FFFD:
    // 'wm\xff' and 'wm\xfe' would both arrive as 'wm\uFFFD' and collide in the archive.
    const err = thrown(fx.addExternalContactXml({ ...contact, externalUserId: 'wm\uFFFDab' }));
    expect(err).toBeInstanceOf(CallbackUnusableError);
    expect(err).toMatchObject({ code: 'event_unusable', field: 'ExternalUserID' });
    expect(thrown(fx.textMessageXml({ corpId, fromUser: 'lisi', content: '乱码\uFFFD也照收', msgId: '1', createTime, agentId: 1 }))).toBeUndefined();
  });

  it('leaves a long message text alone (the body limit bounds it)', () => {
    const content = '长'.repeat(2000);
    expect(parseEvent(fx.textMessageXml({ corpId, fromUser: 'lisi', content, msgId: '1', createTime, agentId: 1 })).event).toMatchObject({ content });
  });
});
