/** One part of a multipart/form-data body. */
export interface FormPart {
  /** The `name` of its Content-Disposition. */
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/** The boundary of a `multipart/form-data; boundary=...` Content-Type, or undefined. */
export function multipartBoundary(contentType: string): string | undefined {
  if (!/^multipart\/form-data\s*;/i.test(contentType)) return undefined;
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

/** A header parameter (`name="media"`, `filename=x.xlsx`), quoted or not. */
function param(header: string, name: string): string | undefined {
  const match = new RegExp(`(?:^|;)\\s*${name}=(?:"([^"]*)"|([^;]*))`, 'i').exec(header);
  const value = match?.[1] ?? match?.[2]?.trim();
  return value === undefined ? undefined : value;
}

/**
 * Splits a multipart/form-data body (RFC 7578) into its parts. Lenient like a server:
 * headers are read as UTF-8 (clients send a Chinese filename raw), a part without a
 * Content-Disposition name is skipped, and a malformed body yields the parts found so far.
 */
export function parseMultipart(body: Buffer, boundary: string): FormPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: FormPart[] = [];
  let at = body.indexOf(delimiter);
  while (at !== -1) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    // A part is CRLF headers CRLF CRLF data CRLF, then the next delimiter.
    const part = body.subarray(start + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    if (split !== -1) {
      const headers = part.subarray(0, split).toString('utf8').split('\r\n');
      const disposition = headers.find((h) => /^content-disposition:/i.test(h)) ?? '';
      const type = headers.find((h) => /^content-type:/i.test(h));
      const name = param(disposition, 'name');
      const filename = param(disposition, 'filename');
      if (name !== undefined) {
        parts.push({
          name, data: part.subarray(split + 4),
          ...(filename !== undefined ? { filename } : {}),
          ...(type ? { contentType: type.slice(type.indexOf(':') + 1).trim() } : {}),
        });
      }
    }
    at = next;
  }
  return parts;
}
