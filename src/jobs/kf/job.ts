import type { JobsOptions } from 'bullmq';
import { CALLBACK_JOB_OPTIONS } from '../callbacks/job.ts';

export const KF_SYNC_JOB_NAME = 'kf.sync';

/** Payload of a `kf.sync` job: pull one 微信客服 account's new messages. */
export interface KfSyncJobData {
  openKfId: string;
  /** The kf_msg_or_event callback's Token (valid 10 minutes; redacted from logs). */
  token: string;
  receivedAt: number;
}

/** Like callback jobs (retried with backoff, failures kept a week), fewer kept when done. */
export const KF_SYNC_JOB_OPTIONS: JobsOptions = {
  ...CALLBACK_JOB_OPTIONS,
  removeOnComplete: { age: 3600, count: 10_000 },
};
