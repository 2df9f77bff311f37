import { ConfigError } from '../shared/errors.ts';

export type Role = 'web' | 'worker' | 'scheduler';
const ROLES: Role[] = ['web', 'worker', 'scheduler'];

/** `--role=web|worker|scheduler` (comma-separated, or `all`, the default). */
export function parseRoles(argv: string[]): Set<Role> {
  const arg = argv.find((a) => a.startsWith('--role='))?.slice('--role='.length) ?? 'all';
  if (arg === 'all') return new Set(ROLES);
  const roles = arg.split(',').map((r) => r.trim());
  const bad = roles.filter((r) => !ROLES.includes(r as Role));
  if (bad.length > 0) {
    throw new ConfigError([`--role must be web, worker, scheduler or all (comma-separated), got "${bad.join(',')}"`]);
  }
  return new Set(roles as Role[]);
}
