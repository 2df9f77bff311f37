/**
 * Data shapes of the sandbox corp. Field names follow WeCom's JSON (snake_case) so the
 * API handlers can return them with little mapping (docs/wecom/api.md, 'Endpoints we call').
 */

/** The credentials the sandbox accepts and signs callbacks with. */
export interface SandboxCredentials {
  corpId: string;
  agentId: number;
  secret: string;
  token: string;
  encodingAESKey: string;
}

/** A corp member (销售 / rep) with customer contact enabled. */
export interface Rep {
  userid: string;
  name: string;
}

/** A WeChat (type 1) or WeCom (type 2) external contact. */
export interface ExternalContact {
  external_userid: string;
  name: string;
  /** 1 = WeChat user, 2 = WeCom user. */
  type: 1 | 2;
  /** 0 unknown, 1 male, 2 female. */
  gender: 0 | 1 | 2;
  corp_name: string;
  avatar: string;
  unionid: string;
}

/** One (rep, customer) relation: tags, remark and add_way live here, not on the contact. */
export interface FollowRelation {
  userid: string;
  external_userid: string;
  remark: string;
  description: string;
  /** Seconds since the epoch. */
  createtime: number;
  add_way: number;
  state: string;
  tag_ids: string[];
  /** The customer deleted the rep (del_follow_user): WeCom keeps the one-way relation. */
  deleted_by_customer: boolean;
}

export interface CorpTag {
  id: string;
  name: string;
  create_time: number;
  order: number;
}

export interface TagGroup {
  group_id: string;
  group_name: string;
  create_time: number;
  order: number;
  tags: CorpTag[];
}

export interface KfAccount {
  open_kfid: string;
  name: string;
}

/** A message in a kf account's log, as kf/sync_msg returns it. */
export interface KfMessage {
  /** Position in the corp-wide kf log; cursors point into this sequence. */
  seq: number;
  msgid: string;
  open_kfid: string;
  external_userid: string;
  /** Seconds since the epoch. */
  send_time: number;
  /** 3 = WeChat customer, 4 = system event, 5 = servicer via the WeCom client. */
  origin: 3 | 4 | 5;
  msgtype: 'text';
  text: { content: string };
}

/** What Fenji sent through kf/send_msg (not returned by sync_msg, as at WeCom). */
export interface KfSentMessage {
  msgid: string;
  open_kfid: string;
  touser: string;
  msgtype: string;
  body: Record<string, unknown>;
  /** Milliseconds since the epoch. */
  sent_at: number;
}

/** An app message sent through message/send. */
export interface SentAppMessage {
  msgid: string;
  agentid: number;
  /** The members it reached. */
  touser: string[];
  /** Members it was addressed to but not delivered: over WeCom's 30 a minute per member (silently, errcode 0). */
  dropped?: string[];
  /** The content was over 2048 bytes and WeCom kept only the first 2048 (cut between characters). */
  truncated?: boolean;
  msgtype: string;
  body: Record<string, unknown>;
  sent_at: number;
}

export interface MsgTemplateRecipient {
  external_userid: string;
  userid: string;
  /** 0 not sent, 1 sent, 2 failed (not a friend), 3 failed (already received one). */
  status: 0 | 1 | 2 | 3;
  send_time?: number;
}

/** A mass-message task created by add_msg_template. */
export interface MsgTemplate {
  msgid: string;
  chat_type: string;
  sender: string;
  body: Record<string, unknown>;
  created_at: number;
  recipients: MsgTemplateRecipient[];
  /** Set by cancel_groupmsg_send: recipients still at status 0 can no longer be sent to. */
  cancelled?: boolean;
}

/** A temporary media file from media/upload (docs/wecom/api.md, 'Media upload'): its media_id works for 3 days. */
export interface StoredMedia {
  media_id: string;
  type: 'image' | 'voice' | 'video' | 'file';
  /** The name the member sees (the form part's filename). */
  filename: string;
  content_type: string;
  bytes: number;
  /** The file, base64 (so the corp saves as JSON). */
  data: string;
  /** Seconds since the epoch, as WeCom answers it. */
  created_at: number;
}

/** A WelcomeCode handed out with add_external_contact: valid 20 s, single use (docs/wecom/api.md, 'Welcome message'). */
export interface WelcomeCode {
  code: string;
  userid: string;
  external_userid: string;
  /** The contact way's state (渠道活码) the add came through; '' for none. */
  state?: string;
  /** Milliseconds since the epoch. */
  issued_at: number;
  used_at?: number;
  message?: Record<string, unknown>;
}

/** The Token a kf_msg_or_event callback carries, valid 10 minutes (docs/wecom/callbacks.md, 'Event kinds'). */
export interface KfSyncToken {
  token: string;
  open_kfid: string;
  expires_at: number;
}
