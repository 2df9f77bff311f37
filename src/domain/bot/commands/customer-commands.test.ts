import { describe, expect, it } from 'vitest';
import { FakeBotArchive, testOutlook } from '../../../../tests/helpers/bot-fakes.ts';
import { followRelation, storedRecord, storedTier } from '../../../../tests/helpers/factories.ts';
import type { ContactRecord } from '../../ports.ts';
import { answerMessage, type BotDeps } from '../answer-message.ts';
import type { PendingChoice } from '../ports.ts';
import { TEXTS } from '../texts.ts';
import { botCommands } from './all.ts';
import { guessChannel } from './log.ts';

// 2026-03-10 12:00 in Shanghai. Tier B follows up every 3 days, C every 7 (tests/fixtures/tiers.test.jsonc).
const NOW = Date.UTC(2026, 2, 10, 4, 0);
const DAY = 86_400_000;

function customer(id: string, name: string, rep: string, tier: 'A' | 'B' | 'C', since: number, over: Partial<ContactRecord> = {}, remark?: string): ContactRecord {
  return storedRecord(id, since, storedTier(tier, since, { reasons: [`${name}的分级原因`] }), {
    name, follows: [followRelation(rep, since, remark ? { remark } : {})],
  }, over);
}

// 小张 (C since 7 days: due today) has a solar birthday today.
const XIAOZHANG = customer('wm-xz', '小张', 'zhangwei', 'C', NOW - 7 * DAY);
const ARCHIVE: ContactRecord[] = [
  customer('wm-zs', '张三', 'zhangwei', 'B', NOW - 10 * DAY),
  customer('wm-zsf', '张三丰', 'zhangwei', 'B', NOW - 2 * DAY),
  { ...XIAOZHANG, contact: { ...XIAOZHANG.contact, profile: { birthday: { calendar: 'solar', month: 3, day: 10 } } } },
  customer('wm-ls', '李四', 'lisi', 'B', NOW - 20 * DAY, {}, '秘密备注李总'),
  customer('wm-lz', '张丽', 'lisi', 'B', NOW - 20 * DAY),
];

function deps(archive: FakeBotArchive, repsMaySet = false): BotDeps {
  const choices = new Map<string, PendingChoice>();
  return {
    commands: botCommands({ repsMaySet }),
    managers: new Set(['boss']),
    reads: { tierCounts: () => Promise.resolve({ A: 0, B: 0, C: 0, D: 0 }), hasCustomers: (u) => Promise.resolve(u === 'zhangwei' || u === 'lisi') },
    customers: archive.finder,
    outlook: testOutlook(),
    writes: archive.writes,
    choices: { put: (u, c) => { choices.set(u, c); return Promise.resolve(); }, get: (u) => Promise.resolve(choices.get(u) ?? null) },
    rate: { position: () => Promise.resolve(1) },
    maxPerMinute: 100,
  };
}

let n = 0;
async function ask(d: BotDeps, userId: string, text: string, messageId = `m${++n}`): Promise<string> {
  return (await answerMessage({ userId, text, messageId, at: NOW }, d))?.text ?? '';
}

/** Nothing of lisi's customers: no name, remark or id. */
function expectNoLeak(text: string): void {
  for (const secret of ['李四', '秘密备注', '李总', 'wm-ls', '张丽', 'wm-lz']) expect(text).not.toContain(secret);
}

describe('客户', () => {
  it('shows one customer: tier and why, lifecycle, value, last contacts, next follow-up and greeting', async () => {
    const d = deps(new FakeBotArchive(ARCHIVE));
    const text = await ask(d, 'zhangwei', '客户 小张');
    expect(text).toContain('【小张】C 类客户');
    expect(text).toContain('小张的分级原因');
    expect(text).toContain('生命周期：潜在');
    expect(text).toContain('价值：低价值（还没有订单）');
    expect(text).toContain('下次跟进：今天到期');
    expect(text).toContain('下次问候：生日祝福 · 3月10日（今天）');
  });

  it('prefers the one exact name, gives a numbered choice for several, answered by number or 客户 n', async () => {
    const d = deps(new FakeBotArchive(ARCHIVE));
    expect(await ask(d, 'zhangwei', '客户 张三')).toContain('【张三】B 类客户');
    const list = await ask(d, 'zhangwei', '客户 张');
    expect(list).toMatch(/1\. .*\n2\. .*\n3\. /);
    expectNoLeak(list);
    const second = list.split('\n').find((l) => l.startsWith('2. '))!.slice(3).split(' · ')[0]!;
    expect(await ask(d, 'zhangwei', '2')).toContain(`【${second}】`);
    expect(await ask(d, 'zhangwei', '客户 2')).toContain(`【${second}】`);
  });

  it('tells a rep asking for another rep\'s customer exactly what it tells for nobody, by name, remark or number', async () => {
    const d = deps(new FakeBotArchive(ARCHIVE));
    const other = await ask(d, 'zhangwei', '客户 李四');
    const nobody = await ask(d, 'zhangwei', '客户 王五');
    expect(other.replace('李四', 'X')).toBe(nobody.replace('王五', 'X'));
    expect(await ask(d, 'zhangwei', '客户 秘密备注')).not.toContain('【');
    // lisi's list is lisi's: zhangwei's number answers from zhangwei's own (none here).
    await ask(d, 'lisi', '客户 李');
    expect(await ask(d, 'zhangwei', '1')).toBe(TEXTS.noPendingChoice);
    expect(await ask(d, 'boss', '客户 秘密备注')).toContain('【李四（秘密备注李总）】');
  });

  it.each(['*', "' OR 1=1", 'zs:*?[a]', '客'.repeat(900)])('answers %s helpfully and changes nothing', async (name) => {
    const archive = new FakeBotArchive(ARCHIVE);
    const d = deps(archive);
    const text = await ask(d, 'boss', `客户 ${name}`);
    expect(text).toMatch(/没有找到|请至少/);
    expect(await ask(d, 'boss', `记录 ${name.replace(/ /g, '')} 电话`)).toContain('没有记录');
    expect(archive.interactions).toEqual([]);
    expect(archive.overrides).toEqual([]);
  });
});

