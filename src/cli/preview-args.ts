import type { LocalDate } from '../domain/followups/local-time.ts';

/** `npm run preview -- --date 2027-02-06 [--at 09:30] [--limit 20]`, parsed. */
export interface PreviewArgs {
  date: LocalDate;
  /** Minute of the day (0-1439); undefined: each kind's own hour. */
  at?: number;
  /** Customers listed per recipient list. */
  limit: number;
}

export const DEFAULT_PREVIEW_LIMIT = 20;

export const PREVIEW_USAGE = '用法 usage: npm run preview -- --date YYYY-MM-DD [--at HH:MM] [--limit N]';

/** The arguments, or a one-line reason (zh-CN and English) they are wrong. */
export function parsePreviewArgs(args: readonly string[]): PreviewArgs | { error: string } {
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    if (!['--date', '--at', '--limit'].includes(flag)) return { error: `不认识的参数 unknown argument ${flag}. ${PREVIEW_USAGE}` };
    const value = inline ?? args[++i];
    if (value === undefined) return { error: `${flag} 缺少取值 needs a value. ${PREVIEW_USAGE}` };
    values.set(flag, value);
  }
  const date = values.get('--date');
  if (date === undefined) return { error: `缺少 --date missing --date. ${PREVIEW_USAGE}` };
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const parsed = d ? { year: Number(d[1]), month: Number(d[2]), day: Number(d[3]) } : null;
  const real = parsed && new Date(Date.UTC(parsed.year, parsed.month - 1, parsed.day)).toISOString().startsWith(date);
  if (!parsed || !real) return { error: `日期无效 --date must be a date as YYYY-MM-DD, got "${date}"` };
  const out: PreviewArgs = { date: parsed, limit: DEFAULT_PREVIEW_LIMIT };
  const at = values.get('--at');
  if (at !== undefined) {
    const t = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(at);
    if (!t) return { error: `时间无效 --at must be a time as HH:MM (00:00-23:59), got "${at}"` };
    out.at = Number(t[1]) * 60 + Number(t[2]);
  }
  const limit = values.get('--limit');
  if (limit !== undefined) {
    if (!/^\d+$/.test(limit) || Number(limit) < 1) return { error: `--limit 须为正整数 must be a whole number ≥ 1, got "${limit}"` };
    out.limit = Number(limit);
  }
  return out;
}
