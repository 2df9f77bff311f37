import { describe, expect, it } from 'vitest';
import type { Tier } from '../tiers/policy.ts';
import { answerMessage, type BotDeps } from './answer-message.ts';
import { commandRegistry, type BotCommand } from './command-registry.ts';
import { helpCommand } from './commands/help.ts';
import { tiersCommand } from './commands/tiers.ts';
import type { PendingChoice } from './ports.ts';
import { TEXTS } from './texts.ts';
import { FakeBotArchive, testOutlook } from '../../../tests/helpers/bot-fakes.ts';

const COUNTS: Record<string, Record<Tier, number>> = {
  corp: { A: 3, B: 5, C: 7, D: 11 },
  zhangwei: { A: 1, B: 2, C: 0, D: 4 },
  lisi: { A: 2, B: 3, C: 7, D: 7 },
};

/** A command that offers a numbered list of the asking rep's customers, to exercise choices. */
const pickCommand: BotCommand<'who'> = {
  id: 'who',
  roles: ['manager', 'rep'],
  run: (ctx, args) => Promise.resolve({ text: `${args.name}?`, choice: { command: 'who', options: [{ label: `${args.name}(${ctx.scope.kind})`, value: `${ctx.member.userId}:1` }] } }),
  choose: (ctx, value) => Promise.resolve({ text: `picked ${value} in ${ctx.scope.kind === 'rep' ? ctx.scope.rep : 'corp'}` }),
};

function deps(over: Partial<BotDeps> = {}): BotDeps {
  const choices = new Map<string, PendingChoice>();
  const seen = new Map<string, string[]>();
  const archive = new FakeBotArchive([]);
  return {
    commands: commandRegistry([helpCommand, tiersCommand, pickCommand]),
    managers: new Set(['boss']),
    reads: {
      tierCounts: (rep) => Promise.resolve(COUNTS[rep ?? 'corp'] ?? { A: 0, B: 0, C: 0, D: 0 }),
      hasCustomers: (u) => Promise.resolve(u === 'zhangwei' || u === 'lisi'),
    },
    customers: archive.finder,
    outlook: testOutlook(),
    writes: archive.writes,
    choices: { put: (u, c) => { choices.set(u, c); return Promise.resolve(); }, get: (u) => Promise.resolve(choices.get(u) ?? null) },
    rate: {
      position: (u, id) => {
        const list = seen.get(u) ?? [];
        if (!list.includes(id)) list.push(id);
        seen.set(u, list);
        return Promise.resolve(list.indexOf(id) + 1);
      },
    },
    maxPerMinute: 3,
    ...over,
  };
}

let n = 0;
const msg = (userId: string, text: string, messageId = String(++n)) => ({ userId, text, messageId, at: 1_700_000_000_000 });

describe('answerMessage', () => {
  it('answers 帮助 per role and refuses a member without customers', async () => {
    const d = deps();
    const boss = await answerMessage(msg('boss', '帮助'), d);
    const rep = await answerMessage(msg('zhangwei', '/help'), d);
    expect(boss?.text).toContain('你是管理员');
    expect(boss?.text).toContain('分级 zhangwei');
    expect(rep?.text).toContain('自己名下');
    expect(rep?.text).not.toContain('分级 zhangwei');
    expect(await answerMessage(msg('stranger', '帮助'), d)).toEqual({ text: TEXTS.refusal });
  });

  it('scopes 分级 to the rep, refuses another rep\'s name without a number from it, lets a manager name anyone', async () => {
    const d = deps();
    expect((await answerMessage(msg('zhangwei', '分级'), d))?.text).toContain('共 7 位');
    const other = await answerMessage(msg('zhangwei', '分级 lisi'), d);
    expect(other).toEqual({ text: TEXTS.forbiddenScope });
    expect((await answerMessage(msg('boss', '分级 lisi'), d))?.text).toContain('lisi 名下的客户分级（共 19 位）');
    expect((await answerMessage(msg('boss', '分级'), d))?.text).toContain('全公司的客户分级（共 26 位）');
  });

  it('answers one flood message past the limit, then nothing; a retried message keeps its place', async () => {
    const d = deps();
    const answers = [];
    for (let i = 1; i <= 6; i++) answers.push(await answerMessage(msg('zhangwei', '帮助', `m${i}`), d));
    expect(answers.slice(0, 3).every((a) => a?.text.includes('分级'))).toBe(true);
    expect(answers[3]).toEqual({ text: TEXTS.flood });
    expect(answers.slice(4)).toEqual([null, null]);
    expect((await answerMessage(msg('zhangwei', '帮助', 'm2'), d))?.text).toContain('分级');
  });

  it('a bare number picks from the member\'s own pending list, in their own scope', async () => {
    const d = deps();
    expect(await answerMessage(msg('lisi', '1'), d)).toEqual({ text: TEXTS.noPendingChoice });
    await answerMessage(msg('zhangwei', '客户 张三'), d);
    expect(await answerMessage(msg('lisi', '1'), d)).toEqual({ text: TEXTS.noPendingChoice });
    expect(await answerMessage(msg('zhangwei', '1'), d)).toEqual({ text: 'picked zhangwei:1 in zhangwei' });
    expect((await answerMessage(msg('zhangwei', '2'), d))?.text).toBe('请回复 1 到 1 之间的数字。');
  });

  it('answers unknown words with a suggestion, unbuilt commands as coming, manager-only ones as such', async () => {
    const d = deps({ maxPerMinute: 20 });
    expect((await answerMessage(msg('zhangwei', '分组'), d))?.text).toContain('你是不是想用「分级」');
    expect((await answerMessage(msg('zhangwei', '<a href="x">点我</a>'), d))?.text).not.toMatch(/[<>]/);
    expect((await answerMessage(msg('zhangwei', '跟进'), d))?.text).toContain('「跟进」还在准备中');
    const reportOnly: BotCommand<'report'> = { id: 'report', roles: ['manager'], run: () => Promise.resolve({ text: 'r' }) };
    const withReport = deps({ commands: commandRegistry([helpCommand, reportOnly]) });
    expect((await answerMessage(msg('zhangwei', '报表'), withReport))?.text).toContain('只对管理员开放');
    expect((await answerMessage(msg('boss', '报表'), withReport))?.text).toBe('r');
    expect((await answerMessage(msg('zhangwei', '好'.repeat(10_000)), d))?.text).toContain('10000 字');
  });
});
