import type { OutboxPart } from '../../adapters/redis/bot-state.ts';
import type { WeComApi } from '../../wecom/api.ts';
import { reportXlsx } from '../../adapters/xlsx/report-workbook.ts';
import type { AnswerFile } from '../../domain/bot/answer.ts';
import { TEXTS } from '../../domain/bot/texts.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** WeCom's cap for a plain file (docs/wecom/api.md, 'Media upload'). */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;

export interface AnswerFileDeps {
  api: Pick<WeComApi, 'uploadMedia'>;
  /** For the days the workbook names (FENJI_TIMEZONE). */
  timeZone: string;
}

/**
 * Renders an answer's file and uploads it to WeCom, giving the part the job then stores
 * with the text (once: a retried job sends the stored media_id, never uploads again). A
 * workbook over WeCom's 20 MB becomes a text saying so. Upload errors are thrown: nothing
 * was sent yet, so the retried job composes the answer afresh.
 */
export async function uploadAnswerFile(file: AnswerFile, deps: AnswerFileDeps): Promise<OutboxPart> {
  const data = await reportXlsx(file.report, deps.timeZone);
  if (data.length > MAX_FILE_BYTES) return TEXTS.exportTooLarge;
  const uploaded = await deps.api.uploadMedia('file', { filename: file.filename, contentType: XLSX_TYPE, data });
  return { file: { media_id: uploaded.media_id, filename: file.filename } };
}
