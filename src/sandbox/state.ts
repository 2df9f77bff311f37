import type { Clock } from '../shared/clock.ts';
import { newExternalUserId, newOpaqueId, newOpenKfId } from './ids.ts';
import { AibotSandbox } from './aibot.ts';
import { GroupMsgReceipts } from './receive-cap.ts';
import { seedState, type SeedInput, type SeedResult } from './seed.ts';
import { snapshotState, type StateSnapshot } from './snapshot.ts';
import type {
  CorpTag,
  ExternalContact,
  FollowRelation,
  KfAccount,
  KfMessage,
  KfSentMessage,
  KfSyncToken,
  MsgTemplate,
  Rep,
  SentAppMessage,
  StoredMedia,
  TagGroup,
  WelcomeCode,
} from './types.ts';

/** WelcomeCode lifetime (docs/wecom/api.md, 'Welcome message'). */
export const WELCOME_CODE_TTL_MS = 20_000;
/** kf callback Token lifetime (docs/wecom/callbacks.md, 'Event kinds'). */
export const KF_TOKEN_TTL_MS = 10 * 60_000;
/** How long a media_id works (docs/wecom/api.md, 'Media upload'). */
export const MEDIA_TTL_MS = 3 * 24 * 3600_000;
/** Name of the kf account every fresh sandbox has, so a first run needs no seeding. */
export const DEFAULT_KF_NAME = 'Fenji 客服';

/** Fields a caller may give when creating a contact; the rest get defaults. */
export type ContactInput = Partial<ExternalContact> & { name: string };
/** Fields a caller may give when creating a follow relation. */
export type RelationInput = Partial<FollowRelation> & { userid: string; external_userid: string };

/**
 * The sandbox corp's in-memory data. Holds collections and the small invariants that
 * several API areas share (one relation per rep and customer, codes that expire); the
 * request-level rules (errcodes, paging) live in the API handlers.
 */
export class SandboxState {
  readonly reps = new Map<string, Rep>();
  readonly contacts = new Map<string, ExternalContact>();
  /** Keyed by `${userid}\n${external_userid}`. */
  readonly relations = new Map<string, FollowRelation>();
  readonly tagGroups: TagGroup[] = [];
  readonly kfAccounts = new Map<string, KfAccount>();
  readonly kfMessages: KfMessage[] = [];
  readonly kfSent: KfSentMessage[] = [];
  readonly kfTokens = new Map<string, KfSyncToken>();
  readonly appMessages: SentAppMessage[] = [];
  readonly msgTemplates = new Map<string, MsgTemplate>();
  readonly welcomeCodes = new Map<string, WelcomeCode>();
  /** Uploaded temporary media by media_id (expired ones stay, answered as invalid). */
  readonly media = new Map<string, StoredMedia>();
  /** The corp's mass-message receive rule and what each customer received under it. */
  readonly groupMsgReceipts = new GroupMsgReceipts();
  /** The 智能机器人's response_urls and open_userids (in memory only: not in snapshots). */
  readonly aibot = new AibotSandbox();
  private kfSeq = 0;

  constructor(private readonly clock: Clock) {
    this.addKfAccount({ name: DEFAULT_KF_NAME });
  }

  /** Current time in the sandbox's clock (ms since the epoch). */
  now(): number {
    return this.clock.now();
  }

  /** Current time in whole seconds, the unit of WeCom's createtime/send_time. */
  nowSeconds(): number {
    return Math.floor(this.clock.now() / 1000);
  }

  /** Merges reps, contacts (with follow relations), tag groups and kf accounts into the corp. */
  seed(input: SeedInput): SeedResult {
    return seedState(this, input);
  }

  /** A JSON-friendly copy of everything, for GET /_sandbox/state and assertions. */
  snapshot(): StateSnapshot {
    return snapshotState(this);
  }

  /** Replaces everything with a snapshot's copy (a corp saved before a restart). */
  restore(saved: StateSnapshot): void {
    this.reset();
    this.kfAccounts.clear();
    const copy = structuredClone(saved);
    for (const rep of copy.reps) this.reps.set(rep.userid, rep);
    for (const contact of copy.contacts) this.contacts.set(contact.external_userid, contact);
    for (const relation of copy.relations) this.relations.set(relationKey(relation.userid, relation.external_userid), relation);
    this.tagGroups.push(...copy.tagGroups);
    for (const account of copy.kfAccounts) this.kfAccounts.set(account.open_kfid, account);
    this.kfMessages.push(...copy.kfMessages);
    this.kfSent.push(...copy.kfSent);
    this.appMessages.push(...copy.appMessages);
    for (const template of copy.msgTemplates) this.msgTemplates.set(template.msgid, template);
    for (const code of copy.welcomeCodes) this.welcomeCodes.set(code.code, code);
    // Files saved before media uploads existed have none.
    for (const m of (copy as Partial<StateSnapshot>).media ?? []) this.media.set(m.media_id, m);
    // Files saved before the rule existed have none: the corp had WeCom's default.
    this.groupMsgReceipts.rule = (copy as Partial<StateSnapshot>).groupMsgRule ?? 'month';
    this.groupMsgReceipts.rebuild(this.msgTemplates.values());
    // Cursors point into the kf log: it goes on from its last sequence number.
    this.kfSeq = this.kfMessages.reduce((max, m) => Math.max(max, m.seq), 0);
  }

