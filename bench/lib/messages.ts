import { randomBytes } from 'node:crypto';
import { SANDBOX_CREDENTIALS } from '../../src/config/sandbox-credentials.ts';
import { decodeAESKey } from '../../src/wecom/cipher.ts';
import { addExternalContactXml, sealCallback, textMessageXml } from '../../src/wecom/callback-xml.ts';

/**
 * Unique, signed, encrypted WeCom callbacks, shaped like real traffic: 3 of 4 are member
 * text messages (~1.1 KB of plaintext XML, Chinese text, distinct MsgId), 1 of 4 is an
 * add_external_contact event (~0.5 KB, distinct ExternalUserID; events cannot be padded
 * without inventing fields). Every message is signed with the timestamp of the moment it
 * was generated, so a pool must be used within WECOM_CALLBACK_MAX_AGE_S.
 */
export const CREDS = SANDBOX_CREDENTIALS;
export const AES = decodeAESKey(CREDS.encodingAESKey);
export const CALLBACK_PATH = '/wecom/callback';

export interface SealedRequest {
  /** Path with msg_signature, timestamp and nonce. */
  path: string;
  /** The outer XML envelope. */
  body: Buffer;
}

export interface RawMessage {
  xml: string;
  query: { msg_signature: string; timestamp: string; nonce: string };
  body: string;
}

const PHRASE =
  '您好，我想咨询一下贵公司的企业版套餐价格，另外请问是否支持按年付费以及开具增值税专用发票？' +
  '我们团队大约有五十人，主要用于客户跟进和节日问候，希望能在下周之前完成采购流程，谢谢！';
const CONTENT_CHARS = 270;

/** Builds message number `seq` of a run (inner XML only). */
export function innerXml(runTag: string, msgIdBase: bigint, seq: number, nowS: number): string {
  const member = `member${seq % 200}`;
  if (seq % 4 === 3) {
    return addExternalContactXml({
      corpId: CREDS.corpId,
      userId: member,
      externalUserId: `wm${runTag}${seq.toString(36)}`,
      createTime: nowS,
      state: 'bench-ingress',
      welcomeCode: randomBytes(24).toString('base64url'),
    });
  }
  const text = `客户消息#${seq}：${PHRASE.repeat(3)}`.slice(0, CONTENT_CHARS);
  return textMessageXml({
    corpId: CREDS.corpId,
    fromUser: member,
    content: text,
    msgId: String(msgIdBase + BigInt(seq)),
    createTime: nowS,
    agentId: CREDS.agentId,
  });
}

export function sealRaw(xml: string, nowS: number): RawMessage {
  const sealed = sealCallback({ xml, token: CREDS.token, aes: AES, corpId: CREDS.corpId, agentId: CREDS.agentId, timestamp: nowS });
  return { xml, query: sealed.query, body: sealed.body };
}

export function toRequest(raw: RawMessage): SealedRequest {
  const { msg_signature, timestamp, nonce } = raw.query;
  return {
    path: `${CALLBACK_PATH}?msg_signature=${msg_signature}&timestamp=${timestamp}&nonce=${nonce}`,
    body: Buffer.from(raw.body, 'utf8'),
  };
}

/**
 * Hands out each message exactly once. `fill(n)` pre-generates a pool right before a
 * load phase (so generation does not compete with the load generator); if the pool runs
 * dry, messages are generated on the fly and counted, never repeated.
 */
export class MessagePool {
  private readonly runTag = randomBytes(4).toString('hex');
  private readonly msgIdBase = BigInt(Date.now()) * 1_000_000n;
  private seq = 0;
  private pool: SealedRequest[] = [];
  private index = 0;
  issued = 0;
  generatedOnTheFly = 0;
  plaintextBytes = 0;
  generated = 0;

  /** Replaces the pool with `n` fresh messages; returns the ms it took. */
  fill(n: number): number {
    const started = performance.now();
    const nowS = Math.floor(Date.now() / 1000);
    this.pool = new Array<SealedRequest>(n);
    for (let i = 0; i < n; i++) this.pool[i] = this.make(nowS);
    this.index = 0;
    return performance.now() - started;
  }

  /** Messages generated but never sent (dropped by the next fill). */
  get unused(): number {
    return this.pool.length - this.index;
  }

  next = (): SealedRequest => {
    this.issued++;
    if (this.index < this.pool.length) return this.pool[this.index++]!;
    this.generatedOnTheFly++;
    return this.make(Math.floor(Date.now() / 1000));
  };

  private make(nowS: number): SealedRequest {
    const xml = innerXml(this.runTag, this.msgIdBase, this.seq++, nowS);
    this.plaintextBytes += Buffer.byteLength(xml);
    this.generated++;
    return toRequest(sealRaw(xml, nowS));
  }

  meanPlaintextBytes(): number {
    return this.generated === 0 ? 0 : this.plaintextBytes / this.generated;
  }
}

/** A fixed set of requests served round-robin (for the baseline, which does not dedupe). */
export function cyclingSource(requests: SealedRequest[]): () => SealedRequest {
  let i = 0;
  return () => requests[i++ % requests.length]!;
}
