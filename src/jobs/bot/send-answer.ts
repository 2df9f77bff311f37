import type { WeComApi } from '../../wecom/api.ts';
import type { OutboxPart, RedisBotOutbox } from '../../adapters/redis/bot-state.ts';
import type { Clock } from '../../shared/clock.ts';
import { APP_MESSAGES_PER_MEMBER_PER_MINUTE, splitMessage } from '../../wecom/split-message.ts';

export interface SendAnswerDeps {
  outbox: Pick<RedisBotOutbox, 'prepare' | 'markSent' | 'reserveSend'>;
  api: Pick<WeComApi, 'sendAppMessage'>;
  clock: Clock;
}

export type SendOutcome = { sent: number; parts: number } & ({ done: true } | { done: false; waitMs: number });

/**
 * Sends an answer to one member as text app messages (docs/wecom/api.md, 'App messages'):
 * split to 2048 bytes, each part after a slot in the member's 30-a-minute budget. The
 * parts are stored once per job and counted as they go, so a retried job sends what is
 * left, never a part twice (a crash between a send and its count can repeat that one part).
 * Returns `done: false` with the wait when the budget is spent: the job waits, then resumes.
 * `files` (uploaded already) go after the text, each as one file message in the same budget.
 */
export async function sendAnswer(jobId: string, userId: string, text: string, deps: SendAnswerDeps, files: readonly OutboxPart[] = []): Promise<SendOutcome> {
  const { parts, sent } = await deps.outbox.prepare(jobId, [...splitMessage(text), ...files]);
  for (let i = sent; i < parts.length; i++) {
    const waitMs = await deps.outbox.reserveSend(userId, deps.clock.now(), APP_MESSAGES_PER_MEMBER_PER_MINUTE);
    if (waitMs > 0) return { done: false, waitMs, sent: i, parts: parts.length };
    const part = parts[i]!;
    await deps.api.sendAppMessage(typeof part === 'string'
      ? { touser: userId, msgtype: 'text', text: { content: part } }
      // WeCom's duplicate check as a second guard: a file resent after a crash between the send and its count is not delivered twice.
      : { touser: userId, msgtype: 'file', file: { media_id: part.file.media_id }, enable_duplicate_check: 1, duplicate_check_interval: 1800 });
    await deps.outbox.markSent(jobId, i + 1);
  }
  return { done: true, sent: parts.length, parts: parts.length };
}
