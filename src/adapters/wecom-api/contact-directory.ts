import type { Contact, FollowRelation, Gender } from '../../domain/contacts/contact.ts';
import type { ContactDirectory } from '../../domain/ports.ts';
import type { Clock } from '../../shared/clock.ts';
import type { ExternalContact, FollowInfo, FollowUser, WeComApi } from '../../wecom/api.ts';
import { WeComApiError } from '../../wecom/api-errors.ts';

/** 84061: no relation with any member any more; 40096: WeCom does not know the id (docs/wecom/api.md, 'Errcodes'). */
const RELATION_GONE_ERRCODES: ReadonlySet<number> = new Set([84061, 40096]);

const GENDERS: Readonly<Record<number, Gender>> = { 1: 'male', 2: 'female' };

/**
 * WeCom follow_user (externalcontact/get) or follow_info (batch/get_by_user) → a domain
 * relation: seconds → ms, enterprise tags (type 1) only; follow_info's bare tag_id list
 * holds enterprise tags only.
 */
export function toFollowRelation(f: FollowUser | FollowInfo): FollowRelation {
  const addedAt = f.createtime * 1000;
  return {
    userId: f.userid,
    ...(f.remark ? { remark: f.remark } : {}),
    addedAt,
    ...(f.add_way === undefined ? {} : { addWay: f.add_way }),
    ...(f.state ? { state: f.state } : {}),
    tagIds: 'tag_id' in f ? [...(f.tag_id ?? [])] : ((f as FollowUser).tags ?? []).flatMap((t) => (t.type === 1 && t.tag_id ? [t.tag_id] : [])),
    status: 'active',
    changedAt: addedAt,
  };
}

/** WeCom external_contact + follow_user (or follow_info) → a domain Contact (profile empty, times = `now`). */
export function toContact(c: ExternalContact, followUsers: readonly (FollowUser | FollowInfo)[], now: number): Contact {
  return {
    externalUserId: c.external_userid,
    name: c.name,
    type: c.type === 2 ? 2 : 1,
    gender: GENDERS[c.gender] ?? 'unknown',
    ...(c.corp_name ? { corpName: c.corp_name } : {}),
    ...(c.avatar ? { avatar: c.avatar } : {}),
    follows: followUsers.map(toFollowRelation),
    profile: {},
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * The ContactDirectory port over externalcontact/get, following next_cursor for customers
 * with more than 500 follow users. A relation WeCom no longer has reads as null.
 */
export class WeComContactDirectory implements ContactDirectory {
  constructor(
    private readonly api: Pick<WeComApi, 'getExternalContact'>,
    private readonly clock: Clock,
  ) {}

  async getContact(externalUserId: string): Promise<Contact | null> {
    try {
      let page = await this.api.getExternalContact(externalUserId);
      const followUsers = [...page.follow_user];
      while (page.next_cursor) {
        page = await this.api.getExternalContact(externalUserId, page.next_cursor);
        followUsers.push(...page.follow_user);
      }
      return toContact(page.external_contact, followUsers, this.clock.now());
    } catch (err) {
      if (err instanceof WeComApiError && RELATION_GONE_ERRCODES.has(err.errcode)) return null;
      throw err;
    }
  }
}
