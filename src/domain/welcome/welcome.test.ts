import { describe, expect, it } from 'vitest';
import { WELCOME_WINDOW_MS, welcomeDeadline, welcomeText, type WelcomeTexts } from './welcome.ts';

const texts: WelcomeTexts = { default: '您好，很高兴认识您！', byState: { 'booth-3': '欢迎您在展会上添加我！' } };

describe('welcomeText', () => {
  it("gives a State's own text", () => {
    expect(welcomeText(texts, 'booth-3')).toBe(texts.byState['booth-3']);
  });

  it.each([
    ['an unknown State', 'poster-9'],
    ['no State', undefined],
    ['an empty State (an add outside any contact way)', ''],
    ['a name every object inherits', 'constructor'],
    ['__proto__', '__proto__'],
  ])('gives the default for %s', (_what, state) => {
    expect(welcomeText(texts, state)).toBe(texts.default);
  });
});

describe('welcomeDeadline', () => {
  it("is WeCom's 20 s after the add", () => {
    const addedAt = Date.UTC(2026, 8, 25, 2, 0, 0);
    expect(welcomeDeadline(addedAt) - addedAt).toBe(WELCOME_WINDOW_MS);
    expect(WELCOME_WINDOW_MS).toBe(20_000);
  });
});
