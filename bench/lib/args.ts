/**
 * Numeric bench options, read from `--name=value` flags first, then `BENCH_NAME` env vars,
 * then the default. Unknown flags are an error, so a typo does not silently run defaults.
 */
export interface OptionSpec {
  name: string;
  default: number;
  help: string;
  min?: number;
}

export function parseOptions<const T extends readonly OptionSpec[]>(
  specs: T,
  argv: string[],
  env: NodeJS.ProcessEnv,
): Record<T[number]['name'], number> {
  const out: Record<string, number> = {};
  const given = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z][a-zA-Z0-9]*)=(.*)$/.exec(arg);
    if (!match || !specs.some((s) => s.name === match[1])) {
      throw new Error(`unknown argument "${arg}"; options:\n${optionHelp(specs)}`);
    }
    given.set(match[1]!, match[2]!);
  }
  for (const spec of specs) {
    const envName = envNameOf(spec.name);
    const raw = given.get(spec.name) ?? env[envName];
    const value = raw === undefined || raw === '' ? spec.default : Number(raw);
    if (!Number.isFinite(value) || value < (spec.min ?? 0)) {
      throw new Error(`--${spec.name} (${envName}) must be a number >= ${spec.min ?? 0}, got "${raw}"`);
    }
    out[spec.name] = value;
  }
  return out as Record<T[number]['name'], number>;
}

export function optionHelp(specs: readonly OptionSpec[]): string {
  return specs
    .map((s) => `  --${s.name}=N  ${s.help} (default ${s.default}; env ${envNameOf(s.name)})`)
    .join('\n');
}

/** `fixedDuration` → `BENCH_FIXED_DURATION`. */
function envNameOf(name: string): string {
  return `BENCH_${name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`;
}
