/**
 * Reads docker-compose.yml for the production-shape test, so the test runs what compose
 * would run rather than a copy that can drift. Only the YAML our compose file uses is
 * understood: block mappings and sequences, JSON-style flow sequences (`["a", "b"]`),
 * quoted and plain scalars, an anchor on a mapping (`x-fenji: &fenji`) and merge keys
 * (`<<: *fenji`). Anything else throws, naming the line: extend the reader, don't guess.
 */
export type YamlValue = string | YamlValue[] | { [key: string]: YamlValue };
type Line = { indent: number; text: string; number: number };

export function parseComposeYaml(source: string): Record<string, YamlValue> {
  const lines: Line[] = source.split('\n').flatMap((raw, i) => {
    const text = stripComment(raw).trimEnd();
    return text.trim() === '' ? [] : [{ indent: text.length - text.trimStart().length, text: text.trim(), number: i + 1 }];
  });
  const anchors = new Map<string, YamlValue>();
  let at = 0;

  function block(indent: number): YamlValue {
    return lines[at]!.text.startsWith('- ') ? sequence(indent) : mapping(indent);
  }
  function sequence(indent: number): YamlValue[] {
    const items: YamlValue[] = [];
    while (at < lines.length && lines[at]!.indent === indent && lines[at]!.text.startsWith('- ')) {
      const line = lines[at]!;
      const rest = line.text.slice(2);
      if (/^[\w.-]+:( |$)/.test(rest)) {
        // `- key: value` opens a mapping whose further keys sit two columns deeper.
        lines[at] = { ...line, indent: indent + 2, text: rest };
        items.push(mapping(indent + 2));
      } else {
        at++;
        items.push(scalar(rest, line));
      }
    }
    return items;
  }
  function mapping(indent: number): Record<string, YamlValue> {
    const out: Record<string, YamlValue> = {};
    while (at < lines.length && lines[at]!.indent === indent) {
      const line = lines[at]!;
      const match = /^([\w.<-]+):(?: (.*))?$/.exec(line.text);
      if (!match) throw new Error(`docker-compose.yml line ${line.number}: not understood: ${line.text}`);
      const [, key, rawValue] = match as unknown as [string, string, string | undefined];
      at++;
      let value: YamlValue;
      const anchor = rawValue?.startsWith('&') ? rawValue.slice(1) : undefined;
      if (rawValue === undefined || anchor) {
        const next = lines[at];
        value = next && next.indent > indent ? block(next.indent) : {};
        if (anchor) anchors.set(anchor, value);
      } else if (rawValue.startsWith('*')) {
        value = anchors.get(rawValue.slice(1)) ?? fail(line, `unknown alias ${rawValue}`);
      } else {
        value = scalar(rawValue, line);
      }
      if (key === '<<') Object.assign(out, value);
      else out[key] = value;
    }
    if (at < lines.length && lines[at]!.indent > indent) fail(lines[at]!, 'unexpected indentation');
    return out;
  }
  const result = mapping(0);
  if (at < lines.length) fail(lines[at]!, 'unexpected line');
  return result;
}

function scalar(text: string, line: Line): YamlValue {
  if (text.startsWith('[') || text.startsWith('"')) {
    try {
      return JSON.parse(text) as YamlValue;
    } catch {
      // `[a, b]` of plain words, e.g. `profiles: [sandbox]`.
      if (/^\[[\w., -]*\]$/.test(text)) return text.slice(1, -1).split(',').map((s) => s.trim()).filter(Boolean);
      return fail(line, 'flow values must be JSON-compatible');
    }
  }
  if (text.startsWith("'")) return text.slice(1, -1).replaceAll("''", "'");
  if (/^[{&*|>]/.test(text)) return fail(line, 'unsupported YAML');
  return text;
}

/** Drops a `#` comment that is not inside quotes. */
function stripComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i);
  }
  return line;
}

function fail(line: Line, why: string): never {
  throw new Error(`docker-compose.yml line ${line.number}: ${why}: ${line.text}`);
}
