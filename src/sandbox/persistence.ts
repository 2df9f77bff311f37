import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { AppError } from '../shared/errors.ts';
import type { StateSnapshot } from './snapshot.ts';

/** What survives a restart: the corp, and the access_tokens it handed out. */
export interface SavedCorp {
  version: 1;
  state: StateSnapshot;
  tokens: Array<{ token: string; expiresAt: number; revoked: boolean }>;
}

/** Where a sandbox started by Fenji or `npm run sandbox -- serve` keeps its corp. */
export function sandboxStateFile(dataDir: string): string {
  return path.join(dataDir, 'sandbox', 'state.json');
}

/**
 * Reads a saved corp; undefined when there is none yet (a first start).
 * @throws AppError sandbox_state_unreadable naming the file when it is not a saved corp (and how to start over).
 */
export function loadSavedCorp(file: string): SavedCorp | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const saved = JSON.parse(text) as Partial<SavedCorp>;
    if (saved.version === 1 && saved.state && Array.isArray(saved.tokens)) return saved as SavedCorp;
  } catch {
    // Reported below, with what to do.
  }
  throw new AppError('sandbox_state_unreadable', `The sandbox state file ${file} is not a saved corp: delete it, or run npm run sandbox -- reset`);
}

/** Writes the file whole or not at all: a crash mid-write leaves the previous version. */
function writeAtomically(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, file);
}

/**
 * Saves the corp a little after each change (changes come in bursts: a demo, a sync),
 * and at once on flush (close). Synchronous writes: the file is small, and a save never
 * interleaves with another.
 */
export class CorpSaver {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly file: string,
    private readonly capture: () => SavedCorp,
    private readonly log: Logger,
    private readonly delayMs = 300,
  ) {}

  /** Something may have changed: save soon. */
  changed(): void {
    this.timer ??= setTimeout(() => this.flush(), this.delayMs);
    this.timer.unref();
  }

  /** Saves now (pending change or not). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    try {
      writeAtomically(this.file, JSON.stringify(this.capture()));
    } catch (err) {
      this.log.warn({ err: { message: (err as Error).message }, file: this.file }, 'could not save the sandbox state');
    }
  }
}
