import { spawn } from 'node:child_process';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

export interface MainRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stderr's non-empty lines. */
  errorLines: string[];
}

/**
 * Runs `src/main.ts` (or another entry) until it exits, as `npm start` would, for start-up
 * failures. Asynchronous, so the test process can hold a port meanwhile. `cwd` defaults to
 * the repository; a tree elsewhere runs its own copy (tsx is imported from that tree).
 */
export function runMain(options: { env: Record<string, string>; cwd?: string; args?: string[]; timeoutMs?: number }): Promise<MainRun> {
  const cwd = options.cwd ?? repoRoot;
  const child = spawn(process.execPath, ['--import', 'tsx', ...(options.args ?? ['src/main.ts'])], {
    cwd,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', LOG_FORMAT: 'json', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  return new Promise((resolve) => {
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, errorLines: stderr.split('\n').filter((l) => l.trim() !== '') });
    });
  });
}
