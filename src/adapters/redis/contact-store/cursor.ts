import { AppError } from '../../../shared/errors.ts';
import { SEGMENTS, type Segment } from './indexes.ts';

/** Where a listing stopped: the index segment and the last id returned from it. */
export interface ListPosition {
  segment: Segment;
  after: string;
}

/** Opaque to clients: base64url of `<segment>:<last id>`. */
export function encodeCursor(position: ListPosition): string {
  return Buffer.from(`${position.segment}:${position.after}`, 'utf8').toString('base64url');
}

/** @throws AppError invalid_cursor (400) for anything encodeCursor did not make. */
export function decodeCursor(cursor: string): ListPosition {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const colon = text.indexOf(':');
  const segment = text.slice(0, colon) as Segment;
  const after = text.slice(colon + 1);
  if (colon < 0 || !SEGMENTS.includes(segment) || after === '') {
    throw new AppError('invalid_cursor', 'cursor is not one this API returned', { status: 400 });
  }
  return { segment, after };
}
