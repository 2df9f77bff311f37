import type { Value } from '../../../domain/value/value-score.ts';
import { decodeValue, encodeValue, type Entry, type ValueJson } from './codec.ts';

/**
 * The end of a stored record, read and rewritten without parsing the rest. The cold half
 * (codec.ts encodeEntry) ends `,<totals>,<value>,"<seen>","<seenFacts>"]`, or
 * `,<totals>,<value>]` when both strings are empty (records written before seenFacts end
 * after `"<seen>"`): the strings are fingerprints (no quotes, no escapes), and totals (`0`
 * or `[n,n,n,n,n]`) and value (`0` or `[score,"g","q"|0]`) hold no nested brackets — so
 * both are found by scanning back from the last byte, whatever names, remarks or profile
 * notes come before. Those bytes are
 * ASCII, which never occurs inside a multi-byte UTF-8 character, so byte offsets are safe.
 * The value job reads a million records this way instead of JSON-parsing them whole.
 */
export interface ValueTail {
  totals: Entry['totals'];
  value: Value | null;
  /** Byte offsets of the value element (start inclusive, end exclusive). */
  valueStart: number;
  valueEnd: number;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const ZERO = 0x30;
const OPEN = 0x5b;
const CLOSE = 0x5d;

/** @throws Error when the record does not end the way codec.ts writes it. */
export function readValueTail(raw: Buffer): ValueTail {
  let end = raw.length - 1;
  if (raw[end] !== CLOSE) throw malformed('no closing bracket at the end');
  // Up to two strings (seenFacts last, seen before it): the value never ends in a quote.
  for (let strings = 0; strings < 2 && raw[end - 1] === QUOTE; strings++) {
    const open = raw.lastIndexOf(QUOTE, end - 2);
    if (open < 1 || raw[open - 1] !== COMMA) throw malformed('no comma before seen');
    end = open - 1;
  }
  const value = elementBefore(raw, end);
  const totals = elementBefore(raw, value.start - 1);
  const t = JSON.parse(raw.toString('latin1', totals.start, totals.end)) as [number, number, number, number, number] | 0;
  const v = JSON.parse(raw.toString('latin1', value.start, value.end)) as ValueJson;
  return {
    totals: t === 0 ? { count: 0, amountFen: 0, profitFen: 0, paid: 0, daysLate: 0 }
      : { count: t[0], amountFen: t[1], profitFen: t[2], paid: t[3], daysLate: t[4] },
    value: decodeValue(v),
    valueStart: value.start,
    valueEnd: value.end,
  };
}

/** The record with its value replaced (null: none), as a string ready to store. */
export function withValueTail(raw: Buffer, tail: ValueTail, value: Value | null): string {
  return raw.toString('utf8', 0, tail.valueStart) + JSON.stringify(encodeValue(value)) + raw.toString('utf8', tail.valueEnd);
}

/** The `0` or flat `[…]` element ending just before the comma (or the record's last bracket) at `end`. */
function elementBefore(raw: Buffer, end: number): { start: number; end: number } {
  if (raw[end] !== COMMA && end !== raw.length - 1) throw malformed('element not followed by a comma');
  let start: number;
  if (raw[end - 1] === CLOSE) start = raw.lastIndexOf(OPEN, end - 1);
  else if (raw[end - 1] === ZERO) start = end - 1;
  else throw malformed('element is neither 0 nor an array');
  if (start < 1 || raw[start - 1] !== COMMA) throw malformed('element not preceded by a comma');
  return { start, end };
}

function malformed(why: string): Error {
  return new Error(`contact record tail not in the expected format: ${why}`);
}
