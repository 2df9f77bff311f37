import { createHash } from 'node:crypto';
import type { JobsOptions } from 'bullmq';
import type { WeComEvent } from '../../wecom/events.ts';

/** `welcome.send` on `welcome`: one send_welcome_msg for one add event's WelcomeCode. */
export const WELCOME_JOB_NAME = 'welcome.send';

/**
 * Welcomes at once in one worker process. Each is one short WeCom call and there is at most
 * one per add, so a few suffice; no global cap or rate limiter, which could only delay one
 * past its 20 s (WeCom publishes no concurrency limit for send_welcome_msg).
 */
export const WELCOME_CONCURRENCY = 8;

/** Between two attempts after a transient failure: short, so several fit in the 20 s. */
export const WELCOME_RETRY_DELAY_MS = 1000;

/** A welcome.send job: the code and whom and how the customer came. */
export interface WelcomeJobData {
  /** Single use, valid 20 s; never logged. */
  welcomeCode: string;
  /** The contact way's State (渠道活码); absent for an add outside any contact way. */
  state?: string;
  userId: string;
  externalUserId: string;
  /** The add event's CreateTime (ms; Fenji's receipt when WeCom sent none): WeCom's 20 s count from it. */
  addedAt: number;
}

/**
 * Attempts fit the window (the handler stops retrying once the next one would start past the
 * deadline). Jobs are kept an hour after they end, well past any code's 20 s, so a replayed
 * event finds its job and adds nothing; a later replay is past its deadline and dropped anyway.
 */
export const WELCOME_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'fixed', delay: WELCOME_RETRY_DELAY_MS },
  removeOnComplete: { age: 3600, count: 100_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** Add events that carry a WelcomeCode (docs/wecom/callbacks.md, 'Event kinds'). */
const WELCOME_CHANGES: ReadonlySet<string> = new Set(['add_external_contact', 'add_half_external_contact']);

/**
 * The job id of a WelcomeCode: one job per code, whatever replays or retries bring it. A
 * hash, so the code (a credential for 20 s) appears in no job id, key or log, and the id
 * never has a ':' or only digits, which BullMQ refuses.
 */
export function welcomeJobId(welcomeCode: string): string {
  return `welcome-${createHash('sha256').update(welcomeCode).digest('hex').slice(0, 32)}`;
}

/** The welcome job an event asks for, if any: an add with a WelcomeCode. `receivedAt` stands in for a missing CreateTime. */
export function welcomeJobFor(event: WeComEvent, receivedAt: number): { id: string; data: WelcomeJobData } | undefined {
  if (event.kind !== 'external_contact' || !WELCOME_CHANGES.has(event.changeType) || !event.welcomeCode) return undefined;
  const data: WelcomeJobData = {
    welcomeCode: event.welcomeCode,
    userId: event.userId,
    externalUserId: event.externalUserId,
    addedAt: event.createTime > 0 ? event.createTime * 1000 : receivedAt,
  };
  if (event.state) data.state = event.state;
  return { id: welcomeJobId(event.welcomeCode), data };
}
