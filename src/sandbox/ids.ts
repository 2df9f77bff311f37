import { randomBytes, randomInt } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random base62 string, used for every opaque id the sandbox hands out. */
export function randomToken(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) {
    out += ALPHABET[byte % ALPHABET.length];
  }
  return out;
}

// Prefixes mimic WeCom's so logs and fixtures look familiar: external users start with
// `wm`, enterprise tags and tag groups with `et`, kf accounts with `wk`, mass messages
// with `msg`.

/** external_userid of a WeChat customer. */
export const newExternalUserId = (): string => `wm${randomToken(30)}`;
/** Enterprise tag id (tags and groups share the `et` prefix at WeCom). */
export const newTagId = (): string => `et${randomToken(20)}`;
/** open_kfid of a kf account. */
export const newOpenKfId = (): string => `wk${randomToken(20)}`;
/** msgid of a mass-message task. */
export const newMsgTemplateId = (): string => `msg${randomToken(20)}`;
/** Opaque ids (kf msgid, app msgid, welcome codes, sync tokens). */
export const newOpaqueId = (length = 32): string => randomToken(length);

/** A 64-bit-looking numeric MsgId, kept as a string (it does not fit a JS number). */
export function newNumericMsgId(): string {
  return `${randomInt(1, 10)}${String(randomInt(0, 1e9)).padStart(9, '0')}${String(randomInt(0, 1e9)).padStart(9, '0')}`;
}

/** A WeCom-style nonce: a random decimal string. */
export function newNonce(): string {
  return String(randomInt(1e9, 1e10 - 1));
}
