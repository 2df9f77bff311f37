import { describe, expect, it } from 'vitest';
import type { TierTagIds } from '../../src/adapters/wecom-api/tier-tags.ts';
import { DAY_MS, type Tier } from '../../src/domain/tiers/policy.ts';
import { API_TOKEN, playSandbox, useStoryFenji, type InProcessFenji } from '../helpers/in-process-fenji.ts';

const HOUR = 3_600_000;
const REP = 'zhangwei';
/** Monday 2026-01-05 10:00 in Shanghai. */
const T0 = Date.UTC(2026, 0, 5, 2);

/**
 * Issue 3's "done when", end to end: WeCom (the sandbox) → callbacks → Fenji's workers →
 * tiers in Redis → tier tags back in WeCom, with a clock the test moves. Each step checks
 * the stored tier and the tag the rep sees on the relation in the sandbox.
 */
describe('a customer through the tiers, and the tag in the rep’s WeCom client following', () => {
  let fenji: InProcessFenji;
  let tags: TierTagIds;
  useStoryFenji({ name: 'tier story', start: T0, rep: { userid: REP, name: '张伟' } }, (f) => (fenji = f));

  const control = async (action: string, body: object, skip: string[] = []): Promise<void> => {
    await playSandbox(fenji, action, body, skip);
  };
  const say = (id: string, text: string) => control('simulate/customer-message', { external_userid: id, text });
  const stored = async (id: string) => (await fenji.container.store.get(id))!;
  const wecomTierTags = (id: string, userid = REP) =>
    fenji.sandbox.state.relation(userid, id)!.tag_ids.filter((t) => Object.values(tags.tags).includes(t));
  const markTags = () => fenji.sandbox.calls.count('externalcontact/mark_tag');

  async function expectTier(id: string, tier: Tier, reason?: RegExp): Promise<void> {
    const { tier: t } = await stored(id);
    expect(t?.tier, `${id} tier (${t?.reasons.join('; ')})`).toBe(tier);
    if (reason) expect(t!.reasons.join('; ')).toMatch(reason);
    expect(wecomTierTags(id), `${id}'s tier tag in WeCom`).toEqual([tags.tags[tier]]);
  }

  it('added: C, and the relation carries the C tag (group and tags created in WeCom)', async () => {
    await control('simulate/add-contact', { userid: REP, name: '王芳', external_userid: 'wmStory' });
    tags = await fenji.container.tierTags.ids();
    expect(fenji.sandbox.state.tagGroups.find((g) => g.group_name === '客户分级')!.tags.map((t) => t.name))
      .toEqual(['A 成交', 'B 种子', 'C 潜在', 'D 沉默']);
    await expectTier('wmStory', 'C', /新添加/);
  });

  it('writes three times: B', async () => {
    for (const text of ['你好', '在吗', '想了解一下']) {
      fenji.clock.advance(HOUR);
      await say('wmStory', text);
    }
    await expectTier('wmStory', 'B', /3 条消息\/14天/);
  });

  it('asks for a price: still B, with that reason, and no needless mark_tag', async () => {
    const before = markTags();
    fenji.clock.advance(HOUR);
    await say('wmStory', '这个多少钱？');
    await expectTier('wmStory', 'B', /提到'多少钱'/);
    expect(markTags()).toBe(before);
  });

  it('buys: A; a remark edit while the A tag is still queued is not taken for the rep tagging B', async () => {
    // mark_tag makes no callback, so Fenji records the tags it set itself; otherwise the
    // B tag it put on would look newly added by this edit, against a stored A: an override.
    const outbound = fenji.container.queues.wecomOutbound;
    await outbound.pause();
    fenji.clock.advance(HOUR);
    const res = await fetch(`${fenji.url}/api/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ order_id: 'SO-1', external_userid: 'wmStory', amount: 1280, paid_at: new Date(fenji.clock.now()).toISOString() }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    await control('simulate/edit-tags', { userid: REP, external_userid: 'wmStory', remark: '王芳-老客户' }, [outbound.name]);
    const record = await stored('wmStory');
    expect(record.tier).toMatchObject({ tier: 'A', source: 'rules' });
    expect(record.override).toBeNull();
    expect(record.contact.follows[0]!.remark).toBe('王芳-老客户');
    expect(wecomTierTags('wmStory')).toEqual([tags.tags.B]);

    await outbound.resume();
    await fenji.settled();
    await expectTier('wmStory', 'A', /成交订单/);
  });

  it('a B customer who goes quiet falls to C, then D, with no new event', async () => {
    await control('simulate/add-contact', { userid: REP, name: '李雷', external_userid: 'wmQuiet' });
    for (const text of ['你好', '有资料吗', '谢谢']) {
      fenji.clock.advance(HOUR);
      await say('wmQuiet', text);
    }
    await expectTier('wmQuiet', 'B');
    const seen: Tier[] = ['B'];
    const callbacksBefore = fenji.sandbox.calls.list({ path: 'kf/sync_msg' }).length;
    const lastWord = fenji.clock.now();
    for (let review = 0; seen.at(-1) !== 'D'; review++) {
      expect(review, 'reviews before D').toBeLessThan(8);
      const next = (await stored('wmQuiet')).tier!.nextReviewAt;
      expect(next, `a ${seen.at(-1)} contact has a review time`).not.toBeNull();
      fenji.clock.set(next! + 1);
      await fenji.runDueJob();
      const { tier } = await stored('wmQuiet');
      if (tier!.tier !== seen.at(-1)) {
        seen.push(tier!.tier);
        await expectTier('wmQuiet', tier!.tier);
      }
    }
    expect(seen).toEqual(['B', 'C', 'D']);
    expect((fenji.clock.now() - lastWord) / DAY_MS).toBeGreaterThan(30);
    expect(fenji.sandbox.calls.list({ path: 'kf/sync_msg' }).length).toBe(callbacksBefore);
  });

  it('a customer who deletes the rep is churned and D', async () => {
    await control('simulate/add-contact', { userid: REP, name: '韩梅', external_userid: 'wmLeaver' });
    await expectTier('wmLeaver', 'C');
    fenji.clock.advance(HOUR);
    await control('simulate/customer-deletes-rep', { userid: REP, external_userid: 'wmLeaver' });
    const record = await stored('wmLeaver');
    expect(record.tier).toMatchObject({ tier: 'D', lifecycle: 'churned' });
    expect(record.engagement.customerLeft).toBe(true);
    expect(record.contact.follows[0]!.status).toBe('removed_by_customer');
  });

  it('a rep who changes the tier tag in the client has made an override: it sticks, Fenji does not tag back', async () => {
    fenji.clock.advance(HOUR);
    const before = markTags();
    await control('simulate/edit-tags', { userid: REP, external_userid: 'wmStory', add_tag: ['C 潜在'], remove_tag: ['A 成交'] });
    let record = await stored('wmStory');
    expect(record.tier).toMatchObject({ tier: 'C', source: 'override' });
    expect(record.override).not.toBeNull();
    expect(wecomTierTags('wmStory')).toEqual([tags.tags.C]);

    // New facts and time do not move it back, and Fenji never calls mark_tag on it.
    fenji.clock.advance(HOUR);
    await say('wmStory', '多少钱？');
    fenji.clock.advance(2 * DAY_MS);
    await fenji.runDueJob();
    record = await stored('wmStory');
    expect(record.tier).toMatchObject({ tier: 'C', source: 'override' });
    expect(wecomTierTags('wmStory')).toEqual([tags.tags.C]);
    expect(markTags()).toBe(before);
  });
});
