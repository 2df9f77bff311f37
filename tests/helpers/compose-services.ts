import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { YamlValue } from './compose-file.ts';
import type { ImageLayout } from './image-layout.ts';

/**
 * Starts docker-compose.yml's services from an image layout (tests/helpers/image-layout.ts)
 * as plain processes on this machine, each as the image's USER. What Docker would provide
 * is stood in for: a service name and container port (`redis:6379`) become 127.0.0.1 and a
 * free port, a named volume becomes a folder initialised like Docker does (owner and mode
 * of the image's directory at the mount point).
 */
export interface ComposeHost {
  compose: Record<string, YamlValue>;
  image: ImageLayout;
  /** The project's `.env` as compose would read it (env_file and ${VAR} interpolation). */
  dotEnv: Record<string, string>;
  /** `service:containerPort` → `127.0.0.1:hostPort`, e.g. `redis:6379` → the test's Redis. */
  network: Record<string, string>;
  /** Per service, variables this host must set so a service listens on its mapped port. */
  listen: Record<string, Record<string, string>>;
  volumesDir: string;
}

export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  /** stdout lines, JSON-parsed; a line that is not JSON is kept as { notJson: line }. */
  lines: Record<string, unknown>[];
  output(): string;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export function service(host: ComposeHost, name: string): Record<string, YamlValue> {
  const services = host.compose['services'] as Record<string, Record<string, YamlValue>>;
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

/** The environment compose gives a service inside its container: image ENV < env_file < environment. */
export function containerEnv(host: ComposeHost, name: string): Record<string, string> {
  const svc = service(host, name);
  const env: Record<string, string> = { ...host.image.env };
  for (const file of (svc['env_file'] as YamlValue[] | undefined) ?? []) {
    const envFile = typeof file === 'string' ? file : (file as Record<string, string>)['path'];
    if (envFile !== '.env') throw new Error(`env_file ${envFile}: only .env is understood`);
    Object.assign(env, host.dotEnv);
  }
  for (const [key, value] of Object.entries((svc['environment'] as Record<string, string> | undefined) ?? {})) {
    env[key] = interpolate(value, host.dotEnv);
  }
  return env;
}

/** containerEnv with Docker's network and volumes replaced by this machine's stand-ins. */
function hostEnv(host: ComposeHost, name: string): Record<string, string> {
  const mounts = mountsOf(host, name);
  const env = containerEnv(host, name);
  for (const [key, value] of Object.entries(env)) {
    let mapped = value;
    for (const [from, to] of Object.entries(host.network)) mapped = mapped.replaceAll(`//${from}`, `//${to}`);
    // A path inside the container: a mounted volume, else the image's filesystem.
    if (mapped.startsWith('/')) {
      const mount = Object.keys(mounts).find((m) => mapped === m || mapped.startsWith(`${m}/`));
      mapped = mount ? mounts[mount]! + mapped.slice(mount.length) : path.join(host.image.root, mapped);
    }
    env[key] = mapped;
  }
  return { ...env, ...host.listen[name] };
}

/** What `docker compose up` starts: every service without a profile. */
export function servicesUp(host: ComposeHost): string[] {
  const services = host.compose['services'] as Record<string, Record<string, YamlValue>>;
  return Object.keys(services).filter((name) => services[name]!['profiles'] === undefined);
}

/**
 * `docker compose up` / `run` for one service: its entrypoint and command, as the image's
 * USER. `tty` gives it a terminal, as `docker compose run` does.
 */
export function startService(host: ComposeHost, name: string, options: { command?: string[]; env?: Record<string, string>; tty?: boolean } = {}): ServiceProcess {
  const svc = service(host, name);
  const argv = [...((svc['entrypoint'] as string[] | undefined) ?? host.image.entrypoint), ...(options.command ?? (svc['command'] as string[] | undefined) ?? host.image.cmd)];
  return spawnAsImageUser(host, name, argv, { ...hostEnv(host, name), ...options.env }, options.tty);
}

/** Runs a service's compose healthcheck once; resolves to its exit code. */
export async function healthcheck(host: ComposeHost, name: string): Promise<number | null> {
  const test = (service(host, name)['healthcheck'] as Record<string, YamlValue> | undefined)?.['test'] as string[] | undefined;
  if (!test || test[0] !== 'CMD') throw new Error(`service ${name}: no ["CMD", …] healthcheck`);
  const probe = spawnAsImageUser(host, `${name} healthcheck`, test.slice(1), hostEnv(host, name));
  return probe.exited;
}

function spawnAsImageUser(host: ComposeHost, name: string, argv: string[], env: Record<string, string>, tty = false): ServiceProcess {
  const [program, ...args] = argv;
  if (program !== 'node') throw new Error(`service ${name}: only node entrypoints are understood (got ${program})`);
  const command = [process.execPath, ...args];
  // util-linux `script` runs the command on a new pseudo-terminal.
  const [file, fileArgs] = tty ? ['script', ['-qec', command.map(shellQuote).join(' '), '/dev/null']] : [command[0]!, command.slice(1)];
  const child = spawn(file, fileArgs, {
    cwd: host.image.workdir,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    uid: host.image.user.uid,
    gid: host.image.user.gid,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  let text = '';
  let partial = '';
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stdout!.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    partial += chunk.toString();
    const complete = partial.split('\n');
    partial = complete.pop()!;
    for (const line of complete) {
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        lines.push({ notJson: line });
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    name,
    child,
    lines,
    output: () => text,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A service's named volumes as container path → folder, created as Docker would on first use. */
function mountsOf(host: ComposeHost, name: string): Record<string, string> {
  const mounts: Record<string, string> = {};
  for (const spec of (service(host, name)['volumes'] as string[] | undefined) ?? []) {
    const [volume, target] = spec.split(':') as [string, string];
    const dir = path.join(host.volumesDir, volume);
    if (!existsSync(dir)) {
      // A new named volume takes the owner and mode of the image's directory it is mounted on.
      mkdirSync(dir, { recursive: true });
      const imageDir = path.join(host.image.root, target);
      const { uid, gid, mode } = existsSync(imageDir) ? statSync(imageDir) : { uid: 0, gid: 0, mode: 0o755 };
      chownSync(dir, uid, gid);
      chmodSync(dir, mode & 0o7777);
    }
    mounts[target] = dir;
  }
  return mounts;
}

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}

/** Compose's `${VAR}`, `${VAR:-default}` from the shell (none here) and the project's .env. */
function interpolate(value: string, dotEnv: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::-([^}]*))?\}/g, (_m, name: string, fallback?: string) => dotEnv[name] || fallback || '');
}
