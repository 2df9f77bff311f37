import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Tier } from '../../src/domain/tiers/policy.ts';
import { contactRecord, storedTier, tierChange } from '../helpers/factories.ts';
import { fakeClock, playSandbox, startInProcessFenji, type InProcessFenji } from '../helpers/in-process-fenji.ts';

// 报表 through the sandbox on a small archive whose numbers are known: two reps, six
// customers, one move this week, five orders (one buyer brings 1,000 of 1,400 yuan).

let fenji: InProcessFenji;
const T0 = Date.now();

const ARCHIVE: { id: string; rep: string; tier: Tier; order?: { amount: number; product: string; region?: string } }[] = [
  { id: 'c1', rep: 'zhangwei', tier: 'A', order: { amount: 1000, product: '年卡', region: '上海' } },
  { id: 'c2', rep: 'zhangwei', tier: 'A', order: { amount: 100, product: '月卡', region: '北京' } },
  { id: 'c3', rep: 'zhangwei', tier: 'B', order: { amount: 100, product: '月卡', region: '北京' } },
  { id: 'c4', rep: 'zhangwei', tier: 'B' },
  { id: 'c5', rep: 'lina', tier: 'B', order: { amount: 100, product: '月卡' } },
  { id: 'c6', rep: 'lina', tier: 'D', order: { amount: 100, product: '月卡' } },
];

beforeAll(async () => {
  fenji = await startInProcessFenji({ clock: fakeClock(T0), env: { FENJI_MANAGERS: 'boss' } });
  fenji.sandbox.state.seed({ reps: [{ userid: 'boss', name: '王总' }, { userid: 'zhangwei', name: '张伟' }, { userid: 'lina', name: '李娜' }] });
  const store = fenji.container.store;
  for (const c of ARCHIVE) {
    await store.upsertContact(contactRecord(c.id, T0, { reps: [c.rep] }));
    await store.saveTier(c.id, storedTier(c.tier, T0), tierChange(c.id, null, c.tier, T0));
    if (c.order) await store.addOrder({ orderId: `o-${c.id}`, externalUserId: c.id, ...c.order });
  }
  await store.saveTier('c4', storedTier('C', T0 + 1), tierChange('c4', 'B', 'C', T0 + 1));
});
afterAll(async () => fenji?.close());
beforeEach(() => fenji.clock.advance(61_000));

async function ask(userid: string, text: string): Promise<string> {
  const read = async () => ((await (await fetch(`${fenji.sandbox.url}/_sandbox/app-messages?userid=${userid}`)).json()) as { messages: { content: string | null }[] }).messages;
  const before = (await read()).length;
  await playSandbox(fenji, 'simulate/member-message', { userid, text });
  return (await read()).slice(before).map((m) => m.content ?? '').join('\n');
}

describe('报表 through the sandbox', () => {
  it('gives a manager the corp numbers of the archive', async () => {
    const text = await ask('boss', '报表');
    expect(text).toContain('一、客户分级（共 6 位）');
    expect(text).toMatch(/A 类：2 位（\+2）[\s\S]*B 类：2 位（\+2）[\s\S]*C 类：1 位（\+1）[\s\S]*D 类：1 位（\+1）/);
    expect(text).toContain('zhangwei：A 2，B 1，C 1，D 0');
    expect(text).toContain('lina：A 0，B 1，C 0，D 1');
    expect(text).toContain('B → C：1 位');
    expect(text).toContain('首次分级：6 位');
    expect(text).toContain('北京：2 单，200 元');
    expect(text).toContain('未填：2 单，200 元');
    expect(text).toContain('年卡：1 单，1,000 元');
    expect(text).toContain('月卡：4 单，400 元');
    expect(text).toContain('前 20% 的客户（1 / 5 位）贡献了 71.4% 的成交额');
    expect(text).toContain('最多 zhangwei 3 位，最少 lina 1 位');
    expect(text).toContain('· zhangwei 交给 lina 1 位');
  });

  it('gives a rep their own numbers and nothing about the other rep', async () => {
    const text = await ask('lina', '/report');
    expect(text).toContain('你名下的客户（共 2 位）');
    expect(text).toMatch(/B 类：1 位（\+1）[\s\S]*D 类：1 位（\+1）/);
    expect(text).toContain('首次分级：2 位');
    expect(text).not.toContain('B → C');
    expect(text).not.toContain('zhangwei');
    expect(text).not.toContain('年卡');
  });

  it('分级 shows the change of the week', async () => {
    const text = await ask('zhangwei', '分级');
    expect(text).toContain('你名下的客户分级（共 4 位）');
    expect(text).toContain('C 类：1 位（+1）');
  });
});
