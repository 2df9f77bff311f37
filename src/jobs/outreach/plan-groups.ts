import { createHash } from 'node:crypto';
import type { OutreachItem, OutreachKind } from '../../domain/outreach/outreach.ts';
import { jobIdOf, packRecipients, type NotifyItem, type OutreachNotifyJobData, type OutreachSendJobData } from './job.ts';

/** Recipients per add_msg_template call (WeCom's limit); a larger group becomes several sends. */
export const MAX_RECIPIENTS = 10_000;
/** Kinds whose A customers are greeted by their rep personally (a list), not by 企业群发; follow-ups of A stay 群发. */
const PERSONAL_KINDS: ReadonlySet<OutreachKind> = new Set(['birthday', 'holiday', 'aftersale']);

/** Whether an item goes on its rep's A list (a greeting to an A customer) rather than into a 群发. */
export function isPersonal(item: Pick<OutreachItem, 'kind' | 'tier'>): boolean {
  return item.tier === 'A' && PERSONAL_KINDS.has(item.kind);
}

/**
 * One send or list being filled: its job, and what the job will say. Of a send's claimed
 * items only the recipient and occasion are kept (the rest is the same for all); a list
 * keeps each entry. A million-customer day keeps ids, not items.
 */
export interface PlanGroup {
  readonly jobId: string;
  readonly personal: boolean;
  /** The first item given: its kind, rep, tier, text and label are the group's. */
  readonly first: OutreachItem;
  /** Items given to it, claimed or being claimed (the chunking count). */
  size: number;
  readonly chunk: number;
  /** The latest notBefore of the claimed items. */
  notBefore: number;
  /** A send's claimed recipients and their occasions, aligned. */
  readonly ids: string[];
  readonly occasions: string[];
  /** A list's claimed entries. */
  readonly listed: NotifyItem[];
}

const hash8 = (s: string) => createHash('sha1').update(s).digest('hex').slice(0, 8);

/**
 * The sends and lists of one planning run. Items are grouped by (kind, rep, tier, text)
 * into add_msg_template sends of ≤ MAX_RECIPIENTS; A customers of a greeting kind by
 * (kind, rep, label) into their rep's list. Job ids are deterministic in the run id, so a
 * retried run finds its own jobs.
 */
export class PlanGroups {
  private readonly byKey = new Map<string, PlanGroup>();
  private readonly all: PlanGroup[] = [];

  constructor(private readonly runId: string) {}

  /** The group `item` goes to (a new chunk when the current one is full); counts it in. */
  of(item: OutreachItem): PlanGroup {
    const personal = isPersonal(item);
    const key = personal ? `${item.kind}\n${item.rep}\n${item.label}` : `${item.kind}\n${item.rep}\n${item.tier}\n${item.text}`;
    let group = this.byKey.get(key);
    if (!group || group.size >= MAX_RECIPIENTS) {
      const chunk = group ? group.chunk + 1 : 0;
      const jobId = personal
        ? jobIdOf('outreach-list', this.runId, item.kind, item.rep, hash8(item.label))
        : jobIdOf('outreach', this.runId, item.kind, item.rep, item.tier, hash8(item.text), String(chunk));
      group = { jobId, personal, first: item, size: 0, chunk, notBefore: item.notBefore, ids: [], occasions: [], listed: [] };
      this.byKey.set(key, group);
      this.all.push(group);
    }
    group.size += 1;
    return group;
  }

  /** `item`, given to `group` by of(), was claimed; `name` is a list entry's customerName. */
  claimed(group: PlanGroup, item: OutreachItem, name: string | undefined): void {
    group.notBefore = Math.max(group.notBefore, item.notBefore);
    if (group.personal) {
      group.listed.push({ externalUserId: item.externalUserId, occasionKey: item.occasionKey, tier: item.tier, text: item.text, name: name ?? '' });
    } else {
      group.ids.push(item.externalUserId);
      group.occasions.push(item.occasionKey);
    }
  }

  /** `item`, given to `group` by of(), was not claimed: its place is free again. */
  refused(group: PlanGroup): void {
    group.size -= 1;
  }

  /** Every group with something claimed, in the order they were opened. */
  filled(): PlanGroup[] {
    return this.all.filter((g) => g.ids.length + g.listed.length > 0);
  }
}

/** Positions of the first of each (recipient, occasion) pair: a contact whose tier changed mid-pass can be given twice. */
function firstOfEach(ids: readonly string[], occasions: readonly string[]): number[] {
  const seen = new Set<string>();
  const keep: number[] = [];
  ids.forEach((id, k) => {
    const key = `${id}\n${occasions[k]}`;
    if (!seen.has(key)) keep.push(k);
    seen.add(key);
  });
  return keep;
}

/** A send group's job data (claimedAt: the run's time), each recipient once. */
export function sendJobData(group: PlanGroup, claimedAt: number): OutreachSendJobData {
  const { first } = group;
  const packed = packRecipients(firstOfEach(group.ids, group.occasions).map((k) => ({ externalUserId: group.ids[k]!, occasionKey: group.occasions[k]! })));
  return { ...packed, kind: first.kind, rep: first.rep, tier: first.tier, text: first.text, label: first.label, claimedAt, notBefore: group.notBefore };
}

/** A list group's job data, each customer and occasion once. */
export function notifyJobData(group: PlanGroup, claimedAt: number): OutreachNotifyJobData {
  const { first, listed } = group;
  const items = firstOfEach(listed.map((i) => i.externalUserId), listed.map((i) => i.occasionKey)).map((k) => listed[k]!);
  return { kind: first.kind, rep: first.rep, label: first.label, claimedAt, notBefore: group.notBefore, items };
}
