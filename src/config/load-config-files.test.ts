import { describe, expect, it } from 'vitest';
import { ConfigError } from '../shared/errors.ts';
import { loadConfig } from './load-config.ts';

const SECRET = 'sEcReT-value-0123456789';
const TOKEN = 'CallbackToken42';
const AES_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
const PUBLIC = { WECOM_CORP_ID: 'ww1234567890abcdef', WECOM_AGENT_ID: '1000002' };

/** A readFile over an in-memory map that records what it was asked for. */
function files(contents: Record<string, string>) {
  const read: string[] = [];
  const readFile = (file: string) => {
    read.push(file);
    const text = contents[file];
    if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${file}'`);
    return text;
  };
  return { read, readFile };
}

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  expect.fail('loadConfig accepted the configuration');
}

describe('loadConfig: *_FILE secrets', () => {
  it('reads WECOM_SECRET_FILE, WECOM_TOKEN_FILE and WECOM_ENCODING_AES_KEY_FILE, trimming newlines', () => {
    const fs = files({ '/run/secrets/s': `${SECRET}\n`, '/run/secrets/t': TOKEN, '/run/secrets/k': `${AES_KEY}\n` });
    const config = loadConfig(
      {
        ...PUBLIC,
        WECOM_SECRET_FILE: '/run/secrets/s',
        WECOM_TOKEN_FILE: '/run/secrets/t',
        WECOM_ENCODING_AES_KEY_FILE: '/run/secrets/k',
      },
      { readFile: fs.readFile },
    );
    expect(fs.read.sort()).toEqual(['/run/secrets/k', '/run/secrets/s', '/run/secrets/t']);
    expect(config.mode).toBe('wecom');
    expect([config.wecom.secret, config.wecom.token, config.wecom.encodingAESKey]).toEqual([SECRET, TOKEN, AES_KEY]);
  });

  it('rejects NAME and NAME_FILE set together, without reading the file', () => {
    const fs = files({ '/run/secrets/s': SECRET });
    const err = configError(() =>
      loadConfig(
        { ...PUBLIC, WECOM_SECRET: SECRET, WECOM_SECRET_FILE: '/run/secrets/s', WECOM_TOKEN: TOKEN, WECOM_ENCODING_AES_KEY: AES_KEY },
        { readFile: fs.readFile },
      ),
    );
    expect(err.problems).toEqual(['WECOM_SECRET and WECOM_SECRET_FILE are both set: keep one']);
    expect(fs.read).toEqual([]);
  });

  it('reports an unreadable file by variable name and path', () => {
    const fs = files({});
    const err = configError(() =>
      loadConfig({ ...PUBLIC, WECOM_SECRET_FILE: '/nope', WECOM_TOKEN: TOKEN, WECOM_ENCODING_AES_KEY: AES_KEY }, { readFile: fs.readFile }),
    );
    expect(err.problems.some((p) => p.startsWith('WECOM_SECRET_FILE cannot be read (/nope)'))).toBe(true);
  });

  it('ignores *_FILE for variables that are not secrets', () => {
    const fs = files({});
    expect(loadConfig({ PORT_FILE: '/x' }, { readFile: fs.readFile }).http.port).toBe(3000);
    expect(fs.read).toEqual([]);
  });
});

describe('loadConfig: secrets stay out of messages', () => {
  it('never echoes a bad secret, token or AES key', () => {
    const badKey = `${AES_KEY.slice(0, 41)}!!`;
    const badToken = 'token with spaces';
    const badSecret = 'x'.repeat(129);
    const err = configError(() =>
      loadConfig({ ...PUBLIC, WECOM_SECRET: badSecret, WECOM_TOKEN: badToken, WECOM_ENCODING_AES_KEY: badKey }),
    );
    expect(err.problems.length).toBeGreaterThanOrEqual(3);
    for (const text of [err.message, ...err.problems]) {
      expect(text).not.toContain(badKey.slice(0, 20));
      expect(text).not.toContain(badToken);
      expect(text).not.toContain('x'.repeat(20));
    }
    expect(err.message).toContain('WECOM_ENCODING_AES_KEY must contain only letters and digits');
  });

  it('never echoes a secret read from a file', () => {
    const fs = files({ '/k': 'short-secret-key-value' });
    const err = configError(() =>
      loadConfig({ ...PUBLIC, WECOM_SECRET: SECRET, WECOM_TOKEN: TOKEN, WECOM_ENCODING_AES_KEY_FILE: '/k' }, { readFile: fs.readFile }),
    );
    expect(err.message).toContain('WECOM_ENCODING_AES_KEY must be 43 characters, got 22');
    expect(err.message).not.toContain('short-secret-key-value');
  });

  it('masks the password of a rejected REDIS_URL', () => {
    const err = configError(() => loadConfig({ REDIS_URL: 'http://default:hunter2@redis.internal:6379' }));
    expect(err.message).not.toContain('hunter2');
    expect(err.problems[0]).toContain('(got "http://***@redis.internal:6379")');
  });

  it('still echoes harmless values to help fixing them', () => {
    const err = configError(() => loadConfig({ REDIS_URL: 'http://x' }));
    expect(err.problems[0]).toContain('(got "http://x")');
  });
});
