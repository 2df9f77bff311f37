import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../src/adapters/redis/local-redis-server.ts';
import { repoRoot, runMain, startMain, type MainRun } from '../helpers/run-main.ts';
import { testRedisUrl, uniquePrefix } from '../helpers/redis.ts';
import { TEST_TIERS_FILE } from '../helpers/tier-rules.ts';

const tmp = (label: string) => mkdtempSync(path.join(os.tmpdir(), `fenji-${label}-`));

/** A start-up failure as a new user should see it: exit 1, one line on stderr, no stack frames. */
function expectOneLineFailure(run: MainRun, pattern: RegExp): void {
  expect(run.code, run.stderr).toBe(1);
  expect(run.errorLines, run.stderr).toHaveLength(1);
  expect(run.errorLines[0]).toMatch(pattern);
  expect(run.stderr).not.toContain('    at ');
}

/** Something else already listening on a port (another Fenji, or anything). */
async function holdPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server };
}

describe('a new user\'s first start: one-line errors, never a stack trace', () => {
  const held: Server[] = [];
  afterEach(async () => {
    for (const s of held.splice(0)) await new Promise((r) => s.close(r));
  });
  const baseEnv = async () => ({ REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: uniquePrefix('first'), HOST: '127.0.0.1', DATA_DIR: tmp('data'), SANDBOX_PORT: String(await freePort()), PORT: String(await freePort()) });

  it('checks the tier rules before starting anything (no Redis auto-started for a typo)', async () => {
    const dataDir = tmp('rules');
    const rules = path.join(dataDir, 'tiers.jsonc');
    writeFileSync(rules, '{ "deal": { "paidWithinDays" 365 } }');
    const run = await runMain({ env: { REDIS_URL: `redis://127.0.0.1:${await freePort()}`, DATA_DIR: dataDir, FENJI_TIERS_FILE: rules } });
    expect(existsSync(path.join(dataDir, 'redis')), 'a local redis-server was started').toBe(false);
    expectOneLineFailure(run, /tiers\.jsonc:1:30: ColonExpected/);
  });

  it('checks the occasions the same way, before starting anything', async () => {
    const dataDir = tmp('occasions');
    const occasions = path.join(dataDir, 'occasions.jsonc');
    const fixture = readFileSync(path.join(repoRoot, 'tests/fixtures/occasions.jsonc'), 'utf8');
    writeFileSync(occasions, fixture.replace('"enabled": false', '"enabeld": false'));
    const run = await runMain({ env: { REDIS_URL: `redis://127.0.0.1:${await freePort()}`, DATA_DIR: dataDir, FENJI_OCCASIONS_FILE: occasions } });
    expect(existsSync(path.join(dataDir, 'redis')), 'a local redis-server was started').toBe(false);
    expectOneLineFailure(run, /occasions\.jsonc: holidays\.qingming\.enabeld: unknown key; did you mean enabled\?/);
  });

  it('PORT already in use', async () => {
    const { port, server } = await holdPort();
    held.push(server);
    const run = await runMain({ env: { ...(await baseEnv()), PORT: String(port) } });
    expectOneLineFailure(run, new RegExp(`^PORT ${port} is already in use`));
  });

  it('SANDBOX_PORT already in use', async () => {
    const { port, server } = await holdPort();
    held.push(server);
    const run = await runMain({ env: { ...(await baseEnv()), SANDBOX_PORT: String(port) } });
    expectOneLineFailure(run, new RegExp(`^SANDBOX_PORT ${port} is already in use`));
  });

  it('a sandbox state file that is not a saved corp', async () => {
    const env = await baseEnv();
    mkdirSync(path.join(env.DATA_DIR, 'sandbox'));
    writeFileSync(path.join(env.DATA_DIR, 'sandbox', 'state.json'), '{"reps": [');
    const run = await runMain({ env });
    expectOneLineFailure(run, /sandbox state file .*state\.json is not a saved corp: delete it, or run npm run sandbox -- reset/);
  });

  it('an unwritable DATA_DIR', async () => {
    // Tests run as root, where permissions do not stop a write: a path under a file does.
    const file = path.join(tmp('file'), 'not-a-dir');
    writeFileSync(file, '');
    const run = await runMain({ env: { ...(await baseEnv()), DATA_DIR: path.join(file, 'data') } });
    expectOneLineFailure(run, /DATA_DIR .*not-a-dir\/data is not writable/);
  });
});

