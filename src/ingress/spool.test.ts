import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Spool } from './spool.ts';

const modeOf = (file: string) => statSync(file).mode & 0o777;

describe('Spool', () => {
  it('keeps its file readable by its owner only (0600, directory 0700): it holds message text', async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'fenji-spool-mode-')), 'spool');
    const spool = new Spool<{ text: string }>(dir);
    await spool.append({ text: '多少钱' });
    expect(modeOf(spool.file)).toBe(0o600);
    expect(modeOf(dir)).toBe(0o700);
  });

  it('tightens a spool left 0644 by an older version', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fenji-spool-old-'));
    chmodSync(dir, 0o755);
    writeFileSync(path.join(dir, 'callbacks.jsonl'), '{"text":"old"}\n', { mode: 0o644 });
    const spool = new Spool<{ text: string }>(dir);
    expect(modeOf(spool.file)).toBe(0o600);
    expect(modeOf(dir)).toBe(0o700);
  });

  it('keeps a record appended after a torn tail (a crash mid-write) whole', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fenji-spool-torn-'));
    mkdirSync(dir, { recursive: true });
    // The last process died mid-write: a line without its newline, never acknowledged.
    writeFileSync(path.join(dir, 'callbacks.jsonl'), '{"n":1}\n{"n":', { mode: 0o600 });
    const spool = new Spool<{ n: number }>(dir);
    await spool.append({ n: 2 });
    const seen: number[] = [];
    await spool.replay(async (batch) => { seen.push(...batch.map((r) => r.n)); });
    expect(seen).toEqual([1, 2]);
  });

  it('hands records over in order, in batches of at most batchSize, then empties the file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fenji-spool-batch-'));
    const spool = new Spool<{ n: number }>(dir);
    await Promise.all(Array.from({ length: 25 }, (_, n) => spool.append({ n })));
    const batches: number[][] = [];
    expect(await spool.replay(async (batch) => { batches.push(batch.map((r) => r.n)); }, 10)).toBe(25);
    expect(batches.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(batches.flat()).toEqual(Array.from({ length: 25 }, (_, n) => n));
    expect(readFileSync(spool.file, 'utf8')).toBe('');
  });
});
