/** One file for a multipart upload (docs/wecom/api.md, 'Media upload'). */
export interface UploadFile {
  /** The form field: `media` for media/upload. */
  field: string;
  /** The name the member sees. */
  filename: string;
  contentType: string;
  data: Buffer;
}

/**
 * A multipart/form-data body by hand, because WeCom asks the part to carry `filelength`
 * beside `filename`, which FormData does not write. The filename goes as UTF-8 (what
 * browsers send); quotes and line breaks in it are replaced so it cannot break the header.
 */
export function multipartBody(file: UploadFile, boundary: string): Buffer {
  const name = file.filename.replace(/["\r\n]/g, '_');
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${name}"; filelength=${file.data.length}\r\nContent-Type: ${file.contentType}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'utf8'), file.data, Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8')]);
}
