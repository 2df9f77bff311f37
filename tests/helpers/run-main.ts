import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { TEST_TIERS_FILE } from './tier-rules.ts';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
/** tsx by absolute path, so Fenji can run from another working directory (a user's own). */
const TSX = path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs');

export interface MainRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stderr's non-empty lines. */
  errorLines: string[];
}

interface MainOptions {
  env: Record<string, string>;
  /** Working directory (default: the repository), where `.env` is read. */
  cwd?: string;
  /** The entry and its arguments (default: this repository's src/main.ts). */
  args?: string[];
}

function spawnMain(options: MainOptions): { child: ChildProcess; output: { stdout: string; stderr: string } } {
  const child = spawn(process.execPath, ['--import', TSX, ...(options.args ?? [path.join(repoRoot, 'src/main.ts')])], {
    cwd: options.cwd ?? repoRoot,
    // In the repository: not its .env (a developer's own settings), and the tests' tier rules.
    // A test that brings its own cwd sets up what it needs there.
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', LOG_FORMAT: 'json', ...(options.cwd ? {} : { FENJI_ENV_FILE: '/dev/null', FENJI_TIERS_FILE: TEST_TIERS_FILE }), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout!.on('data', (c: Buffer) => (output.stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output.stderr += c.toString()));
  return { child, output };
}

/** Runs Fenji (as `npm start` would) until it exits: for start-up failures. */
export function runMain(options: MainOptions & { timeoutMs?: number }): Promise<MainRun> {
  const { child, output } = spawnMain(options);
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  return new Promise((resolve) => {
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, ...output, errorLines: output.stderr.split('\n').filter((l) => l.trim() !== '') });
    });
  });
}

export interface RunningMain {
  readonly stdout: string;
  readonly stderr: string;
  /** Stops it (SIGTERM) and waits for the exit. */
  stop(): Promise<void>;
}

/** Starts Fenji and waits for its "fenji started" log line. @throws when it exits first or takes over a minute. */
export async function startMain(options: MainOptions): Promise<RunningMain> {
  const { child, output } = spawnMain(options);
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const running: RunningMain = {
    get stdout() {
      return output.stdout;
    },
    get stderr() {
      return output.stderr;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  const deadline = Date.now() + 60_000;
  while (!output.stdout.includes('"fenji started"')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await running.stop();
      throw new Error(`fenji did not start (exit ${child.exitCode}): ${output.stderr.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return running;
}

/** Runs a tsx script of this repository to its end, as `npm run …` would; stdout and stderr together. */
export function runScript(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', TSX, script, ...args], {
    cwd: repoRoot,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', FENJI_ENV_FILE: '/dev/null', FENJI_TIERS_FILE: TEST_TIERS_FILE, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, output })));
}
