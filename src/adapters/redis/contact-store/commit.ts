import type { ChainableCommander, Redis, Result } from 'ioredis';
import { COMMIT_CONTACT_LUA } from '../scripts/commit-contact.ts';
import type { IndexOp } from './indexes.ts';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    fenjiCommitContact(numKeys: number, ...keysAndArgs: (string | number)[]): Result<string, Context>;
  }
}

export type CommitResult = 'ok' | 'conflict' | 'duplicate';

/** One compare-and-set of a contact record with its index writes (scripts/commit-contact.ts). */
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

/** Registers the script on a connection (idempotent; ioredis caches the SHA). */
export function defineCommitCommand(redis: Redis): void {
  if (typeof (redis as Partial<Redis>).fenjiCommitContact !== 'function') {
    redis.defineCommand('fenjiCommitContact', { lua: COMMIT_CONTACT_LUA });
  }
}

export async function runCommit(redis: Redis, commit: Commit): Promise<CommitResult> {
  const [numKeys, ...rest] = commitArguments(commit);
  return (await redis.fenjiCommitContact(numKeys as number, ...rest)) as CommitResult;
}

export function queueCommit(pipeline: ChainableCommander, commit: Commit): void {
  const [numKeys, ...rest] = commitArguments(commit);
  pipeline.fenjiCommitContact(numKeys as number, ...rest);
}

/** `[numKeys, ...keys, ...argv]` for the script; keys are deduplicated and referenced by position. */
export function commitArguments(commit: Commit): (string | number)[] {
  const keys = [commit.key];
  const position = (key: string): number => {
    const found = keys.indexOf(key);
    if (found >= 0) return found + 1;
    keys.push(key);
    return keys.length;
  };
  const guardPosition = commit.guard ? position(commit.guard.key) : 0;
  const argv: (string | number)[] = [commit.mode ?? 'all', commit.expected ?? '', commit.next, guardPosition, commit.guard?.member ?? ''];
  for (const op of commit.ops) {
    if (op.op === 'Z+') argv.push('Z+', position(op.key), op.score, op.member);
    else if (op.op === 'Z-') argv.push('Z-', position(op.key), op.member);
    else argv.push('L', position(op.key), op.value, op.cap);
  }
  return [keys.length, ...keys, ...argv];
}
