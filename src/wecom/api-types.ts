/**
 * Request and response shapes of the WeCom APIs Fenji calls, field names as WeCom spells
 * them (docs/wecom/api.md, 'Endpoints we call'). Responses omit `errcode`/`errmsg`: the client has already checked
 * them. Optional fields are ones WeCom leaves out in some cases.
 */

// --- Customers ---

export interface ExternalContact {
  external_userid: string;
  name: string;
  position?: string;
  avatar?: string;
  corp_name?: string;
  corp_full_name?: string;
  /** 1 = WeChat user, 2 = WeCom user. */
  type: number;
  /** 0 unknown, 1 male, 2 female. */
  gender: number;
  unionid?: string;
  external_profile?: { external_attr?: unknown[] };
}

export interface FollowUserTag {
  group_name: string;
  tag_name: string;
  tag_id?: string;
  /** 1 = enterprise tag. */
  type: number;
}

/** One member's relation to a customer. */
export interface FollowUser {
  userid: string;
  remark?: string;
  description?: string;
  createtime: number;
  tags?: FollowUserTag[];
  remark_corp_name?: string;
  remark_mobiles?: string[];
  oper_userid?: string;
  add_way?: number;
  state?: string;
}

export interface GetExternalContactResponse {
  external_contact: ExternalContact;
  follow_user: FollowUser[];
  /** Non-empty when the customer has more than 500 follow users. */
  next_cursor?: string;
}

export interface BatchGetByUserRequest {
  /** ≤100 member userids. */
  userid_list: string[];
  cursor?: string;
  /** ≤100, default 50. */
  limit?: number;
}

/** Like FollowUser, but tags come as ids only. */
export interface FollowInfo extends Omit<FollowUser, 'tags'> {
  tag_id?: string[];
}

export interface BatchGetByUserResponse {
  /** One entry per (customer, member) pair. */
  external_contact_list: { external_contact: ExternalContact; follow_info: FollowInfo }[];
  /** Empty on the last page. */
  next_cursor: string;
}

// --- Enterprise tags (corp tags) ---

export interface CorpTag {
  id: string;
  name: string;
  create_time: number;
  order: number;
  deleted?: boolean;
}

export interface CorpTagGroup {
  group_id: string;
  group_name: string;
  create_time: number;
  order: number;
  deleted?: boolean;
  tag: CorpTag[];
}

export interface AddCorpTagRequest {
  /** Existing group; otherwise `group_name` (an existing name adds to that group). */
  group_id?: string;
  group_name?: string;
  order?: number;
  tag: { name: string; order?: number }[];
}

export interface MarkTagRequest {
  userid: string;
  external_userid: string;
  add_tag?: string[];
  remove_tag?: string[];
}

// --- Messages: app messages, mass messages, welcome message ---

interface AppMessageTargets {
  /** '|'-separated userids, ≤1000, or "@all". */
  touser?: string;
  toparty?: string;
  totag?: string;
  safe?: 0 | 1;
  enable_id_trans?: 0 | 1;
  enable_duplicate_check?: 0 | 1;
  duplicate_check_interval?: number;
}

/** An application message to members; `agentid` is filled in by WeComApi. */
export type AppMessage =
  | (AppMessageTargets & { msgtype: 'text'; text: { content: string } })
  | (AppMessageTargets & { msgtype: 'markdown'; markdown: { content: string } })
  | (AppMessageTargets & { msgtype: 'file'; file: { media_id: string } });

/** Temporary media types of media/upload (docs/wecom/api.md, 'Media upload'). */
export type MediaType = 'image' | 'voice' | 'video' | 'file';

/** media/upload's answer: the media_id works for 3 days; created_at is seconds, as a string. */
export interface UploadMediaResponse {
  type: MediaType;
  media_id: string;
  created_at: string;
}

/** Partial success comes back as errcode 0 with non-empty invalid* fields. */
export interface SendAppMessageResponse {
  invaliduser?: string;
  invalidparty?: string;
  invalidtag?: string;
  msgid?: string;
  response_code?: string;
}

export type MessageAttachment =
  | { msgtype: 'image'; image: { media_id: string } | { pic_url: string } }
  | { msgtype: 'link'; link: { title: string; url: string; picurl?: string; desc?: string } }
  | { msgtype: 'miniprogram'; miniprogram: { title: string; pic_media_id: string; appid: string; page: string } }
  | { msgtype: 'video'; video: { media_id: string } }
  | { msgtype: 'file'; file: { media_id: string } };

export interface AddMsgTemplateRequest {
  chat_type?: 'single' | 'group';
  external_userid?: string[];
  chat_id_list?: string[];
  tag_filter?: { group_list: { tag_list: string[] }[] };
  sender?: string;
  allow_select?: boolean;
  text?: { content: string };
  /** ≤9. */
  attachments?: MessageAttachment[];
}

export interface AddMsgTemplateResponse {
  fail_list?: string[];
  msgid: string;
}

export interface GetGroupmsgSendResultRequest {
  msgid: string;
  userid: string;
  limit?: number;
  cursor?: string;
}

export interface GetGroupmsgSendResultResponse {
  /** status: 0 not sent, 1 sent, 2 not a friend, 3 customer already got another mass message. */
  send_list: { external_userid?: string; chat_id?: string; userid: string; status: number; send_time?: number }[];
  next_cursor?: string;
}

export interface GetGroupmsgListV2Request {
  chat_type: 'single' | 'group';
  /** Seconds; WeCom allows a span of at most one month. */
  start_time: number;
  end_time: number;
  creator?: string;
  /** 0 created by the corp (API/admin), 1 by members, 2 both. */
  filter_type?: 0 | 1 | 2;
  limit?: number;
  cursor?: string;
}

export interface GetGroupmsgListV2Response {
  group_msg_list: { msgid: string; creator?: string; create_time: number; create_type: number; text?: { content: string } }[];
  next_cursor?: string;
}

export interface SendWelcomeMsgRequest {
  welcome_code: string;
  text?: { content: string };
  attachments?: MessageAttachment[];
}

// --- 微信客服 (customer service, kf) ---

export interface KfSyncMsgRequest {
  cursor?: string;
  /** The callback's Token (valid 10 min). */
  token?: string;
  limit?: number;
  voice_format?: 0 | 1;
  open_kfid?: string;
}

export interface KfMessage {
  msgid: string;
  open_kfid: string;
  external_userid?: string;
  send_time: number;
  /** 3 customer, 4 system event, 5 servicer from the WeCom client. */
  origin: number;
  servicer_userid?: string;
  msgtype: string;
  text?: { content: string; menu_id?: string };
  event?: { event_type: string } & Record<string, unknown>;
  [field: string]: unknown;
}

export interface KfSyncMsgResponse {
  next_cursor: string;
  has_more: number;
  msg_list: KfMessage[];
}

export interface KfSendMsgRequest {
  touser: string;
  open_kfid: string;
  /** Our own id (≤32 B, [0-9a-zA-Z_-]) makes the send idempotent. */
  msgid?: string;
  msgtype: 'text';
  text: { content: string };
}

/** batch/openuserid_to_userid (docs/wecom/aibot.md, 'Who is asking'). */
export interface OpenUserIdToUserIdResponse {
  userid_list?: { open_userid: string; userid: string }[];
  invalid_open_userid_list?: string[];
}
