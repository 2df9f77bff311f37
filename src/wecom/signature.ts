import { timingSafeEqual } from 'node:crypto';
import { getSignature } from '@wecom/crypto';

/**
 * msg_signature = sha1(sorted(token, timestamp, nonce, encrypt).join('')), hex.
 * See WeCom 加解密方案说明 (developer.work.weixin.qq.com/document/path/91144).
 */
export function signCallback(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return getSignature(token, timestamp, nonce, encrypt);
}

/** Constant-time check of a callback's msg_signature. */
export function verifyCallbackSignature(
  token: string,
  timestamp: string,
  nonce: string,
  encrypt: string,
  signature: string,
): boolean {
  const expected = Buffer.from(signCallback(token, timestamp, nonce, encrypt), 'utf8');
  const given = Buffer.from(signature.toLowerCase(), 'utf8');
  // timingSafeEqual needs equal lengths; the length of a hex sha1 is public anyway.
  return expected.length === given.length && timingSafeEqual(expected, given);
}
