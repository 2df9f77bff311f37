import { describe, expect, it } from 'vitest';
import { APP_TEXT_MAX_BYTES, repListMessages } from './rep-list.ts';

const bytes = (s: string) => new TextEncoder().encode(s).length;
const entry = (i: number) => ({ name: `客户${i}`, text: `客户${i}，中秋快乐！感谢您一直以来的信任和支持，祝您和家人团团圆圆、幸福安康。` });

describe('repListMessages', () => {
  it('one message naming every customer with their text when it fits', () => {
    const [message, ...rest] = repListMessages('holiday', '中秋', [entry(1), entry(2)]);
    expect(rest).toEqual([]);
    expect(message).toContain('【中秋】');
    expect(message).toContain(`1. 客户1\n${entry(1).text}`);
    expect(message).toContain(`2. 客户2\n${entry(2).text}`);
    expect(message).not.toMatch(/（1\/1）/);
  });

  it('numbered parts within WeCom’s 2,048 bytes, no entry split or lost, in order', () => {
    const entries = Array.from({ length: 40 }, (_, i) => entry(i + 1));
    const parts = repListMessages('birthday', '生日', entries);
    expect(parts.length).toBeGreaterThan(1);
    parts.forEach((p, i) => {
      expect(bytes(p)).toBeLessThanOrEqual(APP_TEXT_MAX_BYTES);
      expect(p).toContain(`（${i + 1}/${parts.length}）`);
    });
    const all = parts.join('\n');
    entries.forEach((e, i) => expect(all).toContain(`${i + 1}. ${e.name}\n${e.text}`));
  });

  it('an entry longer than a part is cut between characters, never lost', () => {
    const long = { name: '王芳', text: '祝'.repeat(1300) };
    const parts = repListMessages('aftersale', '售后回访', [long]);
    expect(parts.length).toBe(3);
    for (const p of parts) expect(bytes(p)).toBeLessThanOrEqual(APP_TEXT_MAX_BYTES);
    expect(parts.join('').split('祝').length - 1).toBe(1300);
  });
});
