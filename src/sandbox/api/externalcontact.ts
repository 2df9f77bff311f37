import { compare, type SandboxState } from '../state.ts';
import type { ExternalContact, FollowRelation } from '../types.ts';
import { decodeCursor, encodeCursor, limitParam, strList } from './params.ts';
import { ERR, fail, ok, type ApiContext, type ApiResult, type ApiRoute } from './types.ts';

/** `external_contact` object of get / batch/get_by_user (docs/wecom/api.md, 'Customers'). */
export function contactView(contact: ExternalContact): Record<string, unknown> {
  return {
    external_userid: contact.external_userid,
    name: contact.name,
    type: contact.type,
    gender: contact.gender,
    avatar: contact.avatar,
    // WeCom only sends these when they exist.
    ...(contact.corp_name ? { corp_name: contact.corp_name } : {}),
    ...(contact.unionid ? { unionid: contact.unionid } : {}),
  };
}

/** `follow_user[]` item of externalcontact/get: tags come resolved with names. */
function followUserView(state: SandboxState, r: FollowRelation): Record<string, unknown> {
  const tags = r.tag_ids.flatMap((id) => {
    const found = state.findTag(id);
    return found ? [{ group_name: found.group.group_name, tag_name: found.tag.name, tag_id: id, type: 1 }] : [];
  });
  return { ...followCommon(r), tags };
}

/** `follow_info` of batch/get_by_user: tags as bare ids. */
function followInfoView(r: FollowRelation): Record<string, unknown> {
  return { ...followCommon(r), tag_id: [...r.tag_ids] };
}

function followCommon(r: FollowRelation): Record<string, unknown> {
  return {
    userid: r.userid,
    remark: r.remark,
    description: r.description,
    createtime: r.createtime,
    remark_corp_name: '',
    remark_mobiles: [],
    oper_userid: r.userid,
    add_way: r.add_way,
    ...(r.state ? { state: r.state } : {}),
  };
}

/** GET externalcontact/get_follow_user_list: every rep (all have customer contact here). */
function getFollowUserList(ctx: ApiContext): ApiResult {
  return ok({ follow_user: [...ctx.state.reps.keys()] });
}

/** GET externalcontact/list?userid=: the rep's customers. */
function list(ctx: ApiContext): ApiResult {
  const userid = ctx.query.get('userid');
  if (!userid || !ctx.state.reps.has(userid)) {
    return fail(ERR.userNotFound, 'invalid userid');
  }
  const ids = ctx.state.relationsOfRep(userid).map((r) => r.external_userid);
  // WeCom answers 84061 instead of an empty list when the rep has no customers
  // (WxJava issue #1528), so clients must treat that code as "none".
  return ids.length === 0 ? fail(ERR.noRelation, 'not external contact') : ok({ external_userid: ids });
}

/** GET externalcontact/get?external_userid=: the customer plus every rep following them. */
function get(ctx: ApiContext): ApiResult {
  const id = ctx.query.get('external_userid');
  const contact = id ? ctx.state.contacts.get(id) : undefined;
  if (!contact) {
    return fail(ERR.invalidExternalUserId, 'invalid external userid');
  }
  const relations = ctx.state.relationsOfContact(contact.external_userid);
  if (relations.length === 0) {
    return fail(ERR.noRelation, 'not external contact');
  }
  return ok({
    external_contact: contactView(contact),
    follow_user: relations.map((r) => followUserView(ctx.state, r)),
    next_cursor: '',
  });
}

interface BatchCursor {
  /** Index into userid_list of the last item returned. */
  u: number;
  /** external_userid of the last item returned. */
  e: string;
}

const isBatchCursor = (v: unknown): v is BatchCursor =>
  typeof v === 'object' && v !== null && typeof (v as BatchCursor).u === 'number' && typeof (v as BatchCursor).e === 'string';

/**
 * POST externalcontact/batch/get_by_user {userid_list ≤100, cursor, limit ≤100 (50)}.
 * One entry per (customer, rep) pair, ordered by rep then external_userid. The cursor
 * names the last pair returned (not an offset), so adds and deletes between pages never
 * make a pair appear twice.
 */
function batchGetByUser(ctx: ApiContext): ApiResult {
  const users = [...new Set(strList(ctx.body, 'userid_list'))];
  if (users.length === 0 || users.length > 100) {
    return fail(ERR.invalidParam, 'userid_list must hold 1..100 userids');
  }
  const limit = limitParam(ctx.body, 50, 100);
  if (limit === undefined) {
    return fail(ERR.invalidParam, 'limit must be 1..100');
  }
  const rawCursor = typeof ctx.body['cursor'] === 'string' ? ctx.body['cursor'] : '';
  const cursor = rawCursor ? decodeCursor(rawCursor, isBatchCursor) : undefined;
  if (rawCursor && !cursor) {
    return fail(ERR.invalidParam, 'invalid cursor');
  }
  if (!users.some((u) => ctx.state.reps.has(u))) {
    return fail(ERR.userNotFound, 'invalid userid');
  }

  const page: Array<{ u: number; relation: FollowRelation }> = [];
  let more = false;
  for (let u = cursor?.u ?? 0; u < users.length && !more; u++) {
    const relations = [...ctx.state.relations.values()]
      .filter((r) => r.userid === users[u])
      .sort((a, b) => compare(a.external_userid, b.external_userid));
    for (const relation of relations) {
      if (cursor && u === cursor.u && compare(relation.external_userid, cursor.e) <= 0) {
        continue;
      }
      if (page.length === limit) {
        more = true;
        break;
      }
      page.push({ u, relation });
    }
  }
  const last = page[page.length - 1];
  return ok({
    external_contact_list: page.flatMap(({ relation }) => {
      const contact = ctx.state.contacts.get(relation.external_userid);
      return contact ? [{ external_contact: contactView(contact), follow_info: followInfoView(relation) }] : [];
    }),
    next_cursor: more && last ? encodeCursor({ u: last.u, e: last.relation.external_userid }) : '',
  });
}

export const externalContactRoutes: ApiRoute[] = [
  { path: '/cgi-bin/externalcontact/get_follow_user_list', auth: true, handler: getFollowUserList },
  { path: '/cgi-bin/externalcontact/list', auth: true, handler: list },
  { path: '/cgi-bin/externalcontact/get', auth: true, handler: get },
  { path: '/cgi-bin/externalcontact/batch/get_by_user', auth: true, handler: batchGetByUser },
];
