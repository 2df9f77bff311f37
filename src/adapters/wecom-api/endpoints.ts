import type { WeComClient } from './client.ts';
import type {
  AddCorpTagRequest,
  AddMsgTemplateRequest,
  AddMsgTemplateResponse,
  AppMessage,
  BatchGetByUserRequest,
  BatchGetByUserResponse,
  CorpTagGroup,
  GetExternalContactResponse,
  GetGroupmsgSendResultRequest,
  GetGroupmsgListV2Request,
  GetGroupmsgListV2Response,
  GetGroupmsgSendResultResponse,
  KfSendMsgRequest,
  KfSyncMsgRequest,
  KfSyncMsgResponse,
  MarkTagRequest,
  OpenUserIdToUserIdResponse,
  MediaType,
  SendAppMessageResponse,
  SendWelcomeMsgRequest,
  UploadMediaResponse,
} from '../../wecom/api-types.ts';

import type { WeComApi } from '../../wecom/api.ts';

const EC = '/cgi-bin/externalcontact';

/**
 * Typed wrappers over `WeComClient.request`, one per WeCom API Fenji uses (docs/wecom/api.md, 'Endpoints we call').
 * They add nothing but paths and types; errors are the client's (wecom/api-errors.ts). The
 * interface they implement is the protocol's (wecom/api.ts): jobs depend on it, not on this class.
 */
export class HttpWeComApi implements WeComApi {
  constructor(private readonly client: WeComClient) {}

  /** Members with customer contact enabled, within the app's visibility. */
  async getFollowUserList(): Promise<string[]> {
    const res = await this.client.request<{ follow_user: string[] }>('GET', `${EC}/get_follow_user_list`);
    return res.follow_user;
  }

  /** external_userids of one member's customers. */
  async listExternalContacts(userid: string): Promise<string[]> {
    const res = await this.client.request<{ external_userid: string[] }>('GET', `${EC}/list`, {
      query: { userid },
    });
    return res.external_userid;
  }

  /** One customer and their relations to members; page with `cursor` beyond 500 members. */
  getExternalContact(externalUserid: string, cursor?: string): Promise<GetExternalContactResponse> {
    return this.client.request('GET', `${EC}/get`, { query: { external_userid: externalUserid, cursor } });
  }

  /** Customers of up to 100 members, one entry per (customer, member); loop until next_cursor is ''. */
  batchGetByUser(input: BatchGetByUserRequest): Promise<BatchGetByUserResponse> {
    return this.client.request('POST', `${EC}/batch/get_by_user`, { body: input });
  }

  /** Enterprise tag groups; no filter = all (group_id wins when both are given). */
  async getCorpTagList(filter: { tag_id?: string[]; group_id?: string[] } = {}): Promise<CorpTagGroup[]> {
    const res = await this.client.request<{ tag_group: CorpTagGroup[] }>('POST', `${EC}/get_corp_tag_list`, {
      body: filter,
    });
    return res.tag_group;
  }

  /** Creates tags (and their group if new); returns the group with the created tags. */
  async addCorpTag(input: AddCorpTagRequest): Promise<CorpTagGroup> {
    const res = await this.client.request<{ tag_group: CorpTagGroup }>('POST', `${EC}/add_corp_tag`, {
      body: input,
    });
    return res.tag_group;
  }

  /** Tags one (member, customer) relation. Produces no callback: update local state on success. */
  async markTag(input: MarkTagRequest): Promise<void> {
    await this.client.request('POST', `${EC}/mark_tag`, { body: input });
  }

  /** Application message to members (not to customers); the app's agentid is filled in. */
  sendAppMessage(message: AppMessage): Promise<SendAppMessageResponse> {
    return this.client.request('POST', '/cgi-bin/message/send', {
      body: { ...message, agentid: this.client.agentId },
    });
  }

  /**
   * The 智能机器人's encrypted open_userids as plain userids (docs/wecom/aibot.md, 'Who is
   * asking'): with this app's token, for members in its visibility; a plain userid given
   * comes back as itself, unknown ids in invalid_open_userid_list.
   */
  openUserIdToUserId(openUserIds: readonly string[]): Promise<OpenUserIdToUserIdResponse> {
    return this.client.request('POST', '/cgi-bin/batch/openuserid_to_userid', { body: { open_userid_list: openUserIds } });
  }

  /**
   * Uploads a temporary media file (multipart, part `media`); its media_id works for 3 days
   * in message/send and elsewhere (docs/wecom/api.md, 'Media upload'). `filename` is what
   * the member sees. A file must be 6 bytes to 20 MB.
   */
  uploadMedia(type: MediaType, file: { filename: string; contentType: string; data: Buffer }): Promise<UploadMediaResponse> {
    return this.client.request('POST', '/cgi-bin/media/upload', { query: { type }, file: { field: 'media', ...file } });
  }

  /** Creates a mass-message task that the sender must confirm in the WeCom client. */
  addMsgTemplate(input: AddMsgTemplateRequest): Promise<AddMsgTemplateResponse> {
    return this.client.request('POST', `${EC}/add_msg_template`, { body: input });
  }

  /** Per-customer delivery status of one member's part of a mass message. */
  getGroupmsgSendResult(input: GetGroupmsgSendResultRequest): Promise<GetGroupmsgSendResultResponse> {
    return this.client.request('POST', `${EC}/get_groupmsg_send_result`, { body: input });
  }

  /** Mass-message tasks created in a time span, by creator (docs/wecom/api.md, 'Mass messages'). */
  getGroupmsgListV2(input: GetGroupmsgListV2Request): Promise<GetGroupmsgListV2Response> {
    return this.client.request('POST', `${EC}/get_groupmsg_list_v2`, { body: input });
  }

  /** Stops the parts of a mass message its sender has not sent yet (docs/wecom/api.md, 'Mass messages'). */
  async cancelGroupmsgSend(input: { msgid: string }): Promise<void> {
    await this.client.request('POST', `${EC}/cancel_groupmsg_send`, { body: input });
  }

  /**
   * Welcome message; only once per code and within 20 s of the add event (docs/wecom/api.md,
   * 'Welcome message'). `timeoutMs` bounds each HTTP exchange (the time left in those 20 s).
   */
  async sendWelcomeMsg(input: SendWelcomeMsgRequest, options: { timeoutMs?: number } = {}): Promise<void> {
    await this.client.request('POST', `${EC}/send_welcome_msg`, { body: input, ...options });
  }

  /** Reads 微信客服 messages after `cursor`; loop while has_more is 1. */
  kfSyncMsg(input: KfSyncMsgRequest = {}): Promise<KfSyncMsgResponse> {
    return this.client.request('POST', '/cgi-bin/kf/sync_msg', { body: input });
  }

  /** Replies to a customer through 微信客服 (48 h / 5 messages window). */
  async kfSendMsg(input: KfSendMsgRequest): Promise<{ msgid: string }> {
    const res = await this.client.request<{ msgid: string }>('POST', '/cgi-bin/kf/send_msg', { body: input });
    return { msgid: res.msgid };
  }
}