describe('LOG_FORMAT=pretty where pino-pretty is not installed (a production install)', () => {
  /** A copy of the app whose node_modules holds every package but pino-pretty (a devDependency). */
  function productionTree(): string {
    const dir = tmp('prod');
    cpSync(path.join(repoRoot, 'src'), path.join(dir, 'src'), { recursive: true });
    for (const file of ['package.json', 'tsconfig.json']) cpSync(path.join(repoRoot, file), path.join(dir, file));
    mkdirSync(path.join(dir, 'node_modules'));
    for (const name of readdirSync(path.join(repoRoot, 'node_modules'))) {
      if (name !== 'pino-pretty') symlinkSync(path.join(repoRoot, 'node_modules', name), path.join(dir, 'node_modules', name));
    }
    return dir;
  }

  it('starts, logging JSON, with one warning line that says how to get pretty logs', async () => {
    const cwd = productionTree();
    const env = { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: uniquePrefix('pretty'), HOST: '127.0.0.1', DATA_DIR: tmp('data'), SANDBOX_PORT: String(await freePort()), PORT: String(await freePort()), LOG_FORMAT: 'pretty', FENJI_TIERS_FILE: TEST_TIERS_FILE };
    // The copy's own entry, so pino-pretty is looked for from the copy's node_modules.
    const fenji = await startMain({ cwd, env, args: ['src/main.ts'] });
    await fenji.stop();
    expect(fenji.stderr, fenji.stderr).not.toContain('    at ');
    const warnings = fenji.stdout.split('\n').filter((l) => l.includes('pino-pretty'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0]!)).toMatchObject({ level: 40, msg: expect.stringMatching(/LOG_FORMAT=pretty.*npm install pino-pretty/) });
  });
});

describe('.env (as .env.example invites)', () => {
  /** A working directory holding only a .env, as a user's checkout after `cp .env.example .env`. */
  function dirWithEnvFile(text: string): string {
    const cwd = tmp('dotenv');
    writeFileSync(path.join(cwd, '.env'), text);
    return cwd;
  }

  it('npm start reads it; a variable already set in the environment wins', async () => {
    const [filePort, envPort, sandboxPort] = [await freePort(), await freePort(), await freePort()];
    const cwd = dirWithEnvFile([
      '# copied from .env.example',
      `PORT=${filePort}`,
      `SANDBOX_PORT=${sandboxPort}`,
      'HOST=127.0.0.1',
      `REDIS_URL=${testRedisUrl()}`,
      `REDIS_KEY_PREFIX=${uniquePrefix('dotenv')}`,
      `DATA_DIR=${tmp('data')}`,
      `FENJI_TIERS_FILE=${TEST_TIERS_FILE}`,
    ].join('\n'));
    const fenji = await startMain({ cwd, env: { PORT: String(envPort) } });
    try {
      expect((await fetch(`http://127.0.0.1:${envPort}/healthz`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${sandboxPort}/_sandbox/health`)).status).toBe(200);
      await expect(fetch(`http://127.0.0.1:${filePort}/healthz`)).rejects.toThrow();
    } finally {
      await fenji.stop();
    }
  });

  it('a malformed line stops Fenji with one line naming it', async () => {
    const cwd = dirWithEnvFile('PORT=3000\n# fine\nWECOM_SECRET s3cr3t\n');
    const run = await runMain({ cwd, env: {} });
    expectOneLineFailure(run, /^Invalid configuration: \.env line 3: expected NAME=value/);
    expect(run.stderr).not.toContain('s3cr3t');
  });
});
