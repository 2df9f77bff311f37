/**
 * The customer archive (档案): what Fenji knows about one external contact. Times are
 * milliseconds since the epoch. Nothing here knows about Redis, HTTP or WeCom's wire format.
 */
export type Gender = 'unknown' | 'male' | 'female';

/** One rep ↔ customer relation (WeCom "follow user"). */
export interface FollowRelation {
  userId: string;
  remark?: string;
  addedAt: number;
  addWay?: number;
  /** The 「联系我」 state / channel the customer came through. */
  state?: string;
  tagIds: string[];
  /** active; removed by the rep (del_external_contact); or the customer removed the rep. */
  status: 'active' | 'removed_by_rep' | 'removed_by_customer';
  changedAt: number;
}

export interface Birthday {
  calendar: 'solar' | 'lunar';
  month: number;
  day: number;
  year?: number;
}

/** Profile fields in the spirit of the Mackay 66: identity, work, interests. */
export interface Profile {
  birthday?: Birthday;
  age?: number;
  region?: string;
  occupation?: string;
  employer?: string;
  interests?: string[];
  note?: string;
}

export interface Contact {
  externalUserId: string;
  name: string;
  /** 1 = WeChat user, 2 = WeCom user. */
  type: 1 | 2;
  gender: Gender;
  corpName?: string;
  avatar?: string;
  follows: FollowRelation[];
  profile: Profile;
  createdAt: number;
  updatedAt: number;
}

/** A paid (or due) order, idempotent by id. Amounts in yuan. */
export interface Order {
  orderId: string;
  externalUserId: string;
  amount: number;
  /** Profit if known; otherwise amount − cost when cost is known. */
  profit?: number;
  cost?: number;
  paidAt?: number;
  dueAt?: number;
  daysLate?: number;
  product?: string;
  region?: string;
}

/**
 * `push`: a follow-up (企业群发) the customer received. `greeting`: an automated greeting (a
 * holiday, birthday or after-sale message) the customer received; kept apart because it
 * moves neither the follow-up cadence nor counts as a push a reply answers (withInteraction).
 */
export type InteractionChannel = 'message' | 'call' | 'visit' | 'kf' | 'push' | 'greeting';

/** A message, call or visit, idempotent by id. `text` is used for intent keywords only. */
export interface Interaction {
  id: string;
  externalUserId: string;
  direction: 'inbound' | 'outbound';
  channel: InteractionChannel;
  at: number;
  text?: string;
  userId?: string;
}
