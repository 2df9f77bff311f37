import type { Redis, Result } from 'ioredis';
import { COMMIT_CONTACTS_LUA } from '../scripts/commit-contacts.ts';
import type { IndexCount, IndexOp } from './indexes.ts';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    fenjiCommitContacts(numKeys: number, ...keysAndArgs: (string | number)[]): Result<string[], Context>;
  }
}

export type CommitResult = 'ok' | 'conflict' | 'duplicate';

/** One compare-and-set of a contact record with its index writes (scripts/commit-contacts.ts). */
export interface Commit {
  key: string;
  /** 'hot': expected and next are hot halves and the stored cold half is kept. Default 'all'. */
  mode?: 'all' | 'hot';
  /** The raw record (or hot half) as read; null = must not exist. */
  expected: string | null;
  next: string;
  /** A set that must not hold `member`; `member` is added on success (order ids). */
  guard?: { key: string; member: string };
  ops: IndexOp[];
}

/** Commits per script call in a batch: a few ms of Redis time, so other clients barely wait. */
const CHUNK = 100;

/** Registers the script on a connection (idempotent; ioredis caches the SHA). */
export function defineCommitCommand(redis: Redis): void {
  if (typeof (redis as Partial<Redis>).fenjiCommitContacts !== 'function') {
    redis.defineCommand('fenjiCommitContacts', { lua: COMMIT_CONTACTS_LUA });
  }
}

export async function runCommit(redis: Redis, commit: Commit): Promise<CommitResult> {
  const [result] = await runCommits(redis, [commit]);
  return result!;
}

/** Runs the commits in script calls of CHUNK (pipelined); one result per commit, in order. */
export async function runCommits(redis: Redis, commits: Commit[]): Promise<CommitResult[]> {
  if (commits.length === 0) return [];
  defineCommitCommand(redis);
  if (commits.length <= CHUNK) {
    const [numKeys, ...rest] = commitArguments(commits);
    return (await redis.fenjiCommitContacts(numKeys as number, ...rest)) as CommitResult[];
  }
  const pipeline = redis.pipeline();
  for (let i = 0; i < commits.length; i += CHUNK) {
    const [numKeys, ...rest] = commitArguments(commits.slice(i, i + CHUNK));
    pipeline.fenjiCommitContacts(numKeys as number, ...rest);
  }
  const replies = (await pipeline.exec()) ?? [];
  return replies.flatMap(([err, reply]) => {
    if (err) throw err;
    return reply as CommitResult[];
  });
}

/** `[numKeys, ...keys, ...argv]` for the script; keys are deduplicated and referenced by position. */
export function commitArguments(commits: Commit[]): (string | number)[] {
  const keys: string[] = [];
  const positions = new Map<string, number>();
  const position = (key: string): number => {
    let found = positions.get(key);
    if (found === undefined) {
      keys.push(key);
      found = keys.length;
      positions.set(key, found);
    }
    return found;
  };
  const argv: (string | number)[] = [commits.length];
  for (const commit of commits) {
    argv.push(position(commit.key), commit.mode ?? 'all', commit.expected ?? '', commit.next);
    argv.push(commit.guard ? position(commit.guard.key) : 0, commit.guard?.member ?? '', commit.ops.length);
    for (const op of commit.ops) {
      if (op.op === 'Z+') argv.push('Z+', position(op.key), op.score, op.member);
      else if (op.op === 'Z-') argv.push('Z-', position(op.key), op.member);
      else if (op.op === 'ZC+') argv.push('ZC+', position(op.key), op.score, op.member, ...countArgs(op.count));
      else if (op.op === 'ZC-') argv.push('ZC-', position(op.key), op.member, ...countArgs(op.count));
      else if (op.op === 'I') argv.push('I', position(op.key), op.field, op.by, op.ttlSeconds);
      else if (op.op === 'L') argv.push('L', position(op.key), op.value, op.cap);
      else argv.push('H', position(op.key), op.field, op.value);
    }
  }
  function countArgs(count: IndexCount): (string | number)[] {
    return [position(count.key), count.field, position(count.deltaKey), count.deltaTtlSeconds];
  }
  return [keys.length, ...keys, ...argv];
}
