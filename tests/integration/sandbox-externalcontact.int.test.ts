import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callWeCom, fetchToken } from '../../src/sandbox/client.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts';

// Customer lists, details, batch paging, corp tags and mark_tag's rules.

let sandbox: Sandbox;
let token: string;

async function restart(options: Parameters<typeof startSandbox>[0] = {}): Promise<void> {
  await sandbox?.close();
  sandbox = await startSandbox(options);
  token = await fetchToken(sandbox.url);
}

beforeEach(() => restart());
afterEach(() => sandbox.close());

const api = (path: string, body?: unknown, query?: Record<string, string>) =>
  callWeCom(sandbox.url, path, { token, ...(body === undefined ? {} : { body }), ...(query ? { query } : {}) });

function seedBasic() {
  return sandbox.state.seed({
    reps: [
      { userid: 'zhangwei', name: '张伟' },
      { userid: 'liqiang', name: '李强' },
    ],
    tagGroups: [{ group_name: '客户等级', tags: ['A', 'B'] }],
    contacts: [
      { name: '李娜', external_userid: 'wm-lina', gender: 2, follow: ['zhangwei', { userid: 'liqiang', remark: '老客户' }] },
      { name: '王芳', external_userid: 'wm-wangfang' },
    ],
  });
}

describe('customer lists and details', () => {
  it('lists follow users, a rep customers, and answers 84061 for a rep without customers', async () => {
    seedBasic();
    expect((await api('externalcontact/get_follow_user_list')).follow_user).toEqual(['zhangwei', 'liqiang']);
    expect(await api('externalcontact/list', undefined, { userid: 'zhangwei' })).toMatchObject({ errcode: 0, external_userid: ['wm-lina'] });
    sandbox.state.upsertRep({ userid: 'newbie', name: '新人' });
    expect((await api('externalcontact/list', undefined, { userid: 'newbie' })).errcode).toBe(84061);
    expect((await api('externalcontact/list', undefined, { userid: 'ghost' })).errcode).toBe(60111);
  });

  it('returns a customer with every follow relation and resolved tags; 40096 for unknown ids', async () => {
    const seeded = seedBasic();
    const tagA = seeded.tagGroups[0]!.tags[0]!.id;
    sandbox.state.relation('zhangwei', 'wm-lina')!.tag_ids.push(tagA);
    const answer = await api('externalcontact/get', undefined, { external_userid: 'wm-lina' });
    expect(answer).toMatchObject({ errcode: 0, external_contact: { external_userid: 'wm-lina', name: '李娜', gender: 2, type: 1 } });
    const follow = answer['follow_user'] as Array<{ userid: string; remark: string; tags: unknown[] }>;
    expect(follow.map((f) => f.userid).sort()).toEqual(['liqiang', 'zhangwei']);
    expect(follow.find((f) => f.userid === 'zhangwei')!.tags).toEqual([{ group_name: '客户等级', tag_name: 'A', tag_id: tagA, type: 1 }]);
    expect(follow.find((f) => f.userid === 'liqiang')!.remark).toBe('老客户');
    expect((await api('externalcontact/get', undefined, { external_userid: 'wm-nobody' })).errcode).toBe(40096);
  });
});

describe('batch/get_by_user paging', () => {
  it('returns each (customer, rep) pair exactly once over >100 relations', async () => {
    sandbox.state.seed({
      reps: [{ userid: 'zhangwei', name: '张伟' }, { userid: 'liqiang', name: '李强' }],
      contacts: Array.from({ length: 130 }, (_, i) => ({
        name: `客户${i}`,
        external_userid: `wm${String(i).padStart(4, '0')}`,
        follow: i % 2 === 0 ? ['zhangwei', 'liqiang'] : ['zhangwei'],
      })),
    });
    const seen: string[] = [];
    let cursor = '';
    let pages = 0;
    do {
      const answer = await api('externalcontact/batch/get_by_user', { userid_list: ['zhangwei', 'liqiang'], cursor, limit: 100 });
      expect(answer.errcode).toBe(0);
      const items = answer['external_contact_list'] as Array<{ external_contact: { external_userid: string }; follow_info: { userid: string } }>;
      expect(items.length).toBeLessThanOrEqual(100);
      seen.push(...items.map((i) => `${i.follow_info.userid}/${i.external_contact.external_userid}`));
      cursor = answer['next_cursor'] as string;
      pages += 1;
    } while (cursor !== '' && pages < 10);
    expect(pages).toBe(2); // 130 + 65 = 195 pairs
    expect(seen).toHaveLength(195);
    expect(new Set(seen).size).toBe(195);
  });

  it('rejects limit > 100 and a forged cursor with 40058', async () => {
    seedBasic();
    expect((await api('externalcontact/batch/get_by_user', { userid_list: ['zhangwei'], limit: 101 })).errcode).toBe(40058);
    expect((await api('externalcontact/batch/get_by_user', { userid_list: ['zhangwei'], cursor: 'garbage' })).errcode).toBe(40058);
  });
});

