import { describe, expect, it } from 'vitest';
import { testPolicies } from '../../../tests/helpers/tier-rules.ts';
import { inboundMessage } from '../../../tests/helpers/factories.ts';
import { detectOptOut, findOptOutKeyword, normalizeOptOutText, optOutPolicySchema } from './opt-out.ts';

const policy = testPolicies.tiers.optOut;
const T = Date.UTC(2026, 8, 1);

describe('findOptOutKeyword (the tier rules file\'s optOut lists)', () => {
  // [message, the configured word or phrase it opts out with]
  const POSITIVE: [string, string][] = [
    ['退订', '退订'],
    ['  退订  ', '退订'],
    ['退订！', '退订'],
    ['退订。。。', '退订'],
    ['退订?', '退订'],
    ['TD', 'TD'],
    ['td', 'TD'],
    ['Td 🙏', 'TD'],
    ['ＴＤ', 'TD'],
    ['T D', 'TD'],
    ['👋退订👋', '退订'],
    ['退订\u200d\ufe0f', '退订'],
    ['【退订】', '退订'],
    ['取消订阅。', '取消订阅'],
    ['退订消息', '退订消息'],
    ['退订退订', '退订'],
    ['TD退订', 'TD'],
    ['请不要再发了', '不要再发'],
    ['别再发消息给我了', '别再发'],
    ['不要再给我发广告了，谢谢', '不要再给我发'],
    ['以后别再推送了', '别再推送'],
    ['不要 打扰 我', '不要打扰'],
    ['拒收消息', '拒收消息'],
    ['我不想再收到你们的信息', '不想再收到'],
    ['请勿打扰', '请勿打扰'],
  ];
  it.each(POSITIVE)('%j opts out with %j', (text, keyword) => {
    expect(findOptOutKeyword(text, policy)).toBe(keyword);
  });

  const NEGATIVE: string[] = [
    '我想退订酒店',
    '退订单',
    '退订机票怎么操作',
    '怎么退订',
    '已经退订了吗？',
    '退订的话能退款吗',
    'ltd',
    'TDD',
    'td是什么意思',
    'std',
    '不打扰您了，再见',
    '快递我拒收了，麻烦退款',
    '拒收',
    '你们不要再发错货了',
    '别再发顺丰快递了，发邮政',
    '先别再发货了，订单我要改一下',
    '多少钱',
    '收到了，谢谢',
    '',
    '   ',
    '🙏🙏',
  ];
  it.each(NEGATIVE)('%j is not an opt-out', (text) => {
    expect(findOptOutKeyword(text, policy)).toBeNull();
  });

  it('reads a long message as a sentence, never as a run of words', () => {
    expect(findOptOutKeyword('退订'.repeat(13), policy)).toBeNull();
    expect(findOptOutKeyword('退订'.repeat(12), policy)).toBe('退订');
  });

  it('normalizes full-width forms, case, spaces, punctuation and emoji away', () => {
    expect(normalizeOptOutText(' ＴＤ！\u3000😀 ')).toBe('td');
    expect(normalizeOptOutText('不要，再发！')).toBe('不要再发');
  });

  it('refuses a list entry that is only punctuation, with its path', () => {
    const parsed = optOutPolicySchema.safeParse({ words: ['退订', '！！'], phrases: [], unlessAlso: [] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['words', 1]);
  });
});

describe('detectOptOut', () => {
  it('reads a customer message (chat or 微信客服) and keeps its time and id', () => {
    expect(detectOptOut(inboundMessage('m1', 'wm1', T, '退订'), policy)).toEqual({ at: T, keyword: '退订', source: 'm1' });
    expect(detectOptOut({ ...inboundMessage('kf-1', 'wm1', T, 'TD'), channel: 'kf' }, policy)).toEqual({ at: T, keyword: 'TD', source: 'kf-1' });
  });

  it('ignores our own messages, call and visit notes, and messages without text', () => {
    expect(detectOptOut({ ...inboundMessage('o1', 'wm1', T, '退订'), direction: 'outbound' }, policy)).toBeNull();
    expect(detectOptOut({ ...inboundMessage('c1', 'wm1', T, '客户说不要再发了'), channel: 'call' }, policy)).toBeNull();
    expect(detectOptOut({ ...inboundMessage('v1', 'wm1', T, '退订'), channel: 'visit' }, policy)).toBeNull();
    expect(detectOptOut(inboundMessage('m2', 'wm1', T), policy)).toBeNull();
  });
});
