import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CipherError, decodeAESKey, decryptMessage, encryptMessage, type CallbackCipherKey } from './cipher.ts';

const ENCODING_AES_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
const CORP_ID = 'wx5823bf96d3bd56c7'; // 18 bytes
const aes = decodeAESKey(ENCODING_AES_KEY);
const RANDOM = Buffer.from('0123456789abcdef');

/** AES-256-CBC without padding: lets a test put any bytes where the pad should be. */
function rawEncrypt(key: CallbackCipherKey, plain: Buffer): string {
  const cipher = createCipheriv('aes-256-cbc', key.key, key.iv).setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
}

function rawDecrypt(key: CallbackCipherKey, encrypted: string): Buffer {
  const decipher = createDecipheriv('aes-256-cbc', key.key, key.iv).setAutoPadding(false);
  return Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64')), decipher.final()]);
}

/** random(16) ‖ len ‖ msg ‖ receiveId, unpadded. */
function body(message: string, receiveId: string, declaredLength?: number): Buffer {
  const msg = Buffer.from(message, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(declaredLength ?? msg.length);
  return Buffer.concat([RANDOM, len, msg, Buffer.from(receiveId, 'utf8')]);
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof CipherError) return err.code;
    throw err;
  }
  return 'no error';
}

describe('decodeAESKey', () => {
  it('decodes 43 characters to a 32-byte key whose first 16 bytes are the IV', () => {
    expect(aes.key).toHaveLength(32);
    expect(aes.iv.equals(aes.key.subarray(0, 16))).toBe(true);
  });

  it.each([
    ['42 characters', ENCODING_AES_KEY.slice(0, 42)],
    ['44 characters', `${ENCODING_AES_KEY}A`],
    ['base64url characters', `${ENCODING_AES_KEY.slice(0, 41)}-_`],
    ['spaces', `${ENCODING_AES_KEY.slice(0, 41)}  `],
  ])('rejects %s', (_label, key) => {
    expect(codeOf(() => decodeAESKey(key))).toBe('aes_key_invalid');
  });
});

describe('encryptMessage / decryptMessage', () => {
  it('round-trips a message and its receiveId', () => {
    const encrypted = encryptMessage(aes, '<xml><A>1</A></xml>', CORP_ID);
    expect(decryptMessage(aes, encrypted)).toEqual({ message: '<xml><A>1</A></xml>', receiveId: CORP_ID });
  });

  it('uses a fresh random prefix each time unless one is given', () => {
    expect(encryptMessage(aes, 'x', CORP_ID)).not.toBe(encryptMessage(aes, 'x', CORP_ID));
    expect(encryptMessage(aes, 'x', CORP_ID, RANDOM)).toBe(encryptMessage(aes, 'x', CORP_ID, RANDOM));
    expect(() => encryptMessage(aes, 'x', CORP_ID, Buffer.alloc(15))).toThrow(RangeError);
  });

  it('round-trips an empty message and an empty receiveId (AI-bot callbacks)', () => {
    expect(decryptMessage(aes, encryptMessage(aes, '', ''))).toEqual({ message: '', receiveId: '' });
  });

  // 16 + 4 + msg + 18 (CORP_ID): msg of 26 bytes makes exactly 64.
  it.each([
    [25, 64, 1],
    [26, 96, 32],
    [27, 96, 31],
  ])('pads a %i-byte message to %i bytes with pad byte %i', (msgLength, cipherLength, pad) => {
    const message = 'm'.repeat(msgLength);
    const encrypted = encryptMessage(aes, message, CORP_ID, RANDOM);
    const plain = rawDecrypt(aes, encrypted);
    expect(plain).toHaveLength(cipherLength);
    expect([...plain.subarray(cipherLength - pad)]).toEqual(Array(pad).fill(pad));
    expect(plain[cipherLength - pad - 1]).not.toBe(pad); // last receiveId byte, not padding
    expect(decryptMessage(aes, encrypted)).toEqual({ message, receiveId: CORP_ID });
  });

  it('writes the UTF-8 byte length of Chinese text, not its character count', () => {
    const message = '<xml><Content><![CDATA[你好，欢迎光临 🎉]]></Content></xml>';
    const encrypted = encryptMessage(aes, message, CORP_ID, RANDOM);
    const plain = rawDecrypt(aes, encrypted);
    expect(plain.readUInt32BE(16)).toBe(Buffer.byteLength(message, 'utf8'));
    expect(plain.readUInt32BE(16)).toBeGreaterThan(message.length);
    expect(decryptMessage(aes, encrypted)).toEqual({ message, receiveId: CORP_ID });
  });
});

