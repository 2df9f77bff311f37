import { describe, expect, it } from 'vitest';
import { CallbackRejectedError, CallbackUnusableError } from '../shared/errors.ts';
import { openAibotCallback, openAibotEchostr, sealAibotCallback, sealAibotEchostr } from './aibot-callback.ts';
import { AIBOT_CUT_NOTICE, aibotMarkdown } from './aibot-reply.ts';
import { decodeAESKey, encryptMessage } from './cipher.ts';
import { signCallback } from './signature.ts';

const token = 'AibotToken1';
const aes = decodeAESKey('abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG');
const secrets = { token, aes, maxAgeSeconds: 300 };
const now = 1_760_000_000_000;
const ts = Math.floor(now / 1000);
const message = {
  msgid: 'CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI=', aibotid: 'AIBOTID', chatid: 'CHATID', chattype: 'group',
  from: { userid: 'zhangwei' }, response_url: 'https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=RC',
  msgtype: 'text', text: { content: '@RobotA 帮助' },
};

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return err instanceof CallbackRejectedError || err instanceof CallbackUnusableError ? err.code : String(err);
  }
  return 'no error';
}

describe('智能机器人 callbacks', () => {
  it('opens a sealed message: JSON envelope, empty ReceiveId, the fields Fenji answers with', () => {
    const sealed = sealAibotCallback({ json: message, token, aes, timestamp: ts });
    expect(openAibotCallback(secrets, sealed.query, sealed.body, now)).toEqual({
      msgId: message.msgid, chatType: 'group', chatId: 'CHATID', fromUserId: 'zhangwei', responseUrl: message.response_url, text: '@RobotA 帮助',
    });
  });

  it('refuses a forged signature, another token, and an app callback (ReceiveId = CorpID) posted here', () => {
    const sealed = sealAibotCallback({ json: message, token, aes, timestamp: ts });
    expect(codeOf(() => openAibotCallback(secrets, { ...sealed.query, msg_signature: '0'.repeat(40) }, sealed.body, now))).toBe('signature_invalid');
    expect(codeOf(() => openAibotCallback({ ...secrets, token: 'Other' }, sealed.query, sealed.body, now))).toBe('signature_invalid');
    const encrypt = encryptMessage(aes, JSON.stringify(message), 'wwcorp');
    const query = { msg_signature: signCallback(token, String(ts), '1', encrypt), timestamp: String(ts), nonce: '1' };
    expect(codeOf(() => openAibotCallback(secrets, query, JSON.stringify({ encrypt }), now))).toBe('receive_id_mismatch');
    expect(codeOf(() => openAibotCallback(secrets, sealed.query, '<xml/>', now))).toBe('envelope_invalid');
  });

  it('answers GET verification with the echostr, and refuses it with a wrong signature', () => {
    const echostr = sealAibotEchostr(aes, 'hello-echo');
    const query = { msg_signature: signCallback(token, String(ts), '7', echostr), timestamp: String(ts), nonce: '7', echostr };
    expect(openAibotEchostr(secrets, query, now)).toBe('hello-echo');
    expect(codeOf(() => openAibotEchostr(secrets, { ...query, nonce: '8' }, now))).toBe('signature_invalid');
  });

  it('ignores events and images; a text without response_url is unusable', () => {
    const open = (json: object) => {
      const sealed = sealAibotCallback({ json, token, aes, timestamp: ts });
      return openAibotCallback(secrets, sealed.query, sealed.body, now);
    };
    expect(open({ ...message, msgtype: 'event', event: { eventtype: 'enter_chat' } })).toBeNull();
    expect(open({ ...message, msgtype: 'image', image: { url: 'x' } })).toBeNull();
    expect(open({ ...message, msgtype: 'mixed', mixed: { msg_item: [{ msgtype: 'text', text: { content: '@Bot 名单' } }, { msgtype: 'image' }, { msgtype: 'text', text: { content: 'B' } }] } })?.text).toBe('@Bot 名单 B');
    const { response_url: _gone, ...noUrl } = message;
    expect(codeOf(() => open(noUrl))).toBe('event_unusable');
  });
});

describe('aibotMarkdown', () => {
  it('shows markup in names as typed and keeps lines as lines', () => {
    expect(aibotMarkdown('【**VIP** [点我](http://x)】\n# 2')).toBe('【＊＊VIP＊＊ ［点我］(http://x)】  \n＃ 2');
  });

  it('cuts an answer past 20480 bytes between characters, with a notice', () => {
    const long = `${'客'.repeat(9000)}😀\n`.repeat(2);
    const out = aibotMarkdown(long);
    expect(Buffer.byteLength(out, 'utf8')).toBeLessThanOrEqual(20_480);
    expect(out.endsWith(AIBOT_CUT_NOTICE)).toBe(true);
    expect(out).not.toContain('\uFFFD');
    expect(long.startsWith(out.slice(0, out.length - AIBOT_CUT_NOTICE.length - 1).replace(/ {2}\n/g, '\n'))).toBe(true);
  });
});
