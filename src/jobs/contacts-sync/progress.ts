/**
 * Where a contact sync stands, saved with job.updateProgress after every page, so a
 * retried or stalled job resumes from the rep batch and cursor it had reached.
 */
export interface ContactSyncProgress {
  /** listing: reading WeCom; reconciling: marking relations WeCom no longer lists; done. */
  phase: 'listing' | 'reconciling' | 'done';
  /** The rep batch being read (index into the run's reps, 100 a batch) and the cursor inside it ('' = its start). */
  batch: number;
  cursor: string;
  repsDone: number;
  repsTotal: number;
  /** batch/get_by_user pages read; entries read (a page re-read after a crash counts twice). */
  pages: number;
  pairsListed: number;
  /** Distinct (customer, rep) pairs and customers this run has read. */
  pairs: number;
  contacts: number;
  /** Relations new to Fenji, and removed ones WeCom shows re-added. */
  added: number;
  reactivated: number;
  tierChanges: number;
  /** Reconciliation: the archive's paging cursor, contacts scanned, relations marked removed. */
  reconcileCursor: string | null;
  scanned: number;
  removed: number;
  /** Active relations of reps WeCom did not list at all (out of the app's visible range, or gone): left alone. */
  unlistedRepRelations: number;
}

export function initialProgress(repsTotal: number): ContactSyncProgress {
  return {
    phase: 'listing', batch: 0, cursor: '', repsDone: 0, repsTotal, pages: 0, pairsListed: 0, pairs: 0, contacts: 0,
    added: 0, reactivated: 0, tierChanges: 0, reconcileCursor: null, scanned: 0, removed: 0, unlistedRepRelations: 0,
  };
}

/** A job's saved progress, if it is one of ours (BullMQ starts progress at 0). */
export function savedProgress(value: unknown): ContactSyncProgress | null {
  if (typeof value !== 'object' || value === null) return null;
  const p = value as Partial<ContactSyncProgress>;
  return (p.phase === 'listing' || p.phase === 'reconciling' || p.phase === 'done') && typeof p.batch === 'number' && typeof p.cursor === 'string'
    ? (value as ContactSyncProgress)
    : null;
}

/** One line a person can read, in Chinese and English. */
export function describeProgress(p: ContactSyncProgress): string {
  if (p.phase === 'listing') {
    return `读取企业微信 reading WeCom: 销售 reps ${p.repsDone}/${p.repsTotal} · 客户 contacts ${p.contacts} · 关系 relations ${p.pairs} (新增 new ${p.added}, 恢复 re-added ${p.reactivated})`;
  }
  return `核对本地关系 reconciling: 已检查客户 contacts checked ${p.scanned} · 标记删除 marked removed ${p.removed}`;
}
