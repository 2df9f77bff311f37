import { describe, expect, it } from 'vitest';
import { bestMatch, contactGrams, gramsOf, matchRank, queryGrams, searchForm } from './name-search.ts';
import { contactRecord, followRelation } from '../../../tests/helpers/factories.ts';

describe('name search grams', () => {
  it('files a name under its Han characters and adjacent pairs, without punctuation, widths or case', () => {
    expect(searchForm('张三（华为）Ｔom ')).toBe('张三华为tom');
    expect(gramsOf('张三丰')).toEqual(['张', '张三', '三', '三丰', '丰']);
    expect(gramsOf('Tom')).toEqual(['to', 'om']);
  });

  it('turns queries into grams every match must hold, and refuses what cannot be a name', () => {
    expect(queryGrams('张三丰')).toEqual({ grams: ['张三', '三丰'], form: '张三丰' });
    expect(queryGrams('张')).toEqual({ grams: ['张'], form: '张' });
    expect(queryGrams('*')).toEqual({ problem: 'empty' });
    expect(queryGrams("' OR 1=1")).toEqual({ grams: ['or', 'r1', '11'], form: 'or11' });
    expect(queryGrams('t')).toEqual({ problem: 'too_short' });
    expect(queryGrams('客'.repeat(1000))).toEqual({ problem: 'too_long' });
  });

  it('ranks equal over prefix over substring', () => {
    expect([matchRank('张三', '张三'), matchRank('张三丰', '张三'), matchRank('小张三', '张三'), matchRank('李四', '张三')]).toEqual([3, 2, 1, 0]);
  });

  it('indexes every remark, but a rep matches only the name and their own remark', () => {
    const contact = contactRecord('wm1', 0, { name: 'Lily', follows: [followRelation('a', 0, { remark: '王总-华为' }), followRelation('b', 0, { remark: '老客户李' })] });
    expect(contactGrams(contact)).toEqual(expect.arrayContaining(['华为', '老客', 'li']));
    expect(bestMatch(contact, '华为', 'a')).toBe(1);
    expect(bestMatch(contact, '老客', 'a')).toBe(0);
    expect(bestMatch(contact, '老客', undefined)).toBe(2);
  });
});
