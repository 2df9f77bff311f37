import { CallbackRejectedError } from '../shared/errors.ts';
import { CipherError, decryptMessage, type CallbackCipherKey } from './cipher.ts';
import { dedupeKey } from './dedupe-key.ts';
import { parseEnvelope } from './envelope.ts';
import { parseEvent, type WeComEvent } from './events.ts';
import { verifyCallbackSignature } from './signature.ts';
import { XmlError } from './xml.ts';

/** What a callback is checked against. */
export interface CallbackSecrets {
  token: string;
  aes: CallbackCipherKey;
  corpId: string;
  /** Reject timestamps older (or further in the future) than this; 0 = no check. */
  maxAgeSeconds: number;
}

export interface CallbackQuery {
  msg_signature?: string;
  timestamp?: string;
  nonce?: string;
  echostr?: string;
}

export interface OpenedCallback {
  event: WeComEvent;
  dedupeKey: string;
}

/**
 * Checks a POST callback in WeCom's order: envelope → signature (constant time) →
 * timestamp window → decrypt (strict PKCS#7) → ReceiveId == CorpID → inner XML.
 * Pure: no I/O, the clock is a parameter.
 * @throws CallbackRejectedError with a stable code naming the first failed check.
 */
export function openCallback(
  secrets: CallbackSecrets,
  query: CallbackQuery,
  body: string,
  nowMs: number,
): OpenedCallback {
  const { signature, timestamp, nonce } = requireParams(query);
  const envelope = guard('envelope_invalid', () => parseEnvelope(body));
  checkSignatureAndAge(secrets, signature, timestamp, nonce, envelope.encrypt, nowMs);
  const plain = decryptFor(secrets, envelope.encrypt);
  const { event, fields } = guard('message_invalid', () => parseEvent(plain));
  return { event, dedupeKey: dedupeKey(fields) };
}

/**
 * URL verification (GET): returns the decrypted echostr, to be answered as-is.
 * @throws CallbackRejectedError
 */
export function openEchostr(secrets: CallbackSecrets, query: CallbackQuery, nowMs: number): string {
  const { signature, timestamp, nonce } = requireParams(query);
  const echostr = query.echostr;
  if (!echostr) throw new CallbackRejectedError('params_missing', 'echostr is missing');
  checkSignatureAndAge(secrets, signature, timestamp, nonce, echostr, nowMs);
  return decryptFor(secrets, echostr);
}

export function requireParams(query: CallbackQuery): { signature: string; timestamp: string; nonce: string } {
  const { msg_signature: signature, timestamp, nonce } = query;
  if (!signature || !timestamp || !nonce) {
    throw new CallbackRejectedError('params_missing', 'msg_signature, timestamp and nonce are required');
  }
  return { signature, timestamp, nonce };
}

export function checkSignatureAndAge(
  secrets: CallbackSecrets,
  signature: string,
  timestamp: string,
  nonce: string,
  encrypted: string,
  nowMs: number,
): void {
  if (!verifyCallbackSignature(secrets.token, timestamp, nonce, encrypted, signature)) {
    throw new CallbackRejectedError(
      'signature_invalid',
      'msg_signature does not match: check WECOM_TOKEN against the app\'s callback settings',
      401,
    );
  }
  if (secrets.maxAgeSeconds > 0) {
    const sentAt = Number(timestamp);
    const skew = Math.abs(nowMs / 1000 - sentAt);
    if (!Number.isFinite(sentAt) || skew > secrets.maxAgeSeconds) {
      throw new CallbackRejectedError(
        'timestamp_stale',
        `timestamp is ${Math.round(skew)} s away from now (limit WECOM_CALLBACK_MAX_AGE_S=${secrets.maxAgeSeconds})`,
        401,
      );
    }
  }
}

function decryptFor(secrets: CallbackSecrets, encrypted: string): string {
  let decrypted;
  try {
    decrypted = decryptMessage(secrets.aes, encrypted);
  } catch (err) {
    const code = err instanceof CipherError ? err.code : 'decrypt_failed';
    throw new CallbackRejectedError(code, `cannot decrypt: check WECOM_ENCODING_AES_KEY (${(err as Error).message})`, 400, err);
  }
  if (decrypted.receiveId !== secrets.corpId) {
    throw new CallbackRejectedError('receive_id_mismatch', 'ReceiveId is not our CorpID: check WECOM_CORP_ID', 401);
  }
  return decrypted.message;
}

function guard<T>(code: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof XmlError) throw new CallbackRejectedError(code, err.message, 400, err);
    throw err;
  }
}
