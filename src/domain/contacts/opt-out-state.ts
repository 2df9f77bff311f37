import type { ContactRecord, OptOut, OptOutReversal } from '../ports.ts';

/**
 * Opt-out and its reversal as facts with a time: the latest word is the state. Facts
 * arrive in any order (a kf re-sync reads an old 退订 after the rep reversed it; two jobs
 * finish in either order; a job runs twice), so the record keeps only the latest fact
 * seen and a fact changes it only when later: the same set of facts gives the same state
 * whatever the order. Equal times: a reversal wins over an opt-out (the rep acted on what
 * they knew), then the smaller source or actor, so even ties do not depend on the order.
 */
export type OptOutFact = { kind: 'opt_out'; optOut: OptOut } | { kind: 'reversal'; reversal: OptOutReversal };

/** What a record holds of it: at most one of the two, the latest fact. */
export type OptOutState = Pick<ContactRecord, 'optOut' | 'optOutReversal'>;

/** The latest fact a state holds, or null for a record that never had one. */
export function latestOptOutFact(state: OptOutState): OptOutFact | null {
  if (state.optOut) return { kind: 'opt_out', optOut: state.optOut };
  if (state.optOutReversal) return { kind: 'reversal', reversal: state.optOutReversal };
  return null;
}

/** Whether `a` is a later word than `b` (a total order: time, then reversal over opt-out, then by id). */
export function isLaterFact(a: OptOutFact, b: OptOutFact): boolean {
  const [at, bt] = [factTime(a), factTime(b)];
  if (at !== bt) return at > bt;
  if (a.kind !== b.kind) return a.kind === 'reversal';
  const [ak, bk] = [factKey(a), factKey(b)];
  return ak < bk;
}

/** The state after `fact`: unchanged (the same object) unless the fact is later than the one held. */
export function applyOptOutFact<S extends OptOutState>(state: S, fact: OptOutFact): S {
  const held = latestOptOutFact(state);
  if (held && !isLaterFact(fact, held)) return state;
  const { optOut: _optOut, optOutReversal: _reversal, ...rest } = state;
  return (fact.kind === 'opt_out' ? { ...rest, optOut: fact.optOut } : { ...rest, optOutReversal: fact.reversal }) as S;
}

const factTime = (f: OptOutFact): number => (f.kind === 'opt_out' ? f.optOut.at : f.reversal.at);
const factKey = (f: OptOutFact): string => (f.kind === 'opt_out' ? `${f.optOut.source}\u0000${f.optOut.keyword}` : f.reversal.by);
