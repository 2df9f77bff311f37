import type { Tier } from '../tiers/policy.ts';

/**
 * What one followups.send job's add_msg_template call did, saved so that a retry never
 * creates a second task: 'calling' just before the call (a retry that finds it cannot know
 * whether WeCom created the task), 'created' with WeCom's answer (msgid null: WeCom said
 * 41048, nobody can receive), 'unknown' when WeCom may or may not have created it.
 */
export type SendOutcome =
  | { state: 'calling'; recipients: string[]; at: number }
  | { state: 'created'; msgid: string | null; failList: string[]; recipients: string[]; at: number }
  | { state: 'unknown'; recipients: string[]; at: number };

/** Who owns each contact's next follow-up, and what each send did. */
export interface FollowUpLedger {
  /** Claims each contact for `owner` unless another owner holds it; returns those `owner` holds now. */
  claim(ids: readonly string[], owner: string, ttlMs: number): Promise<string[]>;
  /** Drops the owner's claims (another owner's are left alone). */
  release(ids: readonly string[], owner: string): Promise<void>;
  /** Keeps the owner's claims for `ttlMs` from now. */
  hold(ids: readonly string[], owner: string, ttlMs: number): Promise<void>;
  outcome(jobId: string): Promise<SendOutcome | null>;
  saveOutcome(jobId: string, outcome: SendOutcome): Promise<void>;
  clearOutcome(jobId: string): Promise<void>;
}

/**
 * The follow-up due index, read: contacts by tier and follow-up anchor (followUpAnchor),
 * kept by the contact store with every record write.
 */
export interface FollowUpIndex {
  /** Indexes contacts stored before the index existed (once). */
  backfillOnce(): Promise<number>;
  /** Contacts of `tier` anchored before `before`, oldest first. */
  candidates(tier: Tier, before: number, offset: number, limit: number): Promise<string[]>;
}
