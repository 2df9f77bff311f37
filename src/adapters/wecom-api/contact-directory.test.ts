import { describe, expect, it } from 'vitest';
import { WeComContactDirectory, toContact, toFollowRelation } from './contact-directory.ts';
import type { GetExternalContactResponse } from '../../wecom/api.ts';
import { WeComApiError, WeComRateLimitedError } from '../../wecom/api-errors.ts';

const NOW = 1_700_000_000_000;

const response: GetExternalContactResponse = {
  external_contact: { external_userid: 'wmA', name: '李娜', type: 1, gender: 2, avatar: 'https://a/1.png', corp_name: '' },
  follow_user: [
    {
      userid: 'zhangwei', remark: '李总', createtime: 1_699_000_000, add_way: 1, state: 'expo2025',
      tags: [
        { group_name: '客户分级', tag_name: 'B 种子', tag_id: 'etB', type: 1 },
        { group_name: '个人', tag_name: '朋友', tag_id: 'stX', type: 2 },
      ],
    },
    { userid: 'wangfang', createtime: 1_699_000_100 },
  ],
  next_cursor: '',
};

describe('WeCom contact → domain Contact', () => {
  it('maps gender, times (s → ms), channel and enterprise tags only', () => {
    expect(toContact(response.external_contact, response.follow_user, NOW)).toEqual({
      externalUserId: 'wmA', name: '李娜', type: 1, gender: 'female', avatar: 'https://a/1.png',
      follows: [
        { userId: 'zhangwei', remark: '李总', addedAt: 1_699_000_000_000, addWay: 1, state: 'expo2025', tagIds: ['etB'], status: 'active', changedAt: 1_699_000_000_000 },
        { userId: 'wangfang', addedAt: 1_699_000_100_000, tagIds: [], status: 'active', changedAt: 1_699_000_100_000 },
      ],
      profile: {}, createdAt: NOW, updatedAt: NOW,
    });
    expect(toContact({ ...response.external_contact, gender: 0, type: 2 }, [], NOW)).toMatchObject({ gender: 'unknown', type: 2 });
  });

  it("maps batch/get_by_user's follow_info (bare enterprise tag ids) like follow_user", () => {
    expect(toFollowRelation({ userid: 'zhangwei', remark: '李总', createtime: 1_699_000_000, add_way: 1, state: 'expo2025', tag_id: ['etB', 'etC'] })).toEqual(
      { userId: 'zhangwei', remark: '李总', addedAt: 1_699_000_000_000, addWay: 1, state: 'expo2025', tagIds: ['etB', 'etC'], status: 'active', changedAt: 1_699_000_000_000 },
    );
    expect(toFollowRelation({ userid: 'lina', createtime: 1 }).tagIds).toEqual([]);
  });

  it('reads a gone relation (84061, 40096) as null, and lets other errors through', async () => {
    const failing = (err: Error) => new WeComContactDirectory({ getExternalContact: () => Promise.reject(err) }, { now: () => NOW });
    const details = (errcode: number) => ({ errcode, errmsg: 'x', path: '/cgi-bin/externalcontact/get' });
    expect(await failing(new WeComApiError(details(84061))).getContact('wmA')).toBeNull();
    expect(await failing(new WeComApiError(details(40096))).getContact('wmA')).toBeNull();
    await expect(failing(new WeComRateLimitedError(details(45009), 60_000)).getContact('wmA')).rejects.toBeInstanceOf(WeComRateLimitedError);
  });

  it('follows next_cursor for customers with many reps', async () => {
    const pages: Record<string, GetExternalContactResponse> = {
      '': { ...response, follow_user: [response.follow_user[0]!], next_cursor: 'p2' },
      p2: { ...response, follow_user: [response.follow_user[1]!], next_cursor: '' },
    };
    const directory = new WeComContactDirectory({ getExternalContact: async (_id, cursor) => pages[cursor ?? '']! }, { now: () => NOW });
    expect((await directory.getContact('wmA'))?.follows.map((f) => f.userId)).toEqual(['zhangwei', 'wangfang']);
  });
});
