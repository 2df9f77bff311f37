/** Ports of the contact syncs (WeCom's listings and 微信客服 pulls), implemented in adapters/redis. */

/** One (customer, rep) relation as WeCom lists it. */
export interface ListedPair {
  externalUserId: string;
  userId: string;
}

/** A held 微信客服 sync lock (one sync per account reads and advances its cursor). */
export interface KfSyncLock {
  /** Pushes the expiry out again; false when the lock was lost (expired and taken). */
  extend(): Promise<boolean>;
  release(): Promise<void>;
}
