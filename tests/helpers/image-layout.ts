import { execFileSync } from 'node:child_process';
import { chownSync, cpSync, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Lays out what the Dockerfile builds, without Docker, by reading the Dockerfile itself:
 * each stage gets a folder standing for its filesystem root, COPY copies from the build
 * context (or an earlier stage), RUN runs in the stage's WORKDIR, and ENV, USER,
 * ENTRYPOINT and CMD are kept for whoever starts a container from the result.
 * An instruction it does not know throws: teach it, so the test cannot drift from the image.
 */
export interface ImageLayout {
  /** The final stage's filesystem root: an image path `/app` is `<root>/app` here. */
  root: string;
  workdir: string;
  env: Record<string, string>;
  /** USER as uid/gid (see IMAGE_USERS). */
  user: { uid: number; gid: number };
  entrypoint: string[];
  cmd: string[];
}

/** The users the base image (node:20-bookworm-slim) defines, by name. */
export const IMAGE_USERS: Record<string, { uid: number; gid: number }> = {
  root: { uid: 0, gid: 0 },
  node: { uid: 1000, gid: 1000 },
};

interface Stage {
  name: string | undefined;
  root: string;
  workdir: string;
  env: Record<string, string>;
  user: string;
  entrypoint: string[];
  cmd: string[];
}

export function buildImageLayout(options: { dockerfile: string; context: string; into: string; runEnv: Record<string, string> }): ImageLayout {
  const stages: Stage[] = [];
  let stage: Stage | undefined;
  for (const { op, args } of instructions(options.dockerfile)) {
    if (op === 'FROM') {
      const [, name] = /\sAS\s+(\S+)$/i.exec(args) ?? [];
      stage = { name, root: path.join(options.into, `stage-${stages.length}`), workdir: '/', env: {}, user: 'root', entrypoint: [], cmd: [] };
      mkdirSync(stage.root, { recursive: true });
      stages.push(stage);
      continue;
    }
    if (!stage) throw new Error(`Dockerfile: ${op} before FROM`);
    const s = stage;
    const inStage = (p: string) => path.join(s.root, path.posix.resolve(s.workdir, p));
    switch (op) {
      case 'WORKDIR':
        s.workdir = path.posix.resolve(s.workdir, args);
        mkdirSync(inStage('.'), { recursive: true });
        break;
      case 'ENV':
        for (const [, key, quoted, plain] of args.matchAll(/(\w+)=(?:"([^"]*)"|(\S*))/g)) s.env[key!] = quoted ?? plain ?? '';
        break;
      case 'USER':
        if (!IMAGE_USERS[args]) throw new Error(`Dockerfile: USER ${args} is not in IMAGE_USERS`);
        s.user = args;
        break;
      case 'ENTRYPOINT':
        s.entrypoint = JSON.parse(args) as string[];
        break;
      case 'CMD':
        s.cmd = JSON.parse(args) as string[];
        break;
      case 'EXPOSE':
        break;
      case 'COPY':
        copy(args, { context: options.context, stages, to: inStage });
        break;
      case 'RUN':
        run(args, s, options.runEnv);
        break;
      default:
        throw new Error(`Dockerfile: ${op} is not understood by tests/helpers/image-layout.ts`);
    }
  }
  const last = stages.at(-1)!;
  return { root: last.root, workdir: path.join(last.root, last.workdir), env: last.env, user: IMAGE_USERS[last.user]!, entrypoint: last.entrypoint, cmd: last.cmd };
}

/** Instructions with comments dropped and `\` continuations joined. */
function instructions(source: string): { op: string; args: string }[] {
  const joined = source.replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [, op, args] = /^(\w+)\s+(.*)$/.exec(l) ?? [];
      if (!op || args === undefined) throw new Error(`Dockerfile: not understood: ${l}`);
      return { op: op.toUpperCase(), args: args.trim() };
    });
}

function copy(args: string, at: { context: string; stages: Stage[]; to: (p: string) => string }): void {
  const words = args.split(/\s+/);
  const flags = words.filter((w) => w.startsWith('--'));
  const paths = words.filter((w) => !w.startsWith('--'));
  const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
  if (flags.some((f) => !f.startsWith('--from='))) throw new Error(`Dockerfile: COPY flags not understood: ${flags.join(' ')}`);
  const source = from ? at.stages.find((s) => s.name === from) : undefined;
  if (from && !source) throw new Error(`Dockerfile: COPY --from=${from}: no such stage`);
  const dest = paths.pop()!;
  for (const src of paths) {
    const origin = source ? path.join(source.root, src) : path.join(at.context, src);
    const intoDir = dest.endsWith('/') || paths.length > 1;
    const target = statSync(origin).isDirectory() || !intoDir ? at.to(dest) : path.join(at.to(dest), path.basename(src));
    // Symlinks stay symlinks (npm links `file:` dependencies), as in a Docker layer.
    cpSync(origin, target, { recursive: true, verbatimSymlinks: true });
  }
}

/**
 * RUN with only relative paths runs in a shell in the stage's WORKDIR (npm ci, the build).
 * RUN touching absolute paths would touch this machine's, so those steps are interpreted
 * instead: `mkdir -p` and `chown user:group`, joined by `&&`.
 */
function run(command: string, stage: Stage, runEnv: Record<string, string>): void {
  if (!/(^|\s)\//.test(command)) {
    if (stage.user !== 'root') throw new Error('Dockerfile: RUN as a non-root USER is not understood');
    execFileSync('sh', ['-c', command], { cwd: path.join(stage.root, stage.workdir), env: { ...runEnv, ...stage.env }, stdio: 'pipe' });
    return;
  }
  for (const step of command.split('&&').map((s) => s.trim().split(/\s+/))) {
    const [verb, ...rest] = step;
    const targets = rest.filter((w) => w.startsWith('/')).map((p) => path.join(stage.root, p));
    if (verb === 'mkdir' && rest.every((w) => w === '-p' || w.startsWith('/'))) {
      for (const t of targets) mkdirSync(t, { recursive: true });
    } else if (verb === 'chown' && rest.length >= 2 && /^\w+:\w+$/.test(rest[0]!)) {
      const [user, group] = rest[0]!.split(':') as [string, string];
      const ids = { uid: IMAGE_USERS[user]?.uid, gid: IMAGE_USERS[group]?.gid };
      if (ids.uid === undefined || ids.gid === undefined) throw new Error(`Dockerfile: chown ${rest[0]}: not in IMAGE_USERS`);
      for (const t of targets) {
        if (!existsSync(t)) throw new Error(`Dockerfile: chown ${t}: no such file`);
        chownSync(t, ids.uid, ids.gid);
      }
    } else {
      throw new Error(`Dockerfile: RUN step not understood by tests/helpers/image-layout.ts: ${step.join(' ')}`);
    }
  }
}
