import { describe, expect, it } from 'vitest';
import { MAX_INPUT_CHARS, parseCommand } from './parse-command.ts';

describe('parseCommand', () => {
  it.each([
    ['帮助', 'help'], ['/help', 'help'], ['help', 'help'], ['/HELP', 'help'], ['／ｈｅｌｐ', 'help'],
    ['分级', 'tiers'], ['/tiers', 'tiers'], ['跟进', 'todo'], ['/todo', 'todo'], ['报表', 'report'], ['/report', 'report'],
    ['报表 导出', 'export'], ['报表　导出', 'export'], ['报表导出', 'export'], ['/export', 'export'],
  ])('reads %j as %s', (text, command) => {
    expect(parseCommand(text)).toMatchObject({ kind: 'command', args: { command } });
  });

  it('tolerates a leading @mention, full-width spaces, WeCom\'s U+2005 and punctuation around the word', () => {
    for (const text of ['@Fenji 帮助', '＠分级助手\u2005帮助', '  帮助？ ', '「帮助」', '@a @b　帮助！', '\u3000/help!\n']) {
      expect(parseCommand(text), text).toEqual({ kind: 'command', args: { command: 'help' } });
    }
  });

  it('reads tier letters in either width and case, rep ids and numbers for 名单', () => {
    expect(parseCommand('名单 B')).toEqual({ kind: 'command', args: { command: 'list', tier: 'B' } });
    expect(parseCommand('名单 ｂ zhang.wei ２０')).toEqual({ kind: 'command', args: { command: 'list', tier: 'B', rep: 'zhang.wei', limit: 20 } });
    expect(parseCommand('名单Ａ 5')).toEqual({ kind: 'command', args: { command: 'list', tier: 'A', limit: 5 } });
    expect(parseCommand('/list c级')).toEqual({ kind: 'command', args: { command: 'list', tier: 'C' } });
    expect(parseCommand('名单 E')).toEqual({ kind: 'invalid', command: 'list', problem: 'tier_missing' });
    expect(parseCommand('名单 B 0')).toEqual({ kind: 'invalid', command: 'list', problem: 'limit_invalid' });
    expect(parseCommand('名单 B 张伟')).toEqual({ kind: 'invalid', command: 'list', problem: 'rep_invalid' });
    expect(parseCommand('分级 lisi')).toEqual({ kind: 'command', args: { command: 'tiers', rep: 'lisi' } });
  });

  it('keeps names and notes as typed (full-width punctuation inside a note stays)', () => {
    expect(parseCommand('客户 张三')).toEqual({ kind: 'command', args: { command: 'who', name: '张三' } });
    expect(parseCommand('客户张三？')).toEqual({ kind: 'command', args: { command: 'who', name: '张三' } });
    expect(parseCommand('记录 张三 电话沟通，下周报价')).toEqual({ kind: 'command', args: { command: 'log', name: '张三', note: '电话沟通，下周报价' } });
    expect(parseCommand('记录：张三 电话沟通')).toEqual({ kind: 'command', args: { command: 'log', name: '张三', note: '电话沟通' } });
    expect(parseCommand('记录 张三')).toEqual({ kind: 'invalid', command: 'log', problem: 'note_missing' });
    expect(parseCommand('客户')).toEqual({ kind: 'invalid', command: 'who', problem: 'name_missing' });
  });

  it('reads 调级 with an optional 至 date, glued or not, in either width', () => {
    expect(parseCommand('调级 张三 A 已签合同 至 2027-03-31')).toEqual({ kind: 'command', args: { command: 'set', name: '张三', tier: 'A', reason: '已签合同', until: '2027-03-31' } });
    expect(parseCommand('调级 张三 ａ 老客户 转介绍 至２０２７／３／１')).toEqual({ kind: 'command', args: { command: 'set', name: '张三', tier: 'A', reason: '老客户 转介绍', until: '2027-03-01' } });
    expect(parseCommand('调级 张三 B 降级观察')).toEqual({ kind: 'command', args: { command: 'set', name: '张三', tier: 'B', reason: '降级观察' } });
    expect(parseCommand('调级 张三 A 已签合同 至 2027-02-30')).toEqual({ kind: 'invalid', command: 'set', problem: 'date_invalid' });
    expect(parseCommand('调级 张三 A 至 2027-03-31')).toEqual({ kind: 'invalid', command: 'set', problem: 'reason_missing' });
    expect(parseCommand('调级 张三 已签合同')).toEqual({ kind: 'invalid', command: 'set', problem: 'tier_missing' });
  });

  it('reads a bare number, in either width, as a choice', () => {
    expect(parseCommand('2')).toEqual({ kind: 'choice', number: 2 });
    expect(parseCommand(' ３ ')).toEqual({ kind: 'choice', number: 3 });
    expect(parseCommand('0')).toMatchObject({ kind: 'unknown' });
  });

  it('suggests the nearest command for an unknown word: synonyms, shared characters, alias typos', () => {
    expect(parseCommand('统计')).toEqual({ kind: 'unknown', word: '统计', suggestions: ['report'] });
    expect(parseCommand('待办')).toMatchObject({ suggestions: ['todo'] });
    expect(parseCommand('分组')).toMatchObject({ suggestions: ['tiers'] });
    expect(parseCommand('报告单')).toMatchObject({ suggestions: ['report'] });
    expect(parseCommand('级')).toMatchObject({ suggestions: ['tiers', 'set'] });
    expect(parseCommand('/hlep')).toMatchObject({ suggestions: ['help'] });
    expect(parseCommand('/reprot')).toMatchObject({ suggestions: ['report'] });
    expect(parseCommand('导出')).toMatchObject({ suggestions: ['export'] });
    expect(parseCommand('天气怎么样')).toMatchObject({ kind: 'unknown', suggestions: [] });
  });

  it('answers empty input and a 10,000-character message without reading them', () => {
    expect(parseCommand('  @Fenji ')).toEqual({ kind: 'empty' });
    expect(parseCommand('帮'.repeat(10_000))).toEqual({ kind: 'too_long', chars: 10_000 });
    expect(parseCommand('😀'.repeat(MAX_INPUT_CHARS))).toMatchObject({ kind: 'unknown' });
    expect(parseCommand(`记录 张三 ${'好'.repeat(MAX_INPUT_CHARS - 6)}`)).toMatchObject({ kind: 'command', args: { command: 'log' } });
  });
});
