import { describe, expect, it } from 'vitest';
import { applyOptOutFact, type OptOutFact, type OptOutState } from './opt-out-state.ts';

const T = Date.UTC(2026, 8, 1);
const optOut = (at: number, source = `m${at}`): OptOutFact => ({ kind: 'opt_out', optOut: { at, keyword: '退订', source } });
const reversal = (at: number, by = 'crm'): OptOutFact => ({ kind: 'reversal', reversal: { at, by } });

/** Every order of `facts` (permutations; small lists only). */
function orders<T>(facts: T[]): T[][] {
  if (facts.length <= 1) return [facts];
  return facts.flatMap((f, i) => orders([...facts.slice(0, i), ...facts.slice(i + 1)]).map((rest) => [f, ...rest]));
}

const fold = (facts: OptOutFact[]): OptOutState => facts.reduce<OptOutState>(applyOptOutFact, {});

describe('applyOptOutFact: the latest word wins, whatever the order facts arrive in', () => {
  it('an opt-out older than the reversal does not opt them out again; a newer one does', () => {
    expect(fold([optOut(T), reversal(T + 10)])).toEqual({ optOutReversal: { at: T + 10, by: 'crm' } });
    expect(fold([reversal(T + 10), optOut(T)])).toEqual({ optOutReversal: { at: T + 10, by: 'crm' } });
    expect(fold([optOut(T), reversal(T + 10), optOut(T + 20)])).toEqual({ optOut: { at: T + 20, keyword: '退订', source: `m${T + 20}` } });
  });

  it('gives one state for every order of the same facts, ties included', () => {
    const facts = [optOut(T), reversal(T + 10), optOut(T + 10, 'mB'), optOut(T + 10, 'mA'), reversal(T + 10, 'admin')];
    const states = orders(facts).map((o) => JSON.stringify(fold(o)));
    expect(new Set(states).size).toBe(1);
    // At equal times a reversal wins over an opt-out, then the smaller actor.
    expect(fold(facts)).toEqual({ optOutReversal: { at: T + 10, by: 'admin' } });
    expect(fold([optOut(T, 'mB'), optOut(T, 'mA')])).toEqual(fold([optOut(T, 'mA'), optOut(T, 'mB')]));
  });

  it('a replay of the fact held, or an older one, returns the same object (nothing to write)', () => {
    const held = fold([optOut(T + 5)]);
    expect(applyOptOutFact(held, optOut(T + 5))).toBe(held);
    expect(applyOptOutFact(held, optOut(T))).toBe(held);
    expect(applyOptOutFact(held, reversal(T))).toBe(held);
  });

  it('keeps the rest of the record', () => {
    const record = { name: 'x', optOut: null, optOutReversal: null };
    expect(applyOptOutFact(record, optOut(T))).toEqual({ name: 'x', optOut: { at: T, keyword: '退订', source: `m${T}` } });
  });
});
