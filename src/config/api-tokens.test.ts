import { describe, expect, it } from 'vitest';
import { apiTokensSchema } from './api-tokens.ts';
import { loadConfig } from './load-config.ts';

const T1 = 'a'.repeat(24);
const T2 = 'b1c2d3e4f5a6b7c8d9e0f1a2b3';

function problems(value: string): string[] {
  const result = apiTokensSchema.safeParse(value);
  expect(result.success).toBe(false);
  return result.error!.issues.map((i) => i.message);
}

describe('FENJI_API_TOKENS', () => {
  it('reads comma-separated name:token pairs, tolerating spaces and a trailing comma', () => {
    expect(apiTokensSchema.parse(` erp:${T1} , archive-bridge:${T2},`)).toEqual([
      { name: 'erp', token: T1 },
      { name: 'archive-bridge', token: T2 },
    ]);
  });

  it('keeps a colon inside the token', () => {
    expect(apiTokensSchema.parse(`erp:${T1}:x`)).toEqual([{ name: 'erp', token: `${T1}:x` }]);
  });

  it('refuses short tokens, bad names, missing colons, and duplicates — without echoing a token', () => {
    const short = 'short-token-123';
    const found = [
      ...problems(`erp:${short}`),
      ...problems(`bad name:${T1}`),
      ...problems(T1),
      ...problems(`erp:${T1},erp:${T2}`),
      ...problems(`erp:${T1},crm:${T1}`),
    ];
    expect(found).toEqual([
      expect.stringContaining('pair 1 (erp): the token must be at least 24 characters'),
      expect.stringContaining('pair 1: the name must be'),
      'pair 1 must be name:token',
      'pair 2 (erp): the name erp is used twice',
      'pair 2 (crm): the same token is given to two names',
    ]);
    for (const message of found) {
      expect(message).not.toContain(short);
      expect(message).not.toContain(T1);
    }
  });
});

describe('loadConfig: FENJI_API_TOKENS', () => {
  it('is off (no clients) when absent, and parsed when set', () => {
    expect(loadConfig({}).api.tokens).toEqual([]);
    expect(loadConfig({ FENJI_API_TOKENS: `erp:${T1}` }).api.tokens).toEqual([{ name: 'erp', token: T1 }]);
  });

  it('names the variable in a problem but never shows its value', () => {
    const secret = 'not-long-enough';
    expect(() => loadConfig({ FENJI_API_TOKENS: `erp:${secret}` })).toThrow(/FENJI_API_TOKENS pair 1 \(erp\): the token must be/);
    try {
      loadConfig({ FENJI_API_TOKENS: `erp:${secret}` });
    } catch (err) {
      expect((err as Error).message).not.toContain(secret);
    }
  });

  it('may come from a file (FENJI_API_TOKENS_FILE)', () => {
    const config = loadConfig({ FENJI_API_TOKENS_FILE: '/run/secrets/api' }, { readFile: () => `erp:${T1}\n` });
    expect(config.api.tokens).toEqual([{ name: 'erp', token: T1 }]);
  });
});
