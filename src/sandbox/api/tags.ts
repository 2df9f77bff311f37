import { newTagId } from '../ids.ts';
import type { TagGroup } from '../types.ts';
import { int, str, strList } from './params.ts';
import { ERR, fail, ok, type ApiContext, type ApiResult, type ApiRoute } from './types.ts';

/** WeCom's cap on enterprise tags per corp (docs/wecom/api.md, 'Corp tags'). */
const MAX_CORP_TAGS = 3000;
const MAX_TAG_NAME = 30;

function groupView(group: TagGroup, tagIds?: Set<string>): Record<string, unknown> {
  return {
    group_id: group.group_id,
    group_name: group.group_name,
    create_time: group.create_time,
    order: group.order,
    deleted: false,
    tag: group.tags
      .filter((t) => !tagIds || tagIds.has(t.id))
      .map((t) => ({ id: t.id, name: t.name, create_time: t.create_time, order: t.order, deleted: false })),
  };
}

/** POST externalcontact/get_corp_tag_list {tag_id?, group_id?}: group_id wins when both are given. */
function getCorpTagList(ctx: ApiContext): ApiResult {
  const groupIds = strList(ctx.body, 'group_id');
  const tagIds = strList(ctx.body, 'tag_id');
  if (groupIds.length > 0) {
    const wanted = new Set(groupIds);
    return ok({ tag_group: ctx.state.tagGroups.filter((g) => wanted.has(g.group_id)).map((g) => groupView(g)) });
  }
  if (tagIds.length > 0) {
    const wanted = new Set(tagIds);
    const groups = ctx.state.tagGroups.filter((g) => g.tags.some((t) => wanted.has(t.id)));
    return ok({ tag_group: groups.map((g) => groupView(g, wanted)) });
  }
  return ok({ tag_group: ctx.state.tagGroups.map((g) => groupView(g)) });
}

/**
 * POST externalcontact/add_corp_tag {group_id? | group_name?, order?, tag:[{name, order?}]}.
 * An existing group_name extends that group; a name already in the group is created once.
 */
function addCorpTag(ctx: ApiContext): ApiResult {
  const rawTags = Array.isArray(ctx.body['tag']) ? ctx.body['tag'] : [];
  const tags = rawTags.flatMap((t) => {
    const entry = t !== null && typeof t === 'object' ? (t as Record<string, unknown>) : {};
    const name = str(entry, 'name');
    return name ? [{ name, order: int(entry, 'order') ?? 0 }] : [];
  });
  if (tags.length === 0) {
    return fail(ERR.invalidParam, 'tag must hold at least one {name}');
  }
  if (tags.some((t) => [...t.name].length > MAX_TAG_NAME)) {
    return fail(ERR.invalidParam, `tag name longer than ${MAX_TAG_NAME} characters`);
  }
  const groupId = str(ctx.body, 'group_id');
  const groupName = str(ctx.body, 'group_name');
  const now = ctx.state.nowSeconds();
  let group = groupId
    ? ctx.state.tagGroups.find((g) => g.group_id === groupId)
    : ctx.state.tagGroups.find((g) => g.group_name === groupName);
  if (groupId && !group) {
    return fail(ERR.invalidTagId, 'invalid group_id');
  }
  const fresh = tags.filter((t) => !group?.tags.some((existing) => existing.name === t.name));
  const total = ctx.state.tagGroups.reduce((n, g) => n + g.tags.length, 0);
  if (total + fresh.length > MAX_CORP_TAGS) {
    return fail(ERR.tagLimit, `corp tag limit ${MAX_CORP_TAGS} reached`);
  }
  if (!group) {
    if (!groupName) {
      return fail(ERR.invalidParam, 'group_id or group_name required');
    }
    group = { group_id: newTagId(), group_name: groupName, create_time: now, order: int(ctx.body, 'order') ?? 0, tags: [] };
    ctx.state.tagGroups.push(group);
  }
  for (const t of fresh) {
    group.tags.push({ id: newTagId(), name: t.name, create_time: now, order: t.order });
  }
  // The answer lists the requested tags, ones that already existed included.
  const requested = new Set(tags.map((t) => t.name));
  const view = groupView(group);
  view['tag'] = (view['tag'] as Array<{ name: string }>).filter((t) => requested.has(t.name));
  return ok({ tag_group: view });
}

/**
 * POST externalcontact/mark_tag {userid, external_userid, add_tag[], remove_tag[]}.
 * Tags live on the (rep, customer) relation. No callback is sent: WeCom does not call
 * back for changes made through the API (docs/wecom/api.md, 'Corp tags').
 */
function markTag(ctx: ApiContext): ApiResult {
  const userid = str(ctx.body, 'userid');
  const externalUserId = str(ctx.body, 'external_userid');
  const add = strList(ctx.body, 'add_tag');
  const remove = strList(ctx.body, 'remove_tag');
  if (!userid || !ctx.state.reps.has(userid)) {
    return fail(ERR.userNotFound, 'invalid userid');
  }
  if (!externalUserId || !ctx.state.contacts.has(externalUserId)) {
    return fail(ERR.invalidExternalUserId, 'invalid external userid');
  }
  if (add.length === 0 && remove.length === 0) {
    return fail(ERR.invalidParam, 'add_tag and remove_tag are both empty');
  }
  const relation = ctx.state.relation(userid, externalUserId);
  if (!relation) {
    return fail(ERR.noRelation, 'not external contact');
  }
  if ([...add, ...remove].some((id) => !ctx.state.findTag(id))) {
    return fail(ERR.invalidTagId, 'invalid tagid');
  }
  const removed = new Set(remove);
  const next = relation.tag_ids.filter((id) => !removed.has(id));
  for (const id of add) {
    if (!next.includes(id)) {
      next.push(id);
    }
  }
  relation.tag_ids = next;
  return ok();
}

export const tagRoutes: ApiRoute[] = [
  { path: '/cgi-bin/externalcontact/get_corp_tag_list', auth: true, handler: getCorpTagList },
  { path: '/cgi-bin/externalcontact/add_corp_tag', auth: true, handler: addCorpTag },
  { path: '/cgi-bin/externalcontact/mark_tag', auth: true, handler: markTag },
];
