/**
 * Lenient readers for JSON body fields. WeCom ignores unknown fields and treats a
 * wrongly typed field as absent, so these return undefined rather than throwing.
 */

/** A string field, or undefined when missing, empty or not a string. */
export function str(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** An array-of-strings field; non-string items are dropped. */
export function strList(body: Record<string, unknown>, name: string): string[] {
  const value = body[name];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** An integer field (numbers or numeric strings, as WeCom accepts both), else undefined. */
export function int(body: Record<string, unknown>, name: string): number | undefined {
  const value = body[name];
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) ? n : undefined;
}

/** A nested object field, or undefined. */
export function obj(body: Record<string, unknown>, name: string): Record<string, unknown> | undefined {
  const value = body[name];
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * Reads `limit`: the default when absent, undefined when out of 1..max (the caller
 * answers 40058, which is what WeCom uses for out-of-range parameters).
 */
export function limitParam(body: Record<string, unknown>, fallback: number, max: number): number | undefined {
  if (body['limit'] === undefined) {
    return fallback;
  }
  const limit = int(body, 'limit');
  return limit !== undefined && limit >= 1 && limit <= max ? limit : undefined;
}

/** Opaque cursors: base64url JSON, so clients cannot (and need not) read them. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** Decodes a cursor made by `encodeCursor`; undefined when it is not one. */
export function decodeCursor<T>(cursor: string, isValid: (v: unknown) => v is T): T | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return isValid(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
