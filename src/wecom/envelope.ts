import { parseWeComXml, textOf, XmlError } from './xml.ts';

export interface CallbackEnvelope {
  toUserName: string | undefined;
  agentId: string | undefined;
  encrypt: string;
}

/** Reads the outer POST envelope: `<xml><ToUserName/><AgentID/><Encrypt/></xml>`. */
export function parseEnvelope(body: string): CallbackEnvelope {
  const root = parseWeComXml(body);
  const encrypt = textOf(root, 'Encrypt');
  if (!encrypt) {
    throw new XmlError('the envelope has no <Encrypt> element');
  }
  return { toUserName: textOf(root, 'ToUserName'), agentId: textOf(root, 'AgentID'), encrypt };
}

/** Builds the outer envelope WeCom posts (used by the sandbox sender). */
export function buildEnvelope(toUserName: string, agentId: string, encrypt: string): string {
  return `<xml><ToUserName><![CDATA[${toUserName}]]></ToUserName><AgentID><![CDATA[${agentId}]]></AgentID><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
}
