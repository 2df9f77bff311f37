import type {
  AddCorpTagRequest,
  AddMsgTemplateRequest,
  AddMsgTemplateResponse,
  AppMessage,
  BatchGetByUserRequest,
  BatchGetByUserResponse,
  CorpTagGroup,
  GetExternalContactResponse,
  GetGroupmsgListV2Request,
  GetGroupmsgListV2Response,
  GetGroupmsgSendResultRequest,
  GetGroupmsgSendResultResponse,
  KfSendMsgRequest,
  KfSyncMsgRequest,
  KfSyncMsgResponse,
  MarkTagRequest,
  MediaType,
  OpenUserIdToUserIdResponse,
  SendAppMessageResponse,
  SendWelcomeMsgRequest,
  UploadMediaResponse,
} from './api-types.ts';

export type * from './api-types.ts';

/**
 * The WeCom server API as Fenji uses it: one operation per endpoint (docs/wecom/api.md,
 * 'Endpoints we call'), wire shapes as WeCom spells them. The protocol's side of the line:
 * jobs and adapters depend on this interface; the HTTP client that speaks it
 * (adapters/wecom-api/endpoints.ts, HttpWeComApi) and the tests' fakes implement it. Errors
 * are WeComApiError (WeCom answered an errcode) and WeComTransportError (no answer):
 * api-errors.ts.
 */
export interface WeComApi {
  /** Members with customer contact enabled, within the app's visibility. */
  getFollowUserList(): Promise<string[]>;

  /** external_userids of one member's customers. */
  listExternalContacts(userid: string): Promise<string[]>;

  /** One customer and their relations to members; page with `cursor` beyond 500 members. */
  getExternalContact(externalUserid: string, cursor?: string): Promise<GetExternalContactResponse>;

  /** Customers of up to 100 members, one entry per (customer, member); loop until next_cursor is ''. */
  batchGetByUser(input: BatchGetByUserRequest): Promise<BatchGetByUserResponse>;

  /** Enterprise tag groups; no filter = all (group_id wins when both are given). */
  getCorpTagList(filter?: { tag_id?: string[]; group_id?: string[] }): Promise<CorpTagGroup[]>;

  /** Creates tags (and their group if new); returns the group with the created tags. */
  addCorpTag(input: AddCorpTagRequest): Promise<CorpTagGroup>;

  /** Tags one (member, customer) relation. Produces no callback: update local state on success. */
  markTag(input: MarkTagRequest): Promise<void>;

  /** Application message to members (not to customers); the app's agentid is filled in. */
  sendAppMessage(message: AppMessage): Promise<SendAppMessageResponse>;

  /**
   * The 智能机器人's encrypted open_userids as plain userids (docs/wecom/aibot.md, 'Who is
   * asking'): with this app's token, for members in its visibility; a plain userid given
   * comes back as itself, unknown ids in invalid_open_userid_list.
   */
  openUserIdToUserId(openUserIds: readonly string[]): Promise<OpenUserIdToUserIdResponse>;

  /**
   * Uploads a temporary media file (multipart, part `media`); its media_id works for 3 days
   * in message/send and elsewhere (docs/wecom/api.md, 'Media upload'). `filename` is what
   * the member sees. A file must be 6 bytes to 20 MB.
   */
  uploadMedia(type: MediaType, file: { filename: string; contentType: string; data: Buffer }): Promise<UploadMediaResponse>;

  /** Creates a mass-message task that the sender must confirm in the WeCom client. */
  addMsgTemplate(input: AddMsgTemplateRequest): Promise<AddMsgTemplateResponse>;

  /** Per-customer delivery status of one member's part of a mass message. */
  getGroupmsgSendResult(input: GetGroupmsgSendResultRequest): Promise<GetGroupmsgSendResultResponse>;

  /** Mass-message tasks created in a time span, by creator (docs/wecom/api.md, 'Mass messages'). */
  getGroupmsgListV2(input: GetGroupmsgListV2Request): Promise<GetGroupmsgListV2Response>;

  /** Stops the parts of a mass message its sender has not sent yet (docs/wecom/api.md, 'Mass messages'). */
  cancelGroupmsgSend(input: { msgid: string }): Promise<void>;

  /**
   * Welcome message; only once per code and within 20 s of the add event (docs/wecom/api.md,
   * 'Welcome message'). `timeoutMs` bounds each HTTP exchange (the time left in those 20 s).
   */
  sendWelcomeMsg(input: SendWelcomeMsgRequest, options?: { timeoutMs?: number }): Promise<void>;

  /** Reads 微信客服 messages after `cursor`; loop while has_more is 1. */
  kfSyncMsg(input?: KfSyncMsgRequest): Promise<KfSyncMsgResponse>;

  /** Replies to a customer through 微信客服 (48 h / 5 messages window). */
  kfSendMsg(input: KfSendMsgRequest): Promise<{ msgid: string }>;
}
