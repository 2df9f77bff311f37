import {
  addExternalContactXml,
  addHalfExternalContactXml,
  delExternalContactXml,
  delFollowUserXml,
  editExternalContactXml,
  kfMsgOrEventXml,
  textMessageXml,
} from '../wecom/callback-xml.ts';
import { newNumericMsgId } from './ids.ts';
import type { CallbackSender, DeliveryResult } from './sender.ts';
import type { SandboxState } from './state.ts';
import type { ExternalContact, FollowRelation, KfMessage, SandboxCredentials } from './types.ts';

/** A simulate request the state cannot honour (unknown rep, no relation…). */
export class SimulationError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SimulationError';
  }
}

/** delivery is null when no callback URL is configured (the state still changed). */
export interface Simulated {
  delivery: DeliveryResult | null;
}

export interface SimulatorDeps {
  state: SandboxState;
  credentials: SandboxCredentials;
  /** Read on each call: the callback URL can be set after the sandbox started. */
  sender: () => CallbackSender | undefined;
}

/**
 * Things that happen on the WeCom side (a customer adds a rep, writes to the kf account…):
 * each changes the state the way WeCom would and then delivers the matching callback.
 */
export class Simulator {
  constructor(private readonly deps: SimulatorDeps) {}

  /**
   * A rep adds a customer: contact + relation + WelcomeCode, then add_external_contact. With
   * `half`, the customer added the rep through a 免验证 contact way and the rep has not added
   * back yet: add_half_external_contact, which carries State and a WelcomeCode just the same
   * (docs/wecom/callbacks.md, 'Event kinds').
   */
  async addContact(input: {
    userid: string;
    name: string;
    external_userid?: string;
    state?: string;
    gender?: 0 | 1 | 2;
    welcomeCode?: boolean;
    half?: boolean;
  }): Promise<Simulated & { contact: ExternalContact; relation: FollowRelation; welcome_code: string | null }> {
    const { state } = this.deps;
    this.requireRep(input.userid);
    const contact = state.upsertContact({
      name: input.name,
      ...(input.external_userid ? { external_userid: input.external_userid } : {}),
      ...(input.gender === undefined ? {} : { gender: input.gender }),
    });
    const relation = state.upsertRelation({ userid: input.userid, external_userid: contact.external_userid, state: input.state ?? '' });
    const code = input.welcomeCode === false ? undefined : state.issueWelcomeCode(input.userid, contact.external_userid, input.state ?? '').code;
    const toXml = input.half ? addHalfExternalContactXml : addExternalContactXml;
    const xml = toXml({ ...this.base(input.userid, contact.external_userid), state: input.state, welcomeCode: code });
    return { contact, relation, welcome_code: code ?? null, delivery: await this.deliver(xml) };
  }

  /** A customer writes to a kf account: the message joins the log, then kf_msg_or_event. */
  async customerMessage(input: { external_userid: string; text: string; open_kfid?: string }): Promise<Simulated & { message: KfMessage; token: string }> {
    const { state } = this.deps;
    const account = input.open_kfid ? state.kfAccounts.get(input.open_kfid) : state.defaultKfAccount();
    if (!account) {
      throw new SimulationError(404, 'kf_account_unknown', `no kf account ${input.open_kfid}`);
    }
    const message = state.addKfMessage({
      open_kfid: account.open_kfid,
      external_userid: input.external_userid,
      origin: 3,
      msgtype: 'text',
      text: { content: input.text },
    });
    const token = state.issueKfToken(account.open_kfid).token;
    const xml = kfMsgOrEventXml({ corpId: this.deps.credentials.corpId, createTime: state.nowSeconds(), token, openKfId: account.open_kfid });
    return { message, token, delivery: await this.deliver(xml) };
  }

  /** A member types a text message into the app. */
  async memberMessage(input: { userid: string; text: string }): Promise<Simulated & { msgid: string }> {
    this.requireRep(input.userid);
    const msgId = newNumericMsgId();
    const xml = textMessageXml({
      corpId: this.deps.credentials.corpId,
      fromUser: input.userid,
      createTime: this.deps.state.nowSeconds(),
      content: input.text,
      msgId,
      agentId: this.deps.credentials.agentId,
    });
    return { msgid: msgId, delivery: await this.deliver(xml) };
  }

