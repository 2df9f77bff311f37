import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Code comments cite the project's own protocol notes (docs/wecom/*.md) by section title,
 * never notes that are not in the repository: a citation must lead a reader somewhere.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const SOURCE_DIRS = ['src', 'tests', 'bench'];

function sourceFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/\.(ts|mts|js)$/.test(entry.name)) files.push(file);
    }
  };
  for (const dir of SOURCE_DIRS) walk(path.join(ROOT, dir));
  return files;
}

function headings(doc: string): Set<string> {
  const text = readFileSync(path.join(ROOT, doc), 'utf8');
  return new Set([...text.matchAll(/^#{1,4} (.+)$/gm)].map((m) => m[1]!.trim()));
}

describe('protocol citations in code', () => {
  const self = path.relative(ROOT, import.meta.filename);
  const files = sourceFiles().filter((f) => path.relative(ROOT, f) !== self);

  it('name a docs/wecom file and section that exist', () => {
    const broken: string[] = [];
    for (const file of files) {
      // A citation may wrap onto the next comment line.
      const text = readFileSync(file, 'utf8').replace(/\n\s*(\/\/|\*)\s*/g, ' ');
      for (const m of text.matchAll(/docs\/wecom\/([a-z-]+\.md)(?:, '([^']+)')?/g)) {
        const doc = `docs/wecom/${m[1]}`;
        let sections: Set<string>;
        try {
          sections = headings(doc);
        } catch {
          broken.push(`${path.relative(ROOT, file)}: ${doc} does not exist`);
          continue;
        }
        if (m[2] !== undefined && !sections.has(m[2])) broken.push(`${path.relative(ROOT, file)}: ${doc} has no section '${m[2]}'`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('never cite notes outside the repository (WECOM.md, STYLE.md, the seeds)', () => {
    const outside = files.filter((f) => /WECOM(-BOT-WEB)?\.md|STYLE\.md|PERFORMANCE\.md|shared\/seeds/.test(readFileSync(f, 'utf8')));
    expect(outside.map((f) => path.relative(ROOT, f))).toEqual([]);
  });
});
