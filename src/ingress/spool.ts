import { mkdirSync } from 'node:fs';
import { open, stat, truncate, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/**
 * An append-only, fsync'd local journal for callbacks accepted while Redis is away.
 *
 * WeCom gives up after 3 retries (~20-30 s), so an outage longer than that would lose
 * events we must not lose once we answered 200. Appends are group-committed: lines that
 * arrive while a write is in flight share the next write + fdatasync.
 */
export class Spool<T> {
  readonly file: string;
  private pending: { line: string; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private flushing: Promise<void> | undefined;
  /** Serialises disk writes with the replay's final check-and-truncate. */
  private lock: Promise<void> = Promise.resolve();

  private async exclusive<R>(fn: () => Promise<R>): Promise<R> {
    const previous = this.lock;
    let release!: () => void;
    this.lock = new Promise((r) => (release = r));
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  }

  constructor(dir: string, name = 'callbacks.jsonl') {
    mkdirSync(dir, { recursive: true });
    this.file = path.join(dir, name);
  }

  /** Resolves once the record is on disk (fdatasync returned). */
  append(record: T): Promise<void> {
    const line = `${JSON.stringify(record)}\n`;
    return new Promise((resolve, reject) => {
      this.pending.push({ line, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        await this.exclusive(async () => {
          let handle: FileHandle | undefined;
          try {
            handle = await open(this.file, 'a');
            await handle.write(batch.map((p) => p.line).join(''));
            await handle.datasync();
            batch.forEach((p) => p.resolve());
          } catch (err) {
            batch.forEach((p) => p.reject(err));
          } finally {
            await handle?.close().catch(() => undefined);
          }
        });
      }
    } finally {
      this.flushing = undefined;
    }
  }

  /** Bytes waiting to be replayed. */
  async size(): Promise<number> {
    try {
      return (await stat(this.file)).size;
    } catch {
      return 0;
    }
  }

  /**
   * Hands every record to `handle`, in order, then empties the file. Records appended
   * meanwhile are replayed too. If `handle` throws, replay stops and the file is kept:
   * a later replay starts over, so `handle` must be idempotent.
   */
  async replay(handle: (record: T) => Promise<void>): Promise<number> {
    let offset = 0;
    let count = 0;
    for (;;) {
      const { records, end } = await this.readFrom(offset);
      for (const record of records) {
        await handle(record);
        count++;
      }
      offset = end;
      // Truncate only if nothing new arrived; appends wait meanwhile. Every completed
      // write ends in '\n', so a tail without one is torn by a crash: never fsync'd,
      // never answered 200, and dropped.
      const done = await this.exclusive(async () => {
        const { records: more } = await this.readFrom(offset);
        if (more.length === 0) {
          await truncate(this.file, 0).catch(() => undefined);
          return true;
        }
        return false;
      });
      if (done) return count;
    }
  }

  private async readFrom(offset: number): Promise<{ records: T[]; end: number }> {
    const handle = await open(this.file, 'r').catch(() => undefined);
    if (!handle) return { records: [], end: 0 };
    try {
      const { size } = await handle.stat();
      const buffer = Buffer.alloc(Math.max(0, size - offset));
      await handle.read(buffer, 0, buffer.length, offset);
      const text = buffer.toString('utf8');
      const lastNewline = text.lastIndexOf('\n');
      // A torn last line (crash mid-write, never fsync'd, never answered 200) is dropped.
      const complete = lastNewline < 0 ? '' : text.slice(0, lastNewline);
      const records = complete
        .split('\n')
        .filter((l) => l.trim() !== '')
        .flatMap((l) => {
          try {
            return [JSON.parse(l) as T];
          } catch {
            return [];
          }
        });
      return { records, end: offset + Buffer.byteLength(text.slice(0, lastNewline + 1)) };
    } finally {
      await handle.close();
    }
  }
}
