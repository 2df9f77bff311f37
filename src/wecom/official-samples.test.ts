import * as official from '@wecom/crypto';
import { describe, expect, it } from 'vitest';
import { decodeAESKey, decryptMessage } from './cipher.ts';
import { parseEnvelope } from './envelope.ts';
import { parseEvent } from './events.ts';
import { OFFICIAL_SAMPLES, SAMPLE_A } from './fixtures/official-samples.ts';
import { verifyCallbackSignature } from './signature.ts';

// WeCom's published WXBizMsgCrypt samples must pass through our code unchanged.
describe.each(OFFICIAL_SAMPLES.map((sample) => [sample.source, sample] as const))('official sample %s', (_source, sample) => {
  const aes = decodeAESKey(sample.encodingAESKey);

  it('GET: the published msg_signature is sha1 over (token, timestamp, nonce, echostr)', () => {
    const { msgSignature, timestamp, nonce, echostr } = sample.verify;
    expect(verifyCallbackSignature(sample.token, timestamp, nonce, echostr, msgSignature)).toBe(true);
    expect(verifyCallbackSignature(sample.token, timestamp, nonce, `${echostr}x`, msgSignature)).toBe(false);
  });

  it('GET: echostr decrypts to the plaintext to echo, with receiveId = CorpID', () => {
    const decrypted = decryptMessage(aes, sample.verify.echostr);
    expect(decrypted).toEqual({ message: sample.echoPlaintext, receiveId: sample.corpId });
    // And WeCom's own npm package agrees.
    const theirs = official.decrypt(sample.encodingAESKey, sample.verify.echostr);
    expect([theirs.message, theirs.id]).toEqual([sample.echoPlaintext, sample.corpId]);
  });

  it('POST: the envelope parses, the signature verifies, and Encrypt decrypts to the published XML', () => {
    const envelope = parseEnvelope(sample.post.body);
    expect(envelope.toUserName).toBe(sample.corpId);
    const { msgSignature, timestamp, nonce } = sample.post;
    expect(verifyCallbackSignature(sample.token, timestamp, nonce, envelope.encrypt, msgSignature)).toBe(true);
    expect(decryptMessage(aes, envelope.encrypt)).toEqual({ message: sample.postPlaintext, receiveId: sample.corpId });
  });
});

describe('official sample A, end to end', () => {
  it('needs the URL-decoded echostr: the query string as WeCom sends it decodes to the signed value', () => {
    const query = new URLSearchParams(SAMPLE_A.verifyQueryString);
    expect(query.get('echostr')).toBe(SAMPLE_A.verify.echostr);
    expect(query.get('msg_signature')).toBe(SAMPLE_A.verify.msgSignature);
  });

  it('the decrypted POST is a text message whose 64-bit MsgId survives exactly', () => {
    const aes = decodeAESKey(SAMPLE_A.encodingAESKey);
    const { message } = decryptMessage(aes, parseEnvelope(SAMPLE_A.post.body).encrypt);
    const { event } = parseEvent(message);
    expect(event).toEqual({
      kind: 'app_message',
      toUserName: 'wx5823bf96d3bd56c7',
      fromUserName: 'mycreate',
      createTime: 1409659813,
      agentId: '218',
      msgType: 'text',
      msgId: '4561255354251345929', // > Number.MAX_SAFE_INTEGER
      content: 'hello',
    });
    expect(Number.isSafeInteger(Number('4561255354251345929'))).toBe(false);
  });
});
