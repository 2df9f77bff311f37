import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeAESKey, decryptMessage, encryptMessage } from './cipher.ts';
import { signCallback, verifyCallbackSignature } from './signature.ts';

const TOKEN = 'FenjiSandboxToken';
const TIMESTAMP = '1700000000';
const NONCE = '1234567';
const ENCRYPT = 'QUJDRA==';

/** The algorithm of docs/wecom/callbacks.md, 'Signature', written out independently. */
function reference(values: string[]): string {
  return createHash('sha1').update([...values].sort().join('')).digest('hex');
}

describe('signCallback', () => {
  it('is sha1 of the four values sorted and joined, in lowercase hex', () => {
    const signature = signCallback(TOKEN, TIMESTAMP, NONCE, ENCRYPT);
    // sorted: '1234567' < '1700000000' < 'FenjiSandboxToken' < 'QUJDRA=='
    expect(signature).toBe(createHash('sha1').update('12345671700000000FenjiSandboxTokenQUJDRA==').digest('hex'));
    expect(signature).toMatch(/^[0-9a-f]{40}$/);
  });

  it('sorts values, so it does not depend on which argument holds which value', () => {
    expect(signCallback(NONCE, ENCRYPT, TOKEN, TIMESTAMP)).toBe(signCallback(TOKEN, TIMESTAMP, NONCE, ENCRYPT));
  });

  it('sorts as strings, not numbers ("9" sorts after "10")', () => {
    expect(signCallback('t', '9', '10', 'e')).toBe(reference(['t', '9', '10', 'e']));
    expect(signCallback('t', '9', '10', 'e')).toBe(createHash('sha1').update('109et').digest('hex'));
  });

  it('changes when any one value changes', () => {
    const base = signCallback(TOKEN, TIMESTAMP, NONCE, ENCRYPT);
    expect(signCallback('other', TIMESTAMP, NONCE, ENCRYPT)).not.toBe(base);
    expect(signCallback(TOKEN, '1700000001', NONCE, ENCRYPT)).not.toBe(base);
    expect(signCallback(TOKEN, TIMESTAMP, '1234568', ENCRYPT)).not.toBe(base);
    expect(signCallback(TOKEN, TIMESTAMP, NONCE, 'QUJDRQ==')).not.toBe(base);
  });
});

describe('verifyCallbackSignature', () => {
  const good = signCallback(TOKEN, TIMESTAMP, NONCE, ENCRYPT);
  const verify = (signature: string) => verifyCallbackSignature(TOKEN, TIMESTAMP, NONCE, ENCRYPT, signature);

  it('accepts the right signature in lowercase and in uppercase hex', () => {
    expect(verify(good)).toBe(true);
    expect(verify(good.toUpperCase())).toBe(true);
  });

  it('rejects a signature of the wrong length', () => {
    expect(verify('')).toBe(false);
    expect(verify(good.slice(0, 39))).toBe(false);
    expect(verify(`${good}0`)).toBe(false);
    expect(verify(`${good}${good}`)).toBe(false);
  });

  it('rejects a same-length signature that differs in the first or the last character', () => {
    const flip = (c: string) => (c === '0' ? '1' : '0');
    expect(verify(flip(good[0]!) + good.slice(1))).toBe(false);
    expect(verify(good.slice(0, 39) + flip(good[39]!))).toBe(false);
    expect(verify('g'.repeat(40))).toBe(false);
  });

  it('does not throw on non-ASCII input of any length (timingSafeEqual needs equal lengths)', () => {
    expect(verify('签'.repeat(40))).toBe(false);
    expect(verify('é'.repeat(20))).toBe(false);
  });

  it('rejects the signature of other values (e.g. a replay with a new timestamp)', () => {
    expect(verifyCallbackSignature(TOKEN, '1700000099', NONCE, ENCRYPT, good)).toBe(false);
  });
});

describe('tampering is caught by the signature, not by decryption alone', () => {
  const aes = decodeAESKey('FenjiSandboxEncodingAESKey0123456789abcdefg');
  const encrypted = encryptMessage(aes, 'pay 100', 'corp', Buffer.alloc(16, 7));
  const signature = signCallback(TOKEN, TIMESTAMP, NONCE, encrypted);

  it('flipping a bit in the first block decrypts cleanly to altered text (CBC is malleable)', () => {
    const bytes = Buffer.from(encrypted, 'base64');
    bytes[4]! ^= 'p'.charCodeAt(0) ^ 'P'.charCodeAt(0); // flips plaintext byte 20 = first message byte
    const tampered = bytes.toString('base64');

    expect(decryptMessage(aes, tampered)).toEqual({ message: 'Pay 100', receiveId: 'corp' });
    expect(verifyCallbackSignature(TOKEN, TIMESTAMP, NONCE, tampered, signature)).toBe(false);
  });
});
