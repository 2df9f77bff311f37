import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { parseOptions, type OptionSpec } from './args.ts';

/**
 * Child processes and cleanup for benchmarks: every process and temp dir a bench creates
 * is registered here and torn down in reverse order, on success, on error and on Ctrl-C.
 */
const cleanups: { name: string; fn: () => Promise<void> | void }[] = [];
let cleaning: Promise<void> | undefined;

export function onCleanup(name: string, fn: () => Promise<void> | void): void {
  cleanups.push({ name, fn });
}

export function runCleanups(): Promise<void> {
  cleaning ??= (async () => {
    for (const { name, fn } of cleanups.reverse()) {
      try {
        await fn();
      } catch (err) {
        console.error(`cleanup "${name}" failed: ${(err as Error).message}`);
      }
    }
    cleanups.length = 0;
  })();
  return cleaning;
}

export function installSignalHandlers(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping child processes and removing temp dirs…`);
      void runCleanups().finally(() => process.exit(130));
    });
  }
}

/** CPU pinning: server side on CPU 1, load generator (this process) on CPU 0. */
export interface Pinning {
  enabled: boolean;
  note: string;
}

export function detectPinning(): Pinning {
  const cpus = os.availableParallelism();
  if (spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status !== 0) {
    return { enabled: false, note: 'taskset not found: running UNPINNED (server and load generator share all cores)' };
  }
  if (cpus < 2) return { enabled: false, note: `only ${cpus} CPU available: running UNPINNED` };
  return { enabled: true, note: `pinned: server on CPU 1, load generator on CPU 0 (${cpus} CPUs); redis-server on the CPU --redisCpu names` };
}

/** Moves an existing process (and its future threads) to one CPU. */
export function pinPid(pid: number, cpu: number): void {
  const r = spawnSync('taskset', ['-a', '-cp', String(cpu), String(pid)], { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`taskset -a -cp ${cpu} ${pid} failed`);
}

export interface ServerProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
  stop(): Promise<void>;
  logTail(lines?: number): string;
}

/** Spawns a server (optionally under `taskset -c cpu`), output to logFile; registered for cleanup. */
export function spawnServer(opts: {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  logFile: string;
  cpu?: number;
}): ServerProcess {
  const fd = openSync(opts.logFile, 'a');
  const [command, args] =
    opts.cpu === undefined ? [opts.command, opts.args] : ['taskset', ['-c', String(opts.cpu), opts.command, ...opts.args]];
  const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  onCleanup(opts.name, stop);
  return {
    name: opts.name,
    child,
    logFile: opts.logFile,
    stop,
    logTail: (lines = 20) => {
      try {
        return readFileSync(opts.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '';
      }
    },
  };
}

/** Polls `url` until it answers 2xx; fails early if the process exits. */
export async function waitForHttp(server: ServerProcess, url: string, timeoutMs = 30_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      throw new Error(`${server.name} exited (code ${server.child.exitCode}, signal ${server.child.signalCode}):\n${server.logTail()}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok) return Date.now() - started;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${server.name} did not answer ${url} within ${timeoutMs} ms:\n${server.logTail()}`);
}

/**
 * Runs one scenario: parses its options, installs the Ctrl-C handler, and always runs the
 * registered cleanups (child processes, temp dirs), whatever happens.
 */
export async function runScenario<const T extends readonly OptionSpec[]>(
  specs: T,
  argv: string[],
  run: (options: Record<T[number]['name'], number>) => Promise<number>,
): Promise<number> {
  const options = parseOptions(specs, argv, process.env);
  installSignalHandlers();
  try {
    return await run(options);
  } finally {
    await runCleanups();
  }
}
