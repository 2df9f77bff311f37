import { OUTREACH_KIND_LABELS, type OutreachKind } from './outreach.ts';

/**
 * WeCom truncates an app message's text beyond 2,048 bytes (docs/wecom/api.md, 'App
 * messages'), so a long list goes out in numbered parts, each within it.
 */
export const APP_TEXT_MAX_BYTES = 2048;
/** Room kept in each part for its header and "（k/n）". */
const HEADER_ROOM = 320;

const encoder = new TextEncoder();
const bytes = (s: string) => encoder.encode(s).length;

/** One customer on a rep's list: who to look for and the text to send them. */
export interface RepListEntry {
  name: string;
  text: string;
}

/**
 * The app message(s) telling a rep which A customers to greet personally today for one
 * occasion, each with a ready-to-send text that names them (zh-CN). One message when it
 * fits WeCom's limit, else numbered parts; an entry is never split unless it alone is too
 * long for a part. Pure: a retry builds the same parts.
 */
export function repListMessages(kind: OutreachKind, label: string, entries: readonly RepListEntry[], maxBytes = APP_TEXT_MAX_BYTES): string[] {
  const budget = maxBytes - HEADER_ROOM;
  const blocks = entries.flatMap((e, i) => splitBytes(`${i + 1}. ${e.name}\n${e.text}`, budget));
  const bodies: string[] = [];
  let body = '';
  for (const block of blocks) {
    const next = body === '' ? block : `${body}\n\n${block}`;
    if (body !== '' && bytes(next) > budget) {
      bodies.push(body);
      body = block;
    } else {
      body = next;
    }
  }
  if (body !== '') bodies.push(body);
  const title = `【${label}】${OUTREACH_KIND_LABELS[kind]} · 今天请您亲自问候这 ${entries.length} 位成交客户（话术可直接复制发送）`;
  return bodies.map((b, i) => `${title}${bodies.length > 1 ? `（${i + 1}/${bodies.length}）` : ''}\n\n${b}`);
}

/** Cuts `text` into pieces of at most `max` UTF-8 bytes, between characters. */
function splitBytes(text: string, max: number): string[] {
  if (bytes(text) <= max) return [text];
  const pieces: string[] = [];
  let piece = '';
  for (const ch of text) {
    if (bytes(piece + ch) > max) {
      pieces.push(piece);
      piece = '';
    }
    piece += ch;
  }
  if (piece !== '') pieces.push(piece);
  return pieces;
}
