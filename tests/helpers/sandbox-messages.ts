import ExcelJS from 'exceljs';
import { expect } from 'vitest';

/** One app message a member received, as the sandbox's control API lists it. */
export interface ToldMessage {
  msgtype: string;
  content: string | null;
  media_id?: string;
  filename?: string;
}

/** Every app message the sandbox delivered to `userid`, oldest first. */
export async function appMessagesTo(sandboxUrl: string, userid: string): Promise<ToldMessage[]> {
  const res = await fetch(`${sandboxUrl}/_sandbox/app-messages?userid=${encodeURIComponent(userid)}`);
  return ((await res.json()) as { messages: ToldMessage[] }).messages;
}

/** The file behind a media_id, as uploaded to the sandbox. */
export async function downloadMedia(sandboxUrl: string, mediaId: string): Promise<Buffer> {
  const res = await fetch(`${sandboxUrl}/_sandbox/media?media_id=${encodeURIComponent(mediaId)}`);
  expect(res.status, `media ${mediaId}`).toBe(200);
  return Buffer.from(((await res.json()) as { data: string }).data, 'base64');
}

/** A file message's workbook, opened with exceljs (the library that wrote it). */
export async function openWorkbook(sandboxUrl: string, message: ToldMessage): Promise<ExcelJS.Workbook> {
  expect(message.msgtype).toBe('file');
  const book = new ExcelJS.Workbook();
  // exceljs types its input as its own Buffer (an ArrayBuffer); Node's Buffer is what it reads.
  await book.xlsx.load((await downloadMedia(sandboxUrl, message.media_id!)) as unknown as ArrayBuffer);
  return book;
}