  /** The rep deletes the customer: the relation goes away, then del_external_contact. */
  async deleteContact(input: { userid: string; external_userid: string }): Promise<Simulated> {
    this.requireRelation(input.userid, input.external_userid);
    this.deps.state.removeRelation(input.userid, input.external_userid);
    return { delivery: await this.deliver(delExternalContactXml(this.base(input.userid, input.external_userid))) };
  }

  /** The customer deletes the rep: WeCom keeps a one-way relation, then del_follow_user. */
  async customerDeletesRep(input: { userid: string; external_userid: string }): Promise<Simulated> {
    this.requireRelation(input.userid, input.external_userid).deleted_by_customer = true;
    return { delivery: await this.deliver(delFollowUserXml(this.base(input.userid, input.external_userid))) };
  }

  /**
   * The rep edits tags (ids or tag names), remark or description in the client, then
   * edit_external_contact. Unlike mark_tag through the API, this does call back.
   */
  async editTags(input: {
    userid: string;
    external_userid: string;
    add_tag?: string[];
    remove_tag?: string[];
    remark?: string;
    description?: string;
  }): Promise<Simulated & { relation: FollowRelation }> {
    const relation = this.requireRelation(input.userid, input.external_userid);
    const add = (input.add_tag ?? []).map((t) => this.resolveTag(t));
    const remove = new Set((input.remove_tag ?? []).map((t) => this.resolveTag(t)));
    relation.tag_ids = [...new Set([...relation.tag_ids.filter((id) => !remove.has(id)), ...add])];
    if (input.remark !== undefined) {
      relation.remark = input.remark;
    }
    if (input.description !== undefined) {
      relation.description = input.description;
    }
    return { relation, delivery: await this.deliver(editExternalContactXml(this.base(input.userid, input.external_userid))) };
  }

  /**
   * The rep confirms a mass message in the client: each unsent recipient becomes "sent" (1,
   * send_time now), "not a friend" (2) if the relation is gone or the customer deleted the
   * rep meanwhile, or "at the cap" (3) if the customer already received the corp's rule's
   * worth of mass messages in this period. No callback.
   */
  confirmGroupMsg(input: { msgid: string; userid?: string }): { confirmed: number; notFriends: number; capped: number } {
    const { state } = this.deps;
    const template = state.msgTemplates.get(input.msgid);
    if (!template) {
      throw new SimulationError(404, 'msg_template_unknown', `no mass message ${input.msgid}`);
    }
    const counts = { confirmed: 0, notFriends: 0, capped: 0 };
    // A cancelled task's unsent parts are gone: confirming it sends nothing.
    for (const r of template.cancelled ? [] : template.recipients) {
      if (r.status === 0 && (input.userid === undefined || r.userid === input.userid)) {
        const relation = state.relation(r.userid, r.external_userid);
        if (!relation || relation.deleted_by_customer) {
          r.status = 2;
          counts.notFriends += 1;
        } else if (!state.groupMsgReceipts.tryReceive(r.external_userid, state.nowSeconds() * 1000)) {
          r.status = 3;
          counts.capped += 1;
        } else {
          r.status = 1;
          r.send_time = state.nowSeconds();
          counts.confirmed += 1;
        }
      }
    }
    return counts;
  }

  private async deliver(xml: string): Promise<DeliveryResult | null> {
    const sender = this.deps.sender();
    return sender ? sender.send(xml) : null;
  }

  private base(userId: string, externalUserId: string) {
    return { corpId: this.deps.credentials.corpId, createTime: this.deps.state.nowSeconds(), userId, externalUserId };
  }

  private requireRep(userid: string): void {
    if (!this.deps.state.reps.has(userid)) {
      throw new SimulationError(404, 'rep_unknown', `no rep with userid ${userid}; seed it first`);
    }
  }

  private requireRelation(userid: string, externalUserId: string): FollowRelation {
    const relation = this.deps.state.relation(userid, externalUserId);
    if (!relation) {
      throw new SimulationError(404, 'relation_unknown', `${userid} does not follow ${externalUserId}`);
    }
    return relation;
  }

  private resolveTag(idOrName: string): string {
    if (this.deps.state.findTag(idOrName)) {
      return idOrName;
    }
    const byName = this.deps.state.tagGroups.flatMap((g) => g.tags).find((t) => t.name === idOrName);
    if (!byName) {
      throw new SimulationError(400, 'tag_unknown', `no enterprise tag with id or name ${idOrName}`);
    }
    return byName.id;
  }
}
