import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { RecordedCall } from '../../src/sandbox/recorder.ts';
import type { SeedInput } from '../../src/sandbox/seed.ts';
import { onCleanup } from './procs.ts';

/** A sandbox in its own process, driven through its control API (/_sandbox/*). */
export interface SandboxProcess {
  url: string;
  seed(input: SeedInput): Promise<void>;
  /** A per-minute or per-second quota on one API path. */
  setLimit(apiPath: string, limit: number, per: 'minute' | 'second'): Promise<void>;
  /** The recorded calls to one API path. */
  calls(apiPath: string): Promise<Pick<RecordedCall, 'at' | 'errcode'>[]>;
  /** The sandbox process's CPU seconds so far (user + sys, from /proc; 0 where there is none). */
  cpuSeconds(): number;
}

/**
 * Starts bench/lib/sandbox-child.ts with `latencyMs` on every WeCom call, on whichever CPU
 * the system gives it; registered for cleanup.
 */
export async function startSandboxProcess(opts: { latencyMs: number }): Promise<SandboxProcess> {
  const child = path.resolve(import.meta.dirname, 'sandbox-child.ts');
  const proc = spawn(process.execPath, ['--max-semi-space-size=32', '--import', 'tsx', child], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    env: { ...process.env, BENCH_SANDBOX_LATENCY_MS: String(opts.latencyMs) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  onCleanup('sandbox process', () => new Promise<void>((resolve) => {
    if (proc.exitCode !== null) return resolve();
    proc.once('exit', () => resolve());
    proc.kill('SIGTERM');
  }));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: proc.stdout! });
    lines.on('line', (line) => {
      if (line.startsWith('SANDBOX_URL=')) resolve(line.slice('SANDBOX_URL='.length));
    });
    proc.once('exit', (code) => reject(new Error(`sandbox process exited (${code}) before it listened`)));
  });
  const control = async (method: string, route: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${url}/_sandbox${route}`, {
      method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`sandbox ${method} ${route}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  return {
    url,
    seed: async (input) => void await control('POST', '/seed', input),
    setLimit: async (apiPath, limit, per) => void await control('POST', '/limits', { path: apiPath, limit, per }),
    calls: async (apiPath) => ((await control('GET', `/calls?path=${encodeURIComponent(apiPath)}`)) as { calls: RecordedCall[] }).calls,
    cpuSeconds: () => procCpuSeconds(proc.pid),
  };
}

function procCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    // Fields 14 and 15 (utime, stime) after the parenthesised command name, in clock ticks (100 a second on Linux).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}
