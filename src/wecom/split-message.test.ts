import { describe, expect, it } from 'vitest';
import { APP_MESSAGE_MAX_BYTES, splitMessage } from './split-message.ts';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const unlabel = (parts: string[]) => parts.map((p) => p.replace(/^（\d+\/\d+）\n/, ''));

describe('splitMessage', () => {
  it('leaves a message within the limit whole and unnumbered', () => {
    const text = '好'.repeat(682); // 2046 bytes
    expect(splitMessage(text)).toEqual([text]);
  });

  it('cuts between lines, numbers the parts, and loses no line', () => {
    const lines = Array.from({ length: 120 }, (_, i) => `第 ${i + 1} 行：张三 A 类，下次跟进 2027-03-31`);
    const parts = splitMessage(lines.join('\n'));
    expect(parts.length).toBeGreaterThan(1);
    parts.forEach((p, i) => {
      expect(bytes(p)).toBeLessThanOrEqual(APP_MESSAGE_MAX_BYTES);
      expect(p.startsWith(`（${i + 1}/${parts.length}）\n`)).toBe(true);
    });
    expect(unlabel(parts).join('\n')).toBe(lines.join('\n'));
  });

  it('cuts one long line between characters: 3-byte Chinese, 4-byte emoji, a family emoji of 25 bytes', () => {
    const family = '👨‍👩‍👧‍👦';
    const line = `${'分'.repeat(700)}${'😀'.repeat(400)}${family.repeat(80)}`;
    const parts = splitMessage(line);
    for (const p of parts) {
      expect(bytes(p)).toBeLessThanOrEqual(APP_MESSAGE_MAX_BYTES);
      expect(Buffer.from(p, 'utf8').toString('utf8')).toBe(p);
      expect(p).not.toMatch(/\p{Cs}/u);
    }
    expect(unlabel(parts).join('')).toBe(line);
    expect(unlabel(parts).every((p) => !p.startsWith('\u200d') && !p.endsWith('\u200d'))).toBe(true);
  });

  it('keeps labels right when the count of parts reaches two digits', () => {
    const parts = splitMessage('字'.repeat(12_000), 400);
    expect(parts.length).toBeGreaterThanOrEqual(10);
    expect(parts.at(-1)!.startsWith(`（${parts.length}/${parts.length}）`)).toBe(true);
    expect(parts.every((p) => bytes(p) <= 400)).toBe(true);
    expect(unlabel(parts).join('')).toBe('字'.repeat(12_000));
  });
});
