import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/adapters/redis/local-redis-server.ts';
import { TEST_TIERS_FILE } from './tier-rules.ts';

/**
 * Runs Fenji as a real process (`tsx src/main.ts`), the way `npm start` does, and
 * collects its JSON log lines so tests can wait for and assert on them.
 */
export interface FenjiProcess {
  url: string;
  port: number;
  /** The in-process WeCom sandbox (sandbox mode). */
  sandboxUrl: string;
  dataDir: string;
  logs: Record<string, unknown>[];
  /** What it wrote to stderr so far (one-line errors; libraries' console warnings). */
  stderr(): string;
  child: ChildProcess;
  waitForLog(predicate: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

export async function startFenji(options: { env: Record<string, string>; args?: string[] }): Promise<FenjiProcess> {
  const port = await freePort();
  const sandboxPort = options.env['SANDBOX_PORT'] ?? String(await freePort());
  const dataDir = options.env['DATA_DIR'] ?? mkdtempSync(path.join(os.tmpdir(), 'fenji-e2e-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...(options.args ?? [])], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      SANDBOX_PORT: sandboxPort,
      FENJI_TIERS_FILE: TEST_TIERS_FILE,
      // Not the repository's .env: a developer's own settings must not reach the tests.
      FENJI_ENV_FILE: '/dev/null',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  const waiters: { predicate: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = [];
  let buffered = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const text = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        line = { msg: text };
      }
      logs.push(line);
      for (const w of [...waiters]) {
        if (w.predicate(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const fenji: FenjiProcess = {
    url: `http://127.0.0.1:${port}`,
    port,
    sandboxUrl: `http://127.0.0.1:${sandboxPort}`,
    dataDir,
    logs,
    stderr: () => stderr,
    child,
    waitForLog(predicate, timeoutMs = 20_000) {
      const found = logs.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`log line not seen in ${timeoutMs} ms; stderr: ${stderr.slice(-2000)}`)), timeoutMs);
        waiters.push({ predicate, resolve: (l) => { clearTimeout(timer); resolve(l); } });
        void exited.then(() => reject(new Error(`fenji exited (${child.exitCode}); stderr: ${stderr.slice(-2000)}`)));
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  await fenji.waitForLog((l) => l['msg'] === 'fenji started', 30_000);
  return fenji;
}
