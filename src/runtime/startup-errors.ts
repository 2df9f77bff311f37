import { accessSync, constants, mkdirSync } from 'node:fs';
import { AppError, ConfigError } from '../shared/errors.ts';

/** AppErrors whose message already says what to do: shown as they are. */
const SELF_EXPLAINING = new Set(['sandbox_state_unreadable']);

/**
 * Makes sure DATA_DIR exists and Fenji may write in it, before anything starts: the spool
 * (callbacks accepted while Redis is away), the auto-started Redis and the sandbox's state
 * live there, and finding out during an outage would be too late.
 * @throws ConfigError naming DATA_DIR and why.
 */
export function ensureWritableDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    const { code, message } = err as NodeJS.ErrnoException;
    throw new ConfigError([`DATA_DIR ${dir} is not writable (${code ?? message}): create it with write access for this user, or point DATA_DIR elsewhere`]);
  }
}

/** The ports Fenji listens on, by the variable that sets each. */
export type PortVariables = Record<string, number>;

/**
 * One line for a start-up failure a user can fix (a port taken, bad configuration), so
 * they see what to do instead of a stack trace; undefined for anything else (a bug: keep
 * the stack).
 */
export function startupFailureLine(err: unknown, ports: PortVariables = {}): string | undefined {
  if (err instanceof ConfigError) {
    return err.problems.length === 1 ? `Invalid configuration: ${err.problems[0]}` : err.message;
  }
  if (err instanceof AppError && SELF_EXPLAINING.has(err.code)) return err.message;
  const { code, port, syscall } = (err ?? {}) as NodeJS.ErrnoException & { port?: number };
  if (syscall === 'listen' && (code === 'EADDRINUSE' || code === 'EACCES')) {
    const name = Object.entries(ports).find(([, p]) => p === port)?.[0] ?? 'port';
    return code === 'EADDRINUSE'
      ? `${name} ${port} is already in use (another Fenji still running?): stop that process or set ${name} to a free port`
      : `${name} ${port} needs privileges to listen on: set ${name} to a port above 1023`;
  }
  return undefined;
}
