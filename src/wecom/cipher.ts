import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * WeCom's callback cipher: AES-256-CBC, IV = first 16 bytes of the key, PKCS#7 padding
 * to 32-byte blocks, plaintext = random(16) ‖ len(4, BE) ‖ msg ‖ receiveId.
 * See developer.work.weixin.qq.com/document/path/91144.
 *
 * We decrypt ourselves rather than with @wecom/crypto because its unpad silently accepts
 * a bad pad byte, which turns a wrong key into garbage instead of an error.
 */
const BLOCK = 32;

export class CipherError extends Error {
  readonly code: 'aes_key_invalid' | 'ciphertext_invalid' | 'padding_invalid' | 'length_invalid';
  constructor(code: CipherError['code'], message: string) {
    super(message);
    this.name = 'CipherError';
    this.code = code;
  }
}

export interface CallbackCipherKey {
  key: Buffer;
  iv: Buffer;
}

/** Decodes a 43-character EncodingAESKey into the AES key and IV. */
export function decodeAESKey(encodingAESKey: string): CallbackCipherKey {
  // Node's base64 decoder skips unknown characters and accepts base64url, so check the
  // alphabet first: otherwise a key with '-' or '_' would decode to a different AES key.
  const key = Buffer.from(`${encodingAESKey}=`, 'base64');
  if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAESKey) || key.length !== 32) {
    throw new CipherError('aes_key_invalid', 'EncodingAESKey must be 43 base64 characters decoding to 32 bytes');
  }
  return { key, iv: key.subarray(0, 16) };
}

export interface Decrypted {
  message: string;
  receiveId: string;
}

/** Decrypts msg_encrypt (base64) and strictly validates padding and length. */
export function decryptMessage(aes: CallbackCipherKey, encrypted: string): Decrypted {
  const data = Buffer.from(encrypted, 'base64');
  if (data.length === 0 || data.length % BLOCK !== 0) {
    throw new CipherError('ciphertext_invalid', `ciphertext length ${data.length} is not a positive multiple of ${BLOCK}`);
  }
  const decipher = createDecipheriv('aes-256-cbc', aes.key, aes.iv);
  decipher.setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(data), decipher.final()]);

  const pad = plain[plain.length - 1]!;
  if (pad < 1 || pad > BLOCK) {
    throw new CipherError('padding_invalid', `pad byte ${pad} is outside 1..${BLOCK}`);
  }
  for (let i = plain.length - pad; i < plain.length; i++) {
    if (plain[i] !== pad) {
      throw new CipherError('padding_invalid', 'pad bytes are not all equal');
    }
  }
  const body = plain.subarray(0, plain.length - pad);
  if (body.length < 20) {
    throw new CipherError('length_invalid', 'plaintext shorter than the 20-byte header');
  }
  const msgLength = body.readUInt32BE(16);
  if (20 + msgLength > body.length) {
    throw new CipherError('length_invalid', `declared message length ${msgLength} exceeds the plaintext`);
  }
  return {
    message: body.toString('utf8', 20, 20 + msgLength),
    receiveId: body.toString('utf8', 20 + msgLength),
  };
}

/** Encrypts a message the way WeCom does (used by the sandbox sender and passive replies). */
export function encryptMessage(
  aes: CallbackCipherKey,
  message: string,
  receiveId: string,
  random: Buffer = randomBytes(16),
): string {
  if (random.length !== 16) {
    throw new RangeError(`random must be 16 bytes, got ${random.length}`);
  }
  const msg = Buffer.from(message, 'utf8');
  const header = Buffer.alloc(20);
  random.copy(header, 0);
  header.writeUInt32BE(msg.length, 16);
  const body = Buffer.concat([header, msg, Buffer.from(receiveId, 'utf8')]);
  const pad = BLOCK - (body.length % BLOCK);
  const padded = Buffer.concat([body, Buffer.alloc(pad, pad)]);
  const cipher = createCipheriv('aes-256-cbc', aes.key, aes.iv);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64');
}
