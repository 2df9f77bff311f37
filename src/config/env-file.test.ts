import { describe, expect, it } from 'vitest';
import { ConfigError } from '../shared/errors.ts';
import { environmentWithEnvFile, parseEnvFile } from './env-file.ts';

const problemOf = (text: string): string | undefined => {
  try {
    parseEnvFile(text);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.join(' | ');
    throw err;
  }
  return undefined;
};

describe('parseEnvFile (.env)', () => {
  it('reads NAME=value lines, comments, quotes, export and multi-line quoted values', () => {
    const text = ['# Fenji', '', 'PORT=3001', 'export LOG_LEVEL=debug', 'HOST = 127.0.0.1  # loopback', 'FENJI_TIMEZONE="Asia/Shanghai"', "REDIS_KEY_PREFIX='demo'", 'KEY="line one', 'line two"', 'EMPTY='].join('\n');
    expect(parseEnvFile(text)).toEqual({ PORT: '3001', LOG_LEVEL: 'debug', HOST: '127.0.0.1', FENJI_TIMEZONE: 'Asia/Shanghai', REDIS_KEY_PREFIX: 'demo', KEY: 'line one\nline two', EMPTY: '' });
  });

  it('refuses a malformed line in one line naming it, without echoing the line (it may hold a secret)', () => {
    expect(problemOf('PORT=3000\nWECOM_SECRET s3cr3t\nHOST=x')).toBe('.env line 2: expected NAME=value (e.g. PORT=3000)');
    expect(problemOf('PORT=3000\nKEY="never closed\nHOST=x')).toBe('.env line 2: the quoted value is never closed');
    expect(problemOf('1PORT=3000')).toBe('.env line 1: expected NAME=value (e.g. PORT=3000)');
  });
});

describe('environmentWithEnvFile', () => {
  it('puts the file under the environment: a variable already set wins, even set empty', () => {
    const env = environmentWithEnvFile({ PORT: '4000', LOG_LEVEL: '' }, () => 'PORT=3001\nLOG_LEVEL=debug\nHOST=127.0.0.1');
    expect(env).toMatchObject({ PORT: '4000', LOG_LEVEL: '', HOST: '127.0.0.1' });
  });

  it('reads FENJI_ENV_FILE instead when set, and refuses it missing (asked for, unlike .env)', () => {
    const files: Record<string, string> = { '.env': 'PORT=1', 'staging.env': 'PORT=2' };
    const read = (file: string) => {
      if (files[file] === undefined) throw Object.assign(new Error(`ENOENT: no such file, open '${file}'`), { code: 'ENOENT' });
      return files[file];
    };
    expect(environmentWithEnvFile({}, read)['PORT']).toBe('1');
    expect(environmentWithEnvFile({ FENJI_ENV_FILE: 'staging.env' }, read)['PORT']).toBe('2');
    expect(() => environmentWithEnvFile({ FENJI_ENV_FILE: 'nope.env' }, read)).toThrow(/FENJI_ENV_FILE nope\.env cannot be read/);
  });

  it('is the environment alone when there is no .env', () => {
    const missing = (): string => {
      throw Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
    };
    expect(environmentWithEnvFile({ PORT: '4000' }, missing)).toEqual({ PORT: '4000' });
  });
});
