import { randomBytes } from 'node:crypto';
import { CallbackRejectedError } from '../shared/errors.ts';
import { CipherError, decryptMessage, encryptMessage, type CallbackCipherKey } from './cipher.ts';
import { checkSignatureAndAge, openEchostr, requireParams, type CallbackQuery } from './open-callback.ts';
import { parseAibotMessage, type AibotMessage } from './aibot-message.ts';
import { signCallback } from './signature.ts';

/**
 * The 智能机器人's URL-mode callbacks (docs/wecom/aibot.md, 'Callback crypto'): the app
 * callbacks' signature and AES scheme, with an empty ReceiveId and a JSON envelope
 * `{"encrypt": "..."}` instead of XML. Pure: no I/O, the clock is a parameter.
 */
export interface AibotSecrets {
  token: string;
  aes: CallbackCipherKey;
  /** Same window as the app callbacks (WECOM_CALLBACK_MAX_AGE_S); 0 = no check. */
  maxAgeSeconds: number;
}

/** In an internal corp's 智能机器人 callbacks the ReceiveId is the empty string (docs/wecom/aibot.md, 'Callback crypto'). */
const AIBOT_RECEIVE_ID = '';

/**
 * GET verification: the decrypted echostr, to be answered as-is.
 * @throws CallbackRejectedError
 */
export function openAibotEchostr(secrets: AibotSecrets, query: CallbackQuery, nowMs: number): string {
  return openEchostr({ ...secrets, corpId: AIBOT_RECEIVE_ID }, query, nowMs);
}

/**
 * POST: envelope → signature (over the `encrypt` value) → timestamp window → decrypt →
 * ReceiveId empty → message JSON. Returns null for a callback that is WeCom's own but
 * that Fenji does not answer (events, a stream refresh, a file or an image).
 * @throws CallbackRejectedError naming the first failed check.
 */
export function openAibotCallback(secrets: AibotSecrets, query: CallbackQuery, body: string, nowMs: number): AibotMessage | null {
  const { signature, timestamp, nonce } = requireParams(query);
  const encrypt = envelopeOf(body);
  checkSignatureAndAge({ ...secrets, corpId: AIBOT_RECEIVE_ID }, signature, timestamp, nonce, encrypt, nowMs);
  let plain;
  try {
    plain = decryptMessage(secrets.aes, encrypt);
  } catch (err) {
    const code = err instanceof CipherError ? err.code : 'decrypt_failed';
    throw new CallbackRejectedError(code, `cannot decrypt: check WECOM_AIBOT_ENCODING_AES_KEY (${(err as Error).message})`, 400, err);
  }
  if (plain.receiveId !== AIBOT_RECEIVE_ID) {
    // An app callback (ReceiveId = CorpID) replayed at the bot's URL with a shared key is not a bot message.
    throw new CallbackRejectedError('receive_id_mismatch', 'ReceiveId is not empty: not a 智能机器人 callback', 401);
  }
  let json: unknown;
  try {
    json = JSON.parse(plain.message);
  } catch (err) {
    throw new CallbackRejectedError('message_invalid', 'the decrypted message is not JSON', 400, err);
  }
  return parseAibotMessage(json);
}

function envelopeOf(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    throw new CallbackRejectedError('envelope_invalid', 'the body is not JSON', 400, err);
  }
  const encrypt = (parsed as { encrypt?: unknown } | null)?.encrypt;
  if (typeof encrypt !== 'string' || encrypt === '') {
    throw new CallbackRejectedError('envelope_invalid', 'the body has no "encrypt" string', 400);
  }
  return encrypt;
}

export interface SealedAibotCallback {
  query: { msg_signature: string; timestamp: string; nonce: string };
  body: string;
}

/** What WeCom POSTs for one message JSON (used by the sandbox's sender and by tests). */
export function sealAibotCallback(input: { json: object; token: string; aes: CallbackCipherKey; timestamp: number | string; nonce?: string }): SealedAibotCallback {
  const encrypt = encryptMessage(input.aes, JSON.stringify(input.json), AIBOT_RECEIVE_ID);
  const timestamp = String(input.timestamp);
  const nonce = input.nonce ?? String(randomBytes(4).readUInt32BE(0));
  return { query: { msg_signature: signCallback(input.token, timestamp, nonce, encrypt), timestamp, nonce }, body: JSON.stringify({ encrypt }) };
}

/** An echostr for GET verification, encrypted with the empty ReceiveId. */
export function sealAibotEchostr(aes: CallbackCipherKey, plain: string): string {
  return encryptMessage(aes, plain, AIBOT_RECEIVE_ID);
}