  /** Empties everything and recreates the default kf account. */
  reset(): void {
    this.reps.clear();
    this.contacts.clear();
    this.relations.clear();
    this.tagGroups.length = 0;
    this.kfAccounts.clear();
    this.kfMessages.length = 0;
    this.kfSent.length = 0;
    this.kfTokens.clear();
    this.appMessages.length = 0;
    this.msgTemplates.clear();
    this.welcomeCodes.clear();
    this.media.clear();
    this.groupMsgReceipts.clear();
    this.aibot.clear();
    this.kfSeq = 0;
    this.addKfAccount({ name: DEFAULT_KF_NAME });
  }

  /** Adds or renames a rep. */
  upsertRep(rep: Rep): Rep {
    this.reps.set(rep.userid, { ...rep });
    return this.reps.get(rep.userid)!;
  }

  /** Creates a contact (random external_userid unless given) or updates the given fields. */
  upsertContact(input: ContactInput): ExternalContact {
    const id = input.external_userid ?? newExternalUserId();
    const existing = this.contacts.get(id);
    const contact: ExternalContact = {
      type: 1,
      gender: 0,
      corp_name: '',
      avatar: `https://sandbox.invalid/avatar/${id}.png`,
      unionid: '',
      ...existing,
      ...input,
      external_userid: id,
    };
    this.contacts.set(id, contact);
    return contact;
  }

  /** Creates or replaces the relation between a rep and a customer. */
  upsertRelation(input: RelationInput): FollowRelation {
    const relation: FollowRelation = {
      remark: '',
      description: '',
      createtime: this.nowSeconds(),
      add_way: 1,
      state: '',
      tag_ids: [],
      deleted_by_customer: false,
      ...input,
    };
    this.relations.set(relationKey(input.userid, input.external_userid), relation);
    return relation;
  }

  relation(userid: string, externalUserId: string): FollowRelation | undefined {
    return this.relations.get(relationKey(userid, externalUserId));
  }

  /** Removes the relation (the rep deleted the customer). */
  removeRelation(userid: string, externalUserId: string): boolean {
    return this.relations.delete(relationKey(userid, externalUserId));
  }

  /** Relations of one rep, oldest first then by external_userid (a stable paging order). */
  relationsOfRep(userid: string): FollowRelation[] {
    return [...this.relations.values()]
      .filter((r) => r.userid === userid)
      .sort((a, b) => a.createtime - b.createtime || compare(a.external_userid, b.external_userid));
  }

  /** Relations of one customer, in rep order of creation. */
  relationsOfContact(externalUserId: string): FollowRelation[] {
    return [...this.relations.values()].filter((r) => r.external_userid === externalUserId);
  }

  /** Finds an enterprise tag and its group by tag id. */
  findTag(tagId: string): { group: TagGroup; tag: CorpTag } | undefined {
    for (const group of this.tagGroups) {
      const tag = group.tags.find((t) => t.id === tagId);
      if (tag) {
        return { group, tag };
      }
    }
    return undefined;
  }

  addKfAccount(input: { name: string; open_kfid?: string }): KfAccount {
    const account = { open_kfid: input.open_kfid ?? newOpenKfId(), name: input.name };
    this.kfAccounts.set(account.open_kfid, account);
    return account;
  }

  /** The account customer messages go to when the caller names none. */
  defaultKfAccount(): KfAccount {
    const first = this.kfAccounts.values().next();
    return first.done ? this.addKfAccount({ name: DEFAULT_KF_NAME }) : first.value;
  }

  /** Appends a message to the kf log and returns it with its sequence number. */
  addKfMessage(input: Omit<KfMessage, 'seq' | 'msgid' | 'send_time'> & Partial<KfMessage>): KfMessage {
    this.kfSeq += 1;
    const message: KfMessage = { msgid: newOpaqueId(), send_time: this.nowSeconds(), ...input, seq: this.kfSeq };
    this.kfMessages.push(message);
    return message;
  }

  /** Issues the Token a kf_msg_or_event callback carries. */
  issueKfToken(openKfId: string): KfSyncToken {
    const token = { token: `ENC${newOpaqueId(40)}`, open_kfid: openKfId, expires_at: this.clock.now() + KF_TOKEN_TTL_MS };
    this.kfTokens.set(token.token, token);
    return token;
  }

  /** Issues a WelcomeCode for a fresh add event (`state`: the contact way's, '' for none). */
  issueWelcomeCode(userid: string, externalUserId: string, state = ''): WelcomeCode {
    const code: WelcomeCode = { code: newOpaqueId(43), userid, external_userid: externalUserId, state, issued_at: this.clock.now() };
    this.welcomeCodes.set(code.code, code);
    return code;
  }

  /** The media behind a media_id while it works (uploaded less than 3 days ago), else undefined. */
  freshMedia(mediaId: string): StoredMedia | undefined {
    const media = this.media.get(mediaId);
    return media && this.clock.now() - media.created_at * 1000 < MEDIA_TTL_MS ? media : undefined;
  }

  /** True while a code can still be used (not expired; use is checked separately). */
  isWelcomeCodeFresh(code: WelcomeCode): boolean {
    return this.clock.now() - code.issued_at <= WELCOME_CODE_TTL_MS;
  }
}

/** Key of the relations map. */
export function relationKey(userid: string, externalUserId: string): string {
  return `${userid}\n${externalUserId}`;
}

/** Byte-wise string order, so paging does not depend on the locale. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
