import type { WeComApi } from '../../adapters/wecom-api/endpoints.ts';
import type { RedisBotOutbox } from '../../adapters/redis/bot-state.ts';
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
 */
export async function sendAnswer(jobId: string, userId: string, text: string, deps: SendAnswerDeps): Promise<SendOutcome> {
  const { parts, sent } = await deps.outbox.prepare(jobId, splitMessage(text));
  for (let i = sent; i < parts.length; i++) {
    const waitMs = await deps.outbox.reserveSend(userId, deps.clock.now(), APP_MESSAGES_PER_MEMBER_PER_MINUTE);
    if (waitMs > 0) return { done: false, waitMs, sent: i, parts: parts.length };
    await deps.api.sendAppMessage({ touser: userId, msgtype: 'text', text: { content: parts[i]! } });
    await deps.outbox.markSent(jobId, i + 1);
  }
  return { done: true, sent: parts.length, parts: parts.length };
}
