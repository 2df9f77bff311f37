import { describe, expect, it } from 'vitest';
import type { Entry } from './codec.ts';
import { decodeEntry, decodeHot, encodeEntry, encodeHot, hotOf, standInId } from './codec.ts';

const T = Date.UTC(2025, 10, 1);

function entry(): Entry {
  return {
    record: {
      contact: {
        externalUserId: 'wm1', name: '李"四"\n', type: 2, gender: 'female', corpName: '某公司', avatar: 'https://a/0',
        follows: [
          { userId: 'rep2', addedAt: T, tagIds: ['t1'], status: 'active', changedAt: T, remark: 'r\nx', addWay: 1, state: 's' },
          { userId: 'rep1', addedAt: T, tagIds: [], status: 'active', changedAt: T },
          { userId: 'rep3', addedAt: T, tagIds: [], status: 'removed_by_customer', changedAt: T + 1 },
        ],
        profile: { birthday: { calendar: 'lunar', month: 1, day: 2 }, note: '第一行\n第二行' },
        createdAt: T, updatedAt: T + 5,
      },
      engagement: { addedAt: T, inbound: [T + 1, T + 2], inboundIds: ['fpAAAAAA', 'fpBBBBBB'], pushes: [T], intents: [{ at: T + 2, keyword: '报价' }], paidOrders: [T + 3], customerLeft: true },
      orders: { count: 2, amount: 12.34, profit: 1.5, paid: 1, daysLate: 3 },
      tier: { tier: 'B', source: 'override', reasons: ['人工设定（王）：原因\n换行'], since: T, nextReviewAt: null, lifecycle: 'loyal' },
      override: { tier: 'B', by: '王', reason: '原因\n换行', at: T },
      value: { score: 55.5, grade: 'mid', quadrant: 'stream' },
    },
    inboundFacts: 'factAAAA........',
    seen: 'abcdefgh12345678',
    seenFacts: '12345678',
    totals: { count: 2, amountFen: 1234, profitFen: 150, paid: 1, daysLate: 3 },
  };
}

