import { SANDBOX_CREDENTIALS as C } from '../../src/config/sandbox-credentials.ts';
import { decodeAESKey } from '../../src/wecom/cipher.ts';
import { dedupeKey } from '../../src/wecom/dedupe-key.ts';
import { sealCallback } from '../../src/wecom/callback-xml.ts';
import { parseWeComXml } from '../../src/wecom/xml.ts';

const aes = decodeAESKey(C.encodingAESKey);

/** Seals inner XML with the sandbox corp's credentials, as WeCom would. */
export function sealForSandbox(xml: string, timestamp = Math.floor(Date.now() / 1000)) {
  return sealCallback({ xml, token: C.token, aes, corpId: C.corpId, agentId: C.agentId, timestamp });
}

/** One POST of a sealed callback; returns the HTTP status (0 if the connection failed). */
export async function postSealed(baseUrl: string, sealed: { query: Record<string, string>; body: string }, timeoutMs = 5000): Promise<number> {
  try {
    const res = await fetch(`${baseUrl}/wecom/callback?${new URLSearchParams(sealed.query)}`, {
      method: 'POST',
      body: sealed.body,
      headers: { 'content-type': 'text/xml' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

/** The dedupe key (= BullMQ job id) Fenji derives from this inner XML. */
export function expectedJobId(xml: string): string {
  return dedupeKey(parseWeComXml(xml));
}
