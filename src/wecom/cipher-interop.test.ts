import { createCipheriv } from 'node:crypto';
import * as official from '@wecom/crypto';
import { describe, expect, it } from 'vitest';
import { CipherError, decodeAESKey, decryptMessage, encryptMessage } from './cipher.ts';

// Interop with WeCom's own npm package @wecom/crypto (docs/wecom/callbacks.md, 'Encryption').
const ENCODING_AES_KEY = 'FenjiSandboxEncodingAESKey0123456789abcdefg';
const CORP_ID = 'wwfenjisandbox0001';
const aes = decodeAESKey(ENCODING_AES_KEY);
const RANDOM = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');

const MESSAGES = [
  '<xml><Content><![CDATA[hello]]></Content></xml>',
  '<xml><Content><![CDATA[你好，世界]]></Content></xml>',
  '',
  'x'.repeat(26), // 16 + 4 + 26 + 18 = 64: a full pad block
  'y'.repeat(5000),
];

describe('interop with @wecom/crypto', () => {
  it.each(MESSAGES.map((m) => [m.slice(0, 24), m]))('our encrypt → their decrypt: %s', (_label, message) => {
    const encrypted = encryptMessage(aes, message, CORP_ID, RANDOM);
    const theirs = official.decrypt(ENCODING_AES_KEY, encrypted);
    expect(theirs.message).toBe(message);
    expect(theirs.id).toBe(CORP_ID);
    expect(theirs.random.equals(RANDOM)).toBe(true);
  });

  it.each(MESSAGES.map((m) => [m.slice(0, 24), m]))('their encrypt → our decrypt: %s', (_label, message) => {
    const encrypted = official.encrypt(ENCODING_AES_KEY, message, CORP_ID);
    expect(decryptMessage(aes, encrypted)).toEqual({ message, receiveId: CORP_ID });
  });

  it('produces byte-identical ciphertext for the same random prefix', () => {
    for (const message of MESSAGES) {
      expect(encryptMessage(aes, message, CORP_ID, RANDOM)).toBe(
        official.encrypt(ENCODING_AES_KEY, message, CORP_ID, RANDOM),
      );
    }
  });

  it('is stricter than @wecom/crypto: a bad pad byte is an error, not silent garbage', () => {
    // Plaintext whose last byte is 0: the official unpad returns it unchanged.
    const plain = Buffer.alloc(64, 0);
    plain.writeUInt32BE(5, 16);
    plain.write('hello', 20);
    const cipher = createCipheriv('aes-256-cbc', aes.key, aes.iv).setAutoPadding(false);
    const encrypted = Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');

    expect(official.decrypt(ENCODING_AES_KEY, encrypted).message).toBe('hello');
    expect(() => decryptMessage(aes, encrypted)).toThrow(CipherError);
  });
});