describe('decryptMessage rejects', () => {
  const good = encryptMessage(aes, 'hello', CORP_ID, RANDOM);

  it('a wrong key: over 500 random keys it always throws, never returning the text', () => {
    const codes = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const wrong = decodeAESKey(randomBytes(32).toString('base64').slice(0, 43).replace(/[+/]/g, 'A'));
      let result: unknown;
      try {
        result = decryptMessage(wrong, good);
      } catch (err) {
        expect(err).toBeInstanceOf(CipherError);
        codes.add((err as CipherError).code);
        continue;
      }
      // Padding passes about once in 255 keys; the length check then catches the garbage.
      expect(result).not.toEqual({ message: 'hello', receiveId: CORP_ID });
      codes.add('returned garbage');
    }
    expect(codes.has('padding_invalid')).toBe(true);
    expect([...codes].every((code) => code === 'padding_invalid' || code === 'length_invalid')).toBe(true);
  });

  it('a ciphertext whose length is not a multiple of 32', () => {
    const bytes = Buffer.from(good, 'base64');
    expect(codeOf(() => decryptMessage(aes, bytes.subarray(0, 48).toString('base64')))).toBe('ciphertext_invalid');
    expect(codeOf(() => decryptMessage(aes, bytes.subarray(0, 31).toString('base64')))).toBe('ciphertext_invalid');
    expect(codeOf(() => decryptMessage(aes, ''))).toBe('ciphertext_invalid');
  });

  it('a tampered last block (the padding no longer checks out)', () => {
    const bytes = Buffer.from(good, 'base64');
    bytes[bytes.length - 1]! ^= 0x01;
    expect(codeOf(() => decryptMessage(aes, bytes.toString('base64')))).toBe('padding_invalid');
  });

  it.each([0, 33, 255])('a pad byte of %i', (pad) => {
    const plain = Buffer.concat([body('hello', CORP_ID), Buffer.alloc(64 - 43, pad)]);
    expect(codeOf(() => decryptMessage(aes, rawEncrypt(aes, plain)))).toBe('padding_invalid');
  });

  it('pad bytes that are not all equal', () => {
    const pad = Buffer.alloc(64 - 43, 21);
    pad[0] = 20;
    const plain = Buffer.concat([body('hello', CORP_ID), pad]);
    expect(codeOf(() => decryptMessage(aes, rawEncrypt(aes, plain)))).toBe('padding_invalid');
  });

  it('a declared length longer than the plaintext, and a plaintext without a header', () => {
    const tooLong = Buffer.concat([body('hello', CORP_ID, 24), Buffer.alloc(64 - 43, 21)]);
    expect(codeOf(() => decryptMessage(aes, rawEncrypt(aes, tooLong)))).toBe('length_invalid');
    expect(codeOf(() => decryptMessage(aes, rawEncrypt(aes, Buffer.alloc(32, 32))))).toBe('length_invalid');
  });

  it('accepts the same crafted buffer once its padding is right (the crafting is sound)', () => {
    const plain = Buffer.concat([body('hello', CORP_ID), Buffer.alloc(64 - 43, 21)]);
    expect(decryptMessage(aes, rawEncrypt(aes, plain))).toEqual({ message: 'hello', receiveId: CORP_ID });
  });
});
