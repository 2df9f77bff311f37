import { randomBytes } from 'node:crypto';
import type { AibotSender } from './aibot-sender.ts';
import type { DeliveryResult } from './sender.ts';
import { SimulationError } from './simulate.ts';
import type { SandboxState } from './state.ts';

export interface AibotSimulateDeps {
  state: SandboxState;
  aibotId: string;
  /** Read on each call: Fenji's 智能机器人 URL may be set after the sandbox started. */
  sender: () => AibotSender | undefined;
  /** The sandbox's own base URL: response_urls point back at it, as WeCom's point at qyapi. */
  baseUrl: () => string;
}

export interface AibotMessageInput {
  userid: string;
  text: string;
  chattype?: 'single' | 'group';
  chatid?: string;
  /** Send the member as an encrypted open_userid instead of the userid (docs/wecom/aibot.md, 'Who is asking'). */
  openUserId?: boolean;
  /** Type it as a group message does: `@机器人 ` before the text (default in a group). */
  mention?: string;
}

/**
 * A member writes to the 智能机器人 (1:1) or @mentions it in a group: a response_url is
 * issued, then the message JSON of docs/wecom/aibot.md, 'Message JSON' is delivered.
 */
export async function simulateAibotMessage(deps: AibotSimulateDeps, input: AibotMessageInput): Promise<{ msgid: string; response_code: string; delivery: DeliveryResult | null; json: object }> {
  if (!deps.state.reps.has(input.userid)) throw new SimulationError(404, 'rep_unknown', `no member ${input.userid}`);
  const chattype = input.chattype ?? 'single';
  if (chattype === 'group' && !input.chatid) throw new SimulationError(400, 'bad_request', 'a group message needs chatid');
  const msgid = randomBytes(18).toString('base64');
  const slot = deps.state.aibot.issue({ userid: input.userid, chattype, msgid, now: deps.state.now(), ...(input.chatid ? { chatid: input.chatid } : {}) });
  const mention = input.mention ?? (chattype === 'group' ? '@分级助手' : '');
  const json = {
    msgid,
    aibotid: deps.aibotId,
    ...(chattype === 'group' ? { chatid: input.chatid } : {}),
    chattype,
    from: { userid: input.openUserId ? deps.state.aibot.openUserIdOf(input.userid) : input.userid },
    response_url: `${deps.baseUrl()}/cgi-bin/aibot/response?response_code=${slot.response_code}`,
    msgtype: 'text',
    // WeCom keeps the mention in the text; the separator after it is not documented (U+2005 seen in clients).
    text: { content: mention ? `${mention}\u2005${input.text}` : input.text },
  };
  const sender = deps.sender();
  return { msgid, response_code: slot.response_code, json, delivery: sender ? await sender.send(json) : null };
}

/** GET /_sandbox/aibot-replies?userid=&chatid=: each message's reply (or none yet), oldest first. */
export function aibotRepliesView(state: SandboxState, q: URLSearchParams): { replies: unknown[] } {
  const userid = q.get('userid');
  const chatid = q.get('chatid');
  const replies = [...state.aibot.slots.values()]
    .filter((s) => (userid === null || s.userid === userid) && (chatid === null || s.chatid === chatid))
    .map((s) => ({ msgid: s.msgid, userid: s.userid, chattype: s.chattype, chatid: s.chatid ?? null, reply: s.reply ?? null, refused: s.refused }));
  return { replies };
}
