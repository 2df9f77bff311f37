import { describe, expect, it } from 'vitest';
import { editDistance, nearestName } from './nearest-name.ts';

describe('nearestName', () => {
  it('finds a typo: a letter missing, doubled, swapped or mis-cased', () => {
    expect(nearestName('everyDay', ['everyDays', 'text'])).toBe('everyDays');
    expect(nearestName('hysterisis', ['hysteresis', 'deal'])).toBe('hysteresis');
    expect(nearestName('sendwindow', ['sendWindow', 'quietHours'])).toBe('sendWindow');
  });

  it('suggests nothing for a word that is not close to any', () => {
    expect(nearestName('colour', ['weights', 'creditZeroAtDaysLate', 'split'])).toBeUndefined();
    expect(nearestName('x', [])).toBeUndefined();
  });

  it('counts edits', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });
});