describe('corp tags', () => {
  it('adds tags to a new group, reuses names, and lists them', async () => {
    const added = await api('externalcontact/add_corp_tag', { group_name: '意向', tag: [{ name: '高' }, { name: '低' }] });
    expect(added.errcode).toBe(0);
    const group = added['tag_group'] as { group_id: string; tag: Array<{ id: string; name: string }> };
    expect(group.group_id).toMatch(/^et/);
    expect(group.tag.map((t) => t.name)).toEqual(['高', '低']);
    const again = await api('externalcontact/add_corp_tag', { group_name: '意向', tag: [{ name: '高' }] });
    expect((again['tag_group'] as typeof group).tag[0]!.id).toBe(group.tag[0]!.id);
    const listed = await api('externalcontact/get_corp_tag_list', {});
    expect(listed['tag_group']).toHaveLength(1);
    expect((await api('externalcontact/add_corp_tag', { group_id: 'etnope', tag: [{ name: 'x' }] })).errcode).toBe(40068);
  });
});

describe('mark_tag', () => {
  it('tags a follow relation; 84061 without a relation, 40096 for an unknown customer', async () => {
    const seeded = seedBasic();
    const [tagA, tagB] = seeded.tagGroups[0]!.tags.map((t) => t.id);
    const ok = await api('externalcontact/mark_tag', { userid: 'zhangwei', external_userid: 'wm-lina', add_tag: [tagA, tagB] });
    expect(ok.errcode).toBe(0);
    expect(sandbox.state.relation('zhangwei', 'wm-lina')!.tag_ids).toEqual([tagA, tagB]);
    await api('externalcontact/mark_tag', { userid: 'zhangwei', external_userid: 'wm-lina', remove_tag: [tagA] });
    expect(sandbox.state.relation('zhangwei', 'wm-lina')!.tag_ids).toEqual([tagB]);
    const noRelation = await api('externalcontact/mark_tag', { userid: 'zhangwei', external_userid: 'wm-wangfang', add_tag: [tagA] });
    expect(noRelation.errcode).toBe(84061);
    const unknown = await api('externalcontact/mark_tag', { userid: 'zhangwei', external_userid: 'wm-ghost', add_tag: [tagA] });
    expect(unknown.errcode).toBe(40096);
    expect((await api('externalcontact/mark_tag', { userid: 'zhangwei', external_userid: 'wm-lina', add_tag: ['etnope'] })).errcode).toBe(40068);
  });

  it('refuses a 6th concurrent call with 45033 and frees slots afterwards', async () => {
    await restart({ latencyMs: { 'externalcontact/mark_tag': 200 } });
    const seeded = seedBasic();
    const tagA = seeded.tagGroups[0]!.tags[0]!.id;
    const body = { userid: 'zhangwei', external_userid: 'wm-lina', add_tag: [tagA] };
    const codes = (await Promise.all(Array.from({ length: 6 }, () => api('externalcontact/mark_tag', body)))).map((a) => a.errcode);
    expect(codes.filter((c) => c === 0).length).toBeLessThanOrEqual(5);
    expect(codes.filter((c) => c === 45033).length).toBeGreaterThanOrEqual(1);
    expect(codes.every((c) => c === 0 || c === 45033)).toBe(true);
    expect((await api('externalcontact/mark_tag', body)).errcode).toBe(0);
  });
});
