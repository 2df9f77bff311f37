import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';

/**
 * Starts a private `redis-server` with AOF on and `noeviction`, the shape Fenji needs
 * (Redis is our database and our queue). Used by `npm start` when no Redis answers and
 * by the test harness, which owns its own server and never touches anyone else's.
 */
export interface LocalRedis {
  port: number;
  url: string;
  dir: string;
  /** The running process (for fault tests that SIGKILL it). */
  process: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export class RedisServerMissingError extends Error {
  readonly code = 'redis_server_missing';
  constructor() {
    super(
      'No Redis answers at REDIS_URL and there is no redis-server binary to start one. ' +
        'Install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL.',
    );
    this.name = 'RedisServerMissingError';
  }
}

export function hasRedisServerBinary(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * @param options.extraArgs appended after Fenji's settings, so they win (tests use them to
 *   start a Redis set up the way Fenji warns about, e.g. `--appendonly no`).
 */
export async function startLocalRedis(options: { dir: string; port?: number; extraArgs?: string[] }): Promise<LocalRedis> {
  if (!hasRedisServerBinary()) throw new RedisServerMissingError();
  mkdirSync(options.dir, { recursive: true });
  const port = options.port ?? (await freePort());
  const child = spawn(
    'redis-server',
    [
      '--port', String(port),
      '--bind', '127.0.0.1',
      '--dir', options.dir,
      '--appendonly', 'yes',
      '--appendfsync', 'everysec',
      '--maxmemory-policy', 'noeviction',
      '--save', '',
      '--daemonize', 'no',
      '--logfile', 'redis.log',
      ...(options.extraArgs ?? []),
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitForPort(port, child);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir: options.dir,
    process: child,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** Resolves once something accepts connections on 127.0.0.1:port. */
export async function isPortOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.setTimeout(500);
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
  });
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode} (port ${port} taken?)`);
    if (await isPortOpen(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not open port ${port} within 10 s`);
}

/**
 * A port that is free now, below Linux's ephemeral range (32768-60999): a port the kernel
 * picked for bind(0) is also what it hands to outgoing connections, so another process's
 * connection to Redis could take it between this check and our listen (seen as a flaky
 * EADDRINUSE under a parallel test run). Random picks in 20000-32767 avoid that range, and
 * two of them colliding is unlikely; the kernel's own pick is the last resort.
 */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < 20; tries++) {
    const port = 20_000 + Math.floor(Math.random() * 12_768);
    if (await canListen(port)) return port;
  }
  return listenOnce(0);
}

async function canListen(port: number): Promise<boolean> {
  return listenOnce(port).then(() => true, () => false);
}

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
