import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { open, stat, truncate, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/** Bytes read from the spool at a time during a replay (the file may hold an hour of callbacks). */
const READ_CHUNK_BYTES = 4 * 1024 * 1024;

function tighten(target: string, mode: number): void {
  try {
    chmodSync(target, mode);
  } catch {
    // not ours to change
  }
}

/**
 * An append-only, fsync'd local journal for callbacks accepted while Redis is away.
 *
 * WeCom gives up after 3 retries (~20-30 s), so an outage longer than that would lose
 * events we must not lose once we answered 200. Appends are group-committed: lines that
 * arrive while a write is in flight share the next write + fdatasync. The records hold
 * message text: the file is 0600 and its directory 0700.
 */
export class Spool<T> {
  readonly file: string;
  private pending: { line: string; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private flushing: Promise<void> | undefined;
  /** Serialises disk writes with the replay's final check-and-truncate. */
  private lock: Promise<void> = Promise.resolve();
  /** Whether this process has checked that the file ends on a whole line. */
  private tailChecked = false;

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
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.file = path.join(dir, name);
    // mkdir and open set modes only on what they create: tighten a spool an older version
    // left open. Best effort: a file system without modes (or not ours) must not stop Fenji.
    tighten(dir, 0o700);
    if (existsSync(this.file)) tighten(this.file, 0o600);
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
            handle = await open(this.file, 'a+', 0o600);
            const text = batch.map((p) => p.line).join('');
            await handle.write((await this.endsTorn(handle)) ? `\n${text}` : text);
            await handle.datasync();
            batch.forEach((p) => p.resolve());
          } catch (err) {
            // A failed write may have left part of a line: check the tail again next time.
            this.tailChecked = false;
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

  /**
   * Whether the file ends inside a line: a crash (or a failed write) mid-append. That line
   * was never acknowledged; a newline after it keeps it from swallowing the next record.
   */
  private async endsTorn(handle: FileHandle): Promise<boolean> {
    if (this.tailChecked) return false;
    const { size } = await handle.stat();
    const last = Buffer.alloc(1);
    if (size > 0) await handle.read(last, 0, 1, size - 1);
    this.tailChecked = true;
    return size > 0 && last[0] !== 0x0a;
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
   * Hands every record to `handle`, in order, at most `batchSize` at a time and up to
   * `inFlight` batches at once (the calls start in order), then empties the file. Records appended meanwhile are replayed too. Nothing is truncated before
   * every record has been handled: if `handle` throws (or the process dies), the file is
   * kept whole and a later replay starts over, so `handle` must be idempotent.
   */
  async replay(handle: (records: T[]) => Promise<void>, batchSize = 1000, inFlight = 1): Promise<number> {
    let offset = 0;
    let count = 0;
    const handling: Promise<void>[] = [];
    for (;;) {
      const { records, end } = await this.readFrom(offset);
      if (end === offset) {
        await Promise.all(handling.splice(0));
        // Truncate only if nothing new arrived; appends wait meanwhile. A tail without a
        // newline is torn by a crash: never fsync'd, never answered 200, and dropped.
        const done = await this.exclusive(async () => {
          if ((await this.readFrom(offset)).end !== offset) return false;
          await truncate(this.file, 0).catch(() => undefined);
          return true;
        });
        if (done) return count;
        continue;
      }
      for (let i = 0; i < records.length; i += batchSize) {
        const batch = records.slice(i, i + batchSize);
        const handled = handle(batch);
        handled.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
        handling.push(handled);
        if (handling.length >= inFlight) await handling.shift();
        count += batch.length;
      }
      offset = end;
    }
  }

  /** The whole lines from `offset` on (up to about READ_CHUNK_BYTES) and where they end. */
  private async readFrom(offset: number): Promise<{ records: T[]; end: number }> {
    const handle = await open(this.file, 'r').catch(() => undefined);
    if (!handle) return { records: [], end: offset };
    try {
      const { size } = await handle.stat();
      let text = '';
      let lastNewline = -1;
      // Grow the read until it holds a whole line (a record longer than a chunk) or the file ends.
      for (let want = READ_CHUNK_BYTES; lastNewline < 0; want *= 2) {
        const buffer = Buffer.alloc(Math.max(0, Math.min(want, size - offset)));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
        text = buffer.toString('utf8', 0, bytesRead);
        lastNewline = text.lastIndexOf('\n');
        if (offset + bytesRead >= size) break;
      }
      if (lastNewline < 0) return { records: [], end: offset };
      const complete = text.slice(0, lastNewline);
      const records = complete.split('\n').flatMap((l) => {
        if (l.trim() === '') return [];
        try {
          return [JSON.parse(l) as T];
        } catch {
          return []; // a torn line followed by later records (see endsTorn)
        }
      });
      return { records, end: offset + Buffer.byteLength(text.slice(0, lastNewline + 1)) };
    } finally {
      await handle.close();
    }
  }
}
