import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../shared/errors.ts';
import { loadConfig } from './load-config.ts';
import { SANDBOX_CREDENTIALS } from './sandbox-credentials.ts';

const CREDENTIALS = {
  WECOM_CORP_ID: 'ww1234567890abcdef',
  WECOM_AGENT_ID: '1000002',
  WECOM_SECRET: 'sEcReT-value-0123456789',
  WECOM_TOKEN: 'CallbackToken42',
  WECOM_ENCODING_AES_KEY: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
};

/** The ConfigError problems of a failing load (fails the test if the load succeeds). */
function problemsOf(env: Record<string, string | undefined>, readFile?: (file: string) => string): string[] {
  try {
    loadConfig(env, readFile ? { readFile } : {});
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  expect.fail('loadConfig accepted the configuration');
}

describe('loadConfig: mode', () => {
  it('runs against the sandbox when no credential is set, with every default', () => {
    const config = loadConfig({}, { cwd: '/srv/fenji' });
    expect(config.mode).toBe('sandbox');
    expect(config.wecom).toEqual({ ...SANDBOX_CREDENTIALS, apiBase: 'http://127.0.0.1:4100' });
    expect(config.callback).toEqual({ maxAgeSeconds: 300, maxBodyBytes: 65_536 });
    expect(config.redis).toEqual({ url: 'redis://127.0.0.1:6379', keyPrefix: 'fenji', autostart: true });
    expect(config.http).toEqual({ port: 3000, host: '0.0.0.0' });
    expect(config.dataDir).toBe(path.resolve('/srv/fenji', 'data'));
    expect(config.timezone).toBe('Asia/Shanghai');
    expect(config.tiersFile).toBe(path.resolve('/srv/fenji', 'config/tiers.jsonc'));
    expect(loadConfig({ FENJI_TIERS_FILE: '/etc/fenji/tiers.jsonc' }).tiersFile).toBe('/etc/fenji/tiers.jsonc');
    // The occasions sit beside the tier rules unless FENJI_OCCASIONS_FILE says otherwise.
    expect(config.occasionsFile).toBe(path.resolve('/srv/fenji', 'config/occasions.jsonc'));
    expect(loadConfig({ FENJI_TIERS_FILE: '/etc/fenji/tiers.jsonc' }).occasionsFile).toBe('/etc/fenji/occasions.jsonc');
    expect(loadConfig({ FENJI_OCCASIONS_FILE: 'my/occasions.jsonc' }, { cwd: '/srv/fenji' }).occasionsFile).toBe('/srv/fenji/my/occasions.jsonc');
    expect(config.worker.concurrency).toBe(8);
    expect(config.log).toEqual({ level: 'info', pretty: false });
  });

  it('treats empty strings as absent', () => {
    expect(loadConfig({ WECOM_CORP_ID: '', WECOM_SECRET: '', PORT: '' }).mode).toBe('sandbox');
  });

  it('uses WeCom when all five credentials are set', () => {
    const config = loadConfig(CREDENTIALS);
    expect(config.mode).toBe('wecom');
    expect(config.wecom).toEqual({
      corpId: 'ww1234567890abcdef',
      agentId: 1000002,
      secret: CREDENTIALS.WECOM_SECRET,
      token: 'CallbackToken42',
      encodingAESKey: CREDENTIALS.WECOM_ENCODING_AES_KEY,
      apiBase: 'https://qyapi.weixin.qq.com',
    });
  });

  it('in sandbox mode, every role uses the sandbox service at SANDBOX_URL and none starts one in-process', () => {
    const config = loadConfig({ SANDBOX_URL: 'http://sandbox:4100' });
    expect(config.wecom.apiBase).toBe('http://sandbox:4100');
    expect(config.sandbox.inProcess).toBe(false);
    expect(problemsOf({ SANDBOX_URL: 'sandbox:4100' })).toEqual(['SANDBOX_URL must be a URL starting with http:// or https:// (got "sandbox:4100")']);
  });

  it('ignores SANDBOX_URL with WeCom credentials: real calls never go to a sandbox', () => {
    const config = loadConfig({ ...CREDENTIALS, SANDBOX_URL: 'http://sandbox:4100' });
    expect(config.wecom.apiBase).toBe('https://qyapi.weixin.qq.com');
    expect(config.sandbox.inProcess).toBe(false);
  });

  it('trims surrounding whitespace from values', () => {
    expect(loadConfig({ ...CREDENTIALS, WECOM_TOKEN: '  CallbackToken42\n' }).wecom.token).toBe('CallbackToken42');
  });

  it('names the missing credentials when only some are set', () => {
    const problems = problemsOf({ WECOM_CORP_ID: CREDENTIALS.WECOM_CORP_ID, WECOM_SECRET: CREDENTIALS.WECOM_SECRET });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('WECOM_AGENT_ID, WECOM_TOKEN, WECOM_ENCODING_AES_KEY must be set too');
    expect(problems[0]).not.toContain('WECOM_CORP_ID,');
  });
});

describe('loadConfig: validation', () => {
  it('reports a 42-character EncodingAESKey by length', () => {
    const problems = problemsOf({ ...CREDENTIALS, WECOM_ENCODING_AES_KEY: CREDENTIALS.WECOM_ENCODING_AES_KEY.slice(0, 42) });
    expect(problems).toEqual(['WECOM_ENCODING_AES_KEY must be 43 characters, got 42']);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf({
      ...CREDENTIALS,
      WECOM_AGENT_ID: 'app',
      PORT: 'abc',
      REDIS_URL: 'http://x',
      FENJI_TIMEZONE: 'Mars/Olympus_Mons',
      LOG_LEVEL: 'loud',
    });
    expect(problems).toHaveLength(5);
    expect(problems.find((p) => p.startsWith('WECOM_AGENT_ID '))).toContain('numeric AgentId');
    expect(problems.find((p) => p.startsWith('PORT '))).toBe('PORT must be a whole number (got "abc")');
    expect(problems.find((p) => p.startsWith('REDIS_URL '))).toContain('redis://');
    expect(problems.find((p) => p.startsWith('FENJI_TIMEZONE '))).toContain('IANA time zone');
    expect(problems.find((p) => p.startsWith('LOG_LEVEL '))).toBeDefined();
  });

  it('lists the problems in the error message too', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/Invalid configuration:\n {2}- PORT must be a whole number/);
  });

  it.each([
    ['PORT', '70000', 'must be at most 65535'],
    ['WORKER_CONCURRENCY', '0', 'must be at least 1'],
    ['WECOM_CALLBACK_MAX_BODY_BYTES', '-1', 'must be a whole number'],
    ['REDIS_KEY_PREFIX', 'fenji:prod', 'must be 1-32 letters'],
    ['WECOM_TOKEN', 'has space', 'must be 1-32 letters or digits'],
    ['FENJI_MANAGERS', 'boss,王总', 'each must be a WeCom userid'],
    ['FENJI_BOT_COMMANDS_PER_MINUTE', '31', 'must be at most 30'],
    ['FENJI_BOT_REPS_MAY_SET', 'yes', 'must be 0 or 1'],
  ])('rejects %s=%s', (name, value, message) => {
    const env = name.startsWith('WECOM_') ? { ...CREDENTIALS, [name]: value } : { [name]: value };
    expect(problemsOf(env).join('\n')).toContain(`${name} ${message}`);
  });

  it('reads FENJI_MANAGERS as userids (either comma, spaces around them) and defaults the bot to 10 commands a minute', () => {
    expect(loadConfig({ FENJI_MANAGERS: ' boss，li.jingli , ' }).bot).toEqual({ managers: ['boss', 'li.jingli'], commandsPerMinute: 10, repsMaySet: false });
    expect(loadConfig({}).bot.managers).toEqual([]);
  });

  it('accepts rediss:// and a valid time zone', () => {
    const config = loadConfig({ REDIS_URL: 'rediss://cache:6380/2', FENJI_TIMEZONE: 'Europe/Berlin' });
    expect(config.redis.url).toBe('rediss://cache:6380/2');
    expect(config.timezone).toBe('Europe/Berlin');
  });

  it('defaults WECOM_CALLBACK_MAX_AGE_S to 300 and allows 0 (check off)', () => {
    expect(loadConfig({}).callback.maxAgeSeconds).toBe(300);
    expect(loadConfig({ WECOM_CALLBACK_MAX_AGE_S: '0' }).callback.maxAgeSeconds).toBe(0);
    expect(loadConfig({ WECOM_CALLBACK_MAX_AGE_S: '60' }).callback.maxAgeSeconds).toBe(60);
  });

  it('FENJI_CLOCK_OFFSET_MS shifts the clock in sandbox mode only (tests), 0 by default', () => {
    expect(loadConfig({}).clockOffsetMs).toBe(0);
    expect(loadConfig({ FENJI_CLOCK_OFFSET_MS: '-86400000' }).clockOffsetMs).toBe(-86_400_000);
    expect(problemsOf({ FENJI_CLOCK_OFFSET_MS: '1.5' }).join('\n')).toContain('FENJI_CLOCK_OFFSET_MS must be a whole number of milliseconds');
    expect(problemsOf({ ...CREDENTIALS, FENJI_CLOCK_OFFSET_MS: '60000' }).join('\n')).toContain('FENJI_CLOCK_OFFSET_MS is for tests against the sandbox only');
    expect(loadConfig({ ...CREDENTIALS, FENJI_CLOCK_OFFSET_MS: '0' }).clockOffsetMs).toBe(0);
  });

  it('maps REDIS_AUTOSTART, LOG_FORMAT and WECOM_API_BASE', () => {
    const config = loadConfig({ REDIS_AUTOSTART: 'never', LOG_FORMAT: 'pretty', WECOM_API_BASE: 'http://localhost:9' });
    expect(config.redis.autostart).toBe(false);
    expect(config.log.pretty).toBe(true);
    expect(config.wecom.apiBase).toBe('http://localhost:9');
  });
});

describe('loadConfig: the 智能机器人', () => {
  it('is off unless both its Token and EncodingAESKey are set, and refuses one without the other', () => {
    expect(loadConfig({}).aibot).toBeNull();
    const aibot = { WECOM_AIBOT_TOKEN: 'BotToken7', WECOM_AIBOT_ENCODING_AES_KEY: CREDENTIALS.WECOM_ENCODING_AES_KEY };
    expect(loadConfig(aibot).aibot).toEqual({ token: 'BotToken7', encodingAESKey: CREDENTIALS.WECOM_ENCODING_AES_KEY });
    expect(problemsOf({ WECOM_AIBOT_TOKEN: 'BotToken7' })).toEqual([expect.stringContaining('WECOM_AIBOT_TOKEN and WECOM_AIBOT_ENCODING_AES_KEY go together')]);
    expect(problemsOf({ ...aibot, WECOM_AIBOT_ENCODING_AES_KEY: 'short' })).toEqual(['WECOM_AIBOT_ENCODING_AES_KEY must be 43 characters, got 5']);
  });
});
