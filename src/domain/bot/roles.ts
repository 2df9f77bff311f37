/**
 * Who may ask the bot what (issue 9, 'Roles'): managers are named in FENJI_MANAGERS and see
 * every customer; reps are members with at least one customer (an active relation) and see
 * only their own; anyone else is refused politely.
 */
export type Role = 'manager' | 'rep';

/**
 * Whose customers a command may read. Handlers get a Scope, never a userid to filter by,
 * so a rep's command is confined to the rep's customers by construction.
 */
export type Scope = { kind: 'corp' } | { kind: 'rep'; rep: string };

/** A member the bot answers. */
export interface Member {
  userId: string;
  role: Role;
}

export interface RoleDeps {
  managers: ReadonlySet<string>;
  /** Whether the member has a customer (an active relation) in the archive. */
  hasCustomers(userId: string): Promise<boolean>;
}

/** The member's role, or null for a member the bot does not serve. */
export async function identifyMember(userId: string, deps: RoleDeps): Promise<Member | null> {
  if (deps.managers.has(userId)) return { userId, role: 'manager' };
  if (await deps.hasCustomers(userId)) return { userId, role: 'rep' };
  return null;
}

/**
 * The scope of a command that may name a rep: a manager's is the corp, or the rep named;
 * a rep's is always their own, and naming another rep is refused (never answered with
 * that rep's data, nor with a hint whether that rep exists).
 */
export function scopeFor(member: Member, requestedRep: string | undefined): Scope | 'forbidden' {
  if (requestedRep === undefined) return ownScope(member);
  if (member.role === 'manager' || requestedRep === member.userId) return { kind: 'rep', rep: requestedRep };
  return 'forbidden';
}

/** What a member sees when naming no one: a manager the corp, a rep their own customers. */
export function ownScope(member: Member): Scope {
  return member.role === 'manager' ? { kind: 'corp' } : { kind: 'rep', rep: member.userId };
}
