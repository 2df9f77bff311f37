import { describe, expect, it } from 'vitest';
import { balanceLoads } from './balance.ts';

describe('balanceLoads', () => {
  it('suggests the most loaded rep hands the least loaded enough to reach the fair load', () => {
    const b = balanceLoads([{ rep: 'wang', load: 30 }, { rep: 'li', load: 10 }, { rep: 'zhao', load: 20 }])!;
    expect(b.mean).toBe(20);
    expect(b.most).toEqual({ rep: 'wang', load: 30 });
    expect(b.least).toEqual({ rep: 'li', load: 10 });
    expect(b.handovers).toEqual([{ from: 'wang', to: 'li', count: 10 }]);
    expect(b.spread).toBeCloseTo(Math.sqrt(200 / 3) / 20, 6);
  });

  it('suggests nothing for an even load, and stops after a few handovers', () => {
    expect(balanceLoads([{ rep: 'a', load: 5 }, { rep: 'b', load: 6 }])!.handovers).toEqual([]);
    const many = balanceLoads(Array.from({ length: 10 }, (_, i) => ({ rep: `r${i}`, load: i % 2 === 0 ? 20 : 0 })))!;
    expect(many.handovers).toHaveLength(3);
    for (const h of many.handovers) expect(h.count).toBe(10);
    expect(balanceLoads([])).toBeNull();
  });
});
