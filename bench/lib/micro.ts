import { decryptMessage } from '../../src/wecom/cipher.ts';
import { dedupeKey } from '../../src/wecom/dedupe-key.ts';
import { parseEnvelope } from '../../src/wecom/envelope.ts';
import { parseEvent } from '../../src/wecom/events.ts';
import { openCallback, type CallbackSecrets } from '../../src/wecom/open-callback.ts';
import { verifyCallbackSignature } from '../../src/wecom/signature.ts';
import { AES, CREDS, innerXml, sealRaw, type RawMessage } from './messages.ts';

/**
 * In-process micro-benchmark of the callback crypto path, one core, no HTTP, no Redis.
 * Each case runs `runs` timed batches of `iterations` over a pool of distinct messages
 * (after a warm-up batch) and reports the median µs/message.
 */
export interface MicroResult {
  name: string;
  plaintextBytes: number;
  medianUs: number;
  runsUs: number[];
}

interface Prepared extends RawMessage {
  encrypt: string;
}

function prepare(count: number, kind: 'text' | 'event'): { messages: Prepared[]; nowMs: number } {
  const nowMs = Date.now();
  const nowS = Math.floor(nowMs / 1000);
  const messages: Prepared[] = [];
  for (let i = 0; i < count; i++) {
    // innerXml makes every 4th message an event: pick the sequence numbers of the kind asked.
    const seq = kind === 'event' ? i * 4 + 3 : i * 4;
    const raw = sealRaw(innerXml('micro', 7_000_000_000n, seq, nowS), nowS);
    messages.push({ ...raw, encrypt: parseEnvelope(raw.body).encrypt });
  }
  return { messages, nowMs };
}

function measure(name: string, messages: Prepared[], iterations: number, runs: number, fn: (m: Prepared) => number): MicroResult {
  let sink = 0;
  const batch = (n: number): number => {
    const started = performance.now();
    for (let i = 0; i < n; i++) sink += fn(messages[i % messages.length]!);
    return ((performance.now() - started) * 1000) / n;
  };
  batch(Math.min(iterations, 20_000));
  const runsUs = Array.from({ length: runs }, () => batch(iterations));
  if (sink === 0) throw new Error('micro-benchmark produced nothing');
  const sorted = [...runsUs].sort((a, b) => a - b);
  const plaintextBytes = messages.reduce((n, m) => n + Buffer.byteLength(m.xml), 0) / messages.length;
  return { name, plaintextBytes: Math.round(plaintextBytes), medianUs: sorted[Math.floor(sorted.length / 2)]!, runsUs };
}

export function runMicro(opts: { iterations: number; runs: number }): MicroResult[] {
  const text = prepare(2000, 'text');
  const event = prepare(2000, 'event');
  const secrets = (nowMs: number): { s: CallbackSecrets; nowMs: number } => ({
    s: { token: CREDS.token, aes: AES, corpId: CREDS.corpId, maxAgeSeconds: 300 },
    nowMs,
  });
  const t = secrets(text.nowMs);
  const e = secrets(event.nowMs);
  const { iterations, runs } = opts;
  return [
    measure('openCallback (text msg)', text.messages, iterations, runs, (m) => openCallback(t.s, m.query, m.body, t.nowMs).dedupeKey.length),
    measure('openCallback (add_external_contact)', event.messages, iterations, runs, (m) => openCallback(e.s, m.query, m.body, e.nowMs).dedupeKey.length),
    measure('signature + decrypt only', text.messages, iterations, runs, (m) => {
      const q = m.query;
      if (!verifyCallbackSignature(CREDS.token, q.timestamp, q.nonce, m.encrypt, q.msg_signature)) throw new Error('bad signature');
      return decryptMessage(AES, m.encrypt).message.length;
    }),
    measure('  of which signature', text.messages, iterations, runs, (m) =>
      verifyCallbackSignature(CREDS.token, m.query.timestamp, m.query.nonce, m.encrypt, m.query.msg_signature) ? 1 : 0),
    measure('  envelope XML parse', text.messages, iterations, runs, (m) => parseEnvelope(m.body).encrypt.length),
    measure('  inner XML parse + dedupe key', text.messages, iterations, runs, (m) => dedupeKey(parseEvent(m.xml).fields).length),
  ];
}