describe('名单', () => {
  it('lists a tier most overdue first, with reasons, numbered; a rep sees their own only', async () => {
    const d = deps(new FakeBotArchive(ARCHIVE));
    const rep = await ask(d, 'zhangwei', '名单 B');
    expect(rep).toContain('你名下的 B 类客户共 2 位');
    expect(rep.indexOf('1. 张三 · 跟进 已逾期 7 天')).toBeGreaterThan(0);
    expect(rep).toContain('2. 张三丰 · 跟进 3月11日（明天）');
    expect(rep).toContain('原因：张三的分级原因');
    expectNoLeak(rep);
    expect(await ask(d, 'zhangwei', '客户 1')).toContain('【张三】');
    expect(await ask(d, 'zhangwei', '名单 B lisi')).toBe(TEXTS.forbiddenScope);
    const corp = await ask(d, 'boss', '名单 B 2');
    expect(corp).toContain('全公司的 B 类客户共 4 位，最该跟进的 2 位');
    expect(corp).toMatch(/1\. (李四|张丽)/);
  });
});

describe('跟进', () => {
  it('gives a rep today\'s and overdue follow-ups and today\'s greetings; the corp counts per tier', async () => {
    const d = deps(new FakeBotArchive(ARCHIVE));
    const rep = await ask(d, 'zhangwei', '跟进');
    expect(rep).toContain('你名下今天要跟进 2 位客户（其中 1 位已逾期）');
    expect(rep).toContain('1. 张三 · B 类 · 已逾期 7 天');
    expect(rep).toContain('2. 小张 · C 类 · 今天到期');
    expect(rep).toContain('今天的问候 1 位');
    expect(rep).toContain('3. 小张 · C 类 · 生日祝福');
    expectNoLeak(rep);
    const corp = await ask(d, 'boss', '跟进');
    expect(corp).toContain('B 类：3 位（其中逾期 3 位）');
    expect(await ask(d, 'zhangwei', '跟进 lisi')).toBe(TEXTS.forbiddenScope);
  });
});

describe('记录', () => {
  it('records an offline contact once per message id, guessing the channel; it moves the follow-up', async () => {
    const archive = new FakeBotArchive(ARCHIVE);
    const d = deps(archive);
    const first = await ask(d, 'zhangwei', '记录 张三 上门拜访，下周报价', 'msg-1');
    expect(first).toContain('已记录：拜访 · 张三');
    expect(first).toContain('下次跟进：3月13日（3 天后）');
    expect(await ask(d, 'zhangwei', '记录 张三 上门拜访，下周报价', 'msg-1')).toContain('这条已经记录过了');
    expect(archive.interactions).toEqual(['bot-log-msg-1']);
    expect(await ask(d, 'zhangwei', '记录 李四 电话')).toContain('没有记录');
    expect(archive.interactions).toHaveLength(1);
  });

  it('asks which one when the name is ambiguous, and records the picked one', async () => {
    const archive = new FakeBotArchive(ARCHIVE);
    const d = deps(archive);
    expect(await ask(d, 'zhangwei', '记录 张三丰 电话沟通', 'msg-x')).toContain('已记录：电话沟通 · 张三丰');
    expect(await ask(d, 'zhangwei', '记录 张 发了微信')).toContain('这次沟通记在哪一位名下');
    expect(await ask(d, 'zhangwei', '1')).toContain('已记录：消息沟通');
    expect(archive.interactions).toHaveLength(2);
  });

  it.each([['电话沟通，下周报价', 'call'], ['上门拜访', 'visit'], ['发了微信报价单', 'message'], ['下周报价', 'call']] as const)('reads %s as %s', (note, channel) => {
    expect(guessChannel(note)).toBe(channel);
  });
});

describe('调级', () => {
  it('lets a manager set a tier with who, why and until; refuses reps unless configured, and then only their own', async () => {
    const archive = new FakeBotArchive(ARCHIVE);
    const d = deps(archive);
    const set = await ask(d, 'boss', '调级 李四 A 已签合同 至 2027-03-31');
    expect(set).toContain('已把 李四（秘密备注李总） 调为 A 类（原来是 B 类）');
    expect(set).toContain('调整人：boss；有效至 2027-03-31');
    expect(await ask(d, 'zhangwei', '调级 张三 A 已签合同')).toContain('只对管理员开放');
    expect(await ask(d, 'boss', '调级 张三 A 已签合同 至 2020-01-01')).toContain('已经过去了');
    const reps = deps(archive, true);
    expect(await ask(reps, 'zhangwei', '调级 张三 A 已签合同')).toContain('已把 张三 调为 A 类');
    const other = await ask(reps, 'zhangwei', '调级 李四 D 不联系了');
    expect(other).toContain('等级没有改动');
    expectNoLeak(other.replace('「李四」', ''));
    expect(archive.overrides).toEqual(['wm-ls:A:boss', 'wm-zs:A:zhangwei']);
  });
});