describe('contact record codec', () => {
  it('round-trips every field, newlines in text included', () => {
    expect(decodeEntry('wm1', encodeEntry(entry()))).toEqual(entry());
  });

  it('splits into a hot half with the active reps, sorted, that decodes alone', () => {
    const raw = encodeEntry(entry());
    expect(raw.split('\n')).toHaveLength(2);
    const hot = decodeHot(hotOf(raw));
    expect(hot.reps).toEqual(['rep1', 'rep2']);
    expect(hot.engagement).toEqual(entry().record.engagement);
    expect(encodeHot(hot)).toBe(hotOf(raw));
  });

  it('reads a record written before message ids were kept: each time stands in for an id', () => {
    const legacy = `[1,[${T},[${T + 1},${T + 2}],[],[],[],0],0,0,[]]`;
    const hot = decodeHot(legacy);
    expect(hot.engagement).toMatchObject({ inbound: [T + 1, T + 2], inboundIds: [standInId(T + 1), standInId(T + 2)] });
    expect(new Set(hot.engagement.inboundIds.map((id) => id.length))).toEqual(new Set([8]));
    expect(standInId(T + 1)).not.toBe(standInId(T + 2));
    // Written back by format 1 code, a stand-in was `t<ms>`; the fields of those messages are not known.
    const writtenBack = `[1,[${T},[${T + 1},${T + 2}],[],[],[],0,["t${T + 1}","fpBBBBBB"]],0,0,[]]`;
    expect(decodeHot(writtenBack)).toMatchObject({ engagement: { inboundIds: [standInId(T + 1), 'fpBBBBBB'] }, inboundFacts: '.'.repeat(16) });
  });

  it('reads a record written by format 1 whole: its ids, and seen holding every recent interaction', () => {
    const raw = `[1,[${T},[${T + 1}],[],[],[],0,["fpAAAAAA"]],0,0,["rep1"]]\n["n",1,0,null,null,[["rep1",${T},0,${T},[]]],{},${T},${T},0,0,"fpAAAAAA","factAAAA"]`;
    const e = decodeEntry('wm1', raw);
    expect(e).toMatchObject({ inboundFacts: '........', seen: 'fpAAAAAA', seenFacts: 'factAAAA' });
    expect(e.record.engagement.inboundIds).toEqual(['fpAAAAAA']);
    expect(decodeEntry('wm1', encodeEntry(e))).toEqual(e);
  });

  it('leaves out what is empty: no inbound ids, no seen', () => {
    const e = entry();
    const bare = { ...e, inboundFacts: '', seen: '', seenFacts: '', record: { ...e.record, engagement: { ...e.record.engagement, inbound: [], inboundIds: [] } } };
    const raw = encodeEntry(bare);
    expect(hotOf(raw)).not.toContain('""');
    expect(raw.endsWith(',[55.5,"m","r"]]')).toBe(true);
    expect(decodeEntry('wm1', raw)).toEqual(bare);
  });

  it('refuses to write inbound ids or facts that are not one fingerprint per kept message', () => {
    const e = entry();
    expect(() => encodeEntry({ ...e, inboundFacts: 'short' })).toThrow(/one fingerprint per kept message/);
    expect(() => encodeEntry({ ...e, record: { ...e.record, engagement: { ...e.record.engagement, inboundIds: ['m1', 'm2'] } } })).toThrow(/one fingerprint/);
  });

  it("stores a relation's change time as its difference from the add time, and reads the older layout", () => {
    const unchanged = { userId: 'rep9', addedAt: T, tagIds: [], status: 'active' as const, changedAt: T };
    const e = entry();
    const raw = encodeEntry({ ...e, record: { ...e.record, contact: { ...e.record.contact, follows: [unchanged] } } });
    expect(raw).toContain(`[["rep9",${T},0,[],0]]`);
    expect(decodeEntry('wm1', raw).record.contact.follows).toEqual([unchanged]);
    const older = raw.replace(`[["rep9",${T},0,[],0]]`, `[["rep9",${T},2,${T + 7},["t1"],"r",1]]`);
    expect(decodeEntry('wm1', older).record.contact.follows).toEqual([
      { userId: 'rep9', addedAt: T, status: 'removed_by_customer', changedAt: T + 7, tagIds: ['t1'], remark: 'r', addWay: 1 },
    ]);
  });

  it('keeps the opt-out word in the hot half, and without one writes the very bytes it wrote before opt-outs existed', () => {
    const e = entry();
    const plain = encodeEntry(e);
    expect(encodeEntry({ ...e, record: { ...e.record, optOut: null, optOutReversal: null } })).toBe(plain);
    expect(decodeEntry('wm1', plain).record).not.toHaveProperty('optOut');

    const optedOut = { ...e, record: { ...e.record, optOut: { at: T + 9, keyword: '退订"', source: 'kf-m\n1' } } };
    const raw = encodeEntry(optedOut);
    expect(raw.length - plain.length).toBeLessThan(40);
    expect(decodeEntry('wm1', raw)).toEqual(optedOut);
    // A tier job reads and rewrites the hot half alone: the opt-out goes with it.
    expect(encodeHot(decodeHot(hotOf(raw)))).toBe(hotOf(raw));
    expect(raw.slice(raw.indexOf('\n'))).toBe(plain.slice(plain.indexOf('\n')));

    const reversed = { ...e, record: { ...e.record, optOutReversal: { at: T + 10, by: 'crm' } } };
    expect(decodeEntry('wm1', encodeEntry(reversed))).toEqual(reversed);
  });

  it('refuses a record of an unknown format', () => {
    expect(() => decodeHot('[3,[null,[],[],[],[],0],0,0,[]]')).toThrow(/format 3/);
  });
});
