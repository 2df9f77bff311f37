import type { CorpReport } from '../reports/build-report.ts';
import type { PendingChoice } from './ports.ts';

/**
 * What the bot says back: plain text, in zh-CN. Plain text because the WeChat plugin
 * (微信插件) shows no markdown (docs/wecom/api.md, 'App messages'); the sender splits it
 * to WeCom's size limit. `choice`: a numbered list the member may answer with a number.
 * `file`: sent after the text, as a file message.
 */
export interface Answer {
  text: string;
  choice?: PendingChoice;
  file?: AnswerFile;
}

/**
 * A file the answer carries: the corp report as a workbook. The domain says what goes in
 * it; the job renders it (xlsx), uploads it to WeCom and sends it after the text.
 */
export interface AnswerFile {
  kind: 'report_workbook';
  report: CorpReport;
  /** What the member sees, e.g. Fenji报表-2026-09-14.xlsx. */
  filename: string;
}

/** An echo of the member's own words, made harmless: short, and no `<a href>` or other tags (WeCom renders them in text messages). */
export function echo(word: string, maxChars = 20): string {
  const chars = [...word.replace(/[<>]/g, '')];
  return chars.length > maxChars ? `${chars.slice(0, maxChars).join('')}…` : chars.join('');
}
