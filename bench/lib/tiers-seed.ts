import type { Redis } from 'ioredis';
import { encodeEntry } from '../../src/adapters/redis/contact-store/codec.ts';
import { runCommits, type Commit } from '../../src/adapters/redis/contact-store/commit.ts';
import { withContact, withInteractionFact, withOrderFact } from '../../src/adapters/redis/contact-store/entries.ts';
import { historyOp, indexChanges, indexedState } from '../../src/adapters/redis/contact-store/indexes.ts';
import type { RedisKeys } from '../../src/adapters/redis/keys.ts';
import type { Contact, FollowRelation, Interaction, Order } from '../../src/domain/contacts/contact.ts';
import { decideTier } from '../../src/domain/tiers/reevaluate-tier.ts';
import { DAY_MS, type TierPolicy } from '../../src/domain/tiers/policy.ts';

/**
 * Synthetic contacts for the tiers bench, written exactly as RedisContactStore writes them
 * (same entry steps, codec, index writes and commit script), but pipelined in batches
 * instead of one read + commit per fact. Deterministic for a given index.
 *
 * The shape, per contact: a WeChat-style 32-char external_userid; a 2-3 character name;
 * 1 follow relation (75 %) or 2, each with a 32-char tag id half the time, a remark 40 %
 * and a channel state 30 % of the time, among 500 reps; 0-10 facts in the last 60 days
 * (40 % none), 10 % of customer messages with an intent keyword; 12 % buyers with 1-3
 * orders; an avatar URL (~110 chars) for WeChat users when `avatars` is on; a region in
 * 20 % of profiles; and the tier decided at `seedAt`, with its first history entry.
 */
export interface SeedShape {
  avatars: boolean;
  seedAt: number;
}

const CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HAN = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂';

/** mulberry32: a tiny seeded PRNG, so a given contact index always looks the same. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function text(r: () => number, alphabet: string, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[Math.floor(r() * alphabet.length)];
  return s;
}

export function contactId(index: number): string {
  return `wm${text(rng(index * 7919 + 1), CHARS, 22)}${index.toString(36).padStart(8, '0')}`;
}

export const REPS = Array.from({ length: 500 }, (_, k) => `${text(rng(k + 1e6), CHARS.slice(0, 26), 6)}${String(k).padStart(4, '0')}`);
const TAGS = Array.from({ length: 50 }, (_, k) => `et${text(rng(k + 2e6), CHARS, 30)}`);

/** One synthetic contact and its facts. */
export function syntheticContact(index: number, shape: SeedShape, keywords: readonly string[]): { contact: Contact; interactions: Interaction[]; orders: Order[] } {
  const r = rng(index + 1);
  const id = contactId(index);
  const addedAt = shape.seedAt - Math.floor(r() * 400 * DAY_MS);
  const followCount = r() < 0.75 ? 1 : 2;
  const follows: FollowRelation[] = [];
  for (let k = 0; k < followCount; k++) {
    follows.push({
      userId: REPS[Math.floor(r() * REPS.length)]!,
      addedAt: addedAt + k * DAY_MS,
      addWay: [1, 2, 3, 201, 202][Math.floor(r() * 5)]!,
      tagIds: r() < 0.5 ? [TAGS[Math.floor(r() * TAGS.length)]!] : [],
      status: r() < 0.95 ? 'active' : 'removed_by_customer',
      changedAt: addedAt + k * DAY_MS,
      ...(r() < 0.4 ? { remark: `${text(r, HAN, 2)}-展会` } : {}),
      ...(r() < 0.3 ? { state: `ch_${Math.floor(r() * 200)}` } : {}),
    });
  }
  const type = r() < 0.9 ? 1 : 2;
  const contact: Contact = {
    externalUserId: id,
    name: text(r, HAN, 2 + Math.floor(r() * 2)),
    type,
    gender: (['unknown', 'male', 'female'] as const)[Math.floor(r() * 3)]!,
    ...(type === 2 ? { corpName: `${text(r, HAN, 4)}有限公司` } : {}),
    ...(type === 1 && shape.avatars ? { avatar: `https://wx.qlogo.cn/mmhead/${text(r, CHARS, 80)}/0` } : {}),
    follows,
    profile: r() < 0.2 ? { region: '杭州' } : {},
    createdAt: addedAt,
    updatedAt: addedAt,
  };
  const roll = r();
  const factCount = roll < 0.4 ? 0 : roll < 0.7 ? 1 + Math.floor(r() * 2) : roll < 0.9 ? 3 + Math.floor(r() * 3) : 6 + Math.floor(r() * 5);
  const interactions: Interaction[] = [];
  for (let k = 0; k < factCount; k++) {
    const at = Math.max(addedAt, shape.seedAt - Math.floor(r() * 60 * DAY_MS));
    const outbound = r() < 0.2;
    interactions.push({
      id: `msg-${index}-${k}`, externalUserId: id, at, channel: outbound ? 'push' : 'message', direction: outbound ? 'outbound' : 'inbound',
      ...(!outbound && r() < 0.1 ? { text: `请问${keywords[Math.floor(r() * keywords.length)]}？` } : {}),
    });
  }
  const orders: Order[] = [];
  if (r() < 0.12) {
    const n = 1 + Math.floor(r() * 3);
    for (let k = 0; k < n; k++) {
      orders.push({ orderId: `o${index.toString(36)}-${k}`, externalUserId: id, amount: Math.round(r() * 100_000) / 100, profit: Math.round(r() * 20_000) / 100, paidAt: shape.seedAt - Math.floor(r() * 500 * DAY_MS) });
    }
  }
  return { contact, interactions, orders };
}

/** Writes contacts [from, to) in one pipeline; resolves when Redis has answered all of it. */
export async function seedBatch(
  redis: Redis,
  keys: RedisKeys,
  deps: { policy: TierPolicy; timeZone: string },
  shape: SeedShape,
  from: number,
  to: number,
): Promise<void> {
  const commits: Commit[] = [];
  const orderIds = redis.pipeline();
  for (let i = from; i < to; i++) {
    const { contact, interactions, orders } = syntheticContact(i, shape, deps.policy.seed.intentKeywords);
    let entry = withContact(null, contact);
    for (const interaction of interactions) entry = withInteractionFact(entry, interaction, deps.policy.seed.intentKeywords);
    for (const order of orders) entry = withOrderFact(entry, order);
    const id = contact.externalUserId;
    const { stored, change } = decideTier({ externalUserId: id, ...entry.record }, deps, shape.seedAt);
    const tiered = { ...entry, record: { ...entry.record, tier: stored } };
    const ops = indexChanges(keys, id, null, indexedState(tiered.record));
    if (change) ops.push(historyOp(keys, change));
    commits.push({ key: keys.contact(id), expected: null, next: encodeEntry(tiered), ops });
    if (orders.length > 0) orderIds.sadd(keys.contactOrders(id), ...orders.map((o) => o.orderId));
  }
  const [results, replies] = await Promise.all([runCommits(redis, commits), orderIds.exec()]);
  const failed = results.findIndex((r) => r !== 'ok');
  if (failed >= 0) throw new Error(`seeding ${commits[failed]!.key} failed: ${results[failed]}`);
  const error = (replies ?? []).find(([err]) => err);
  if (error) throw error[0]!;
}
