import { describe, expect, it } from 'vitest';
import { median, percentile, shuffled, summarize } from './stats.ts';

describe('percentile', () => {
  it('interpolates between the two nearest ranks', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([10, 20, 30, 40, 50], 25)).toBe(20);
    expect(percentile([0, 100], 95)).toBe(95);
  });

  it('does not depend on the order of the values', () => {
    expect(percentile([5, 1, 4, 2, 3], 75)).toBe(4);
    expect(median([9, 1, 5])).toBe(5);
  });

  it('returns the extremes at 0 and 100 and the only value of a single sample', () => {
    expect(percentile([3, 1, 2], 0)).toBe(1);
    expect(percentile([3, 1, 2], 100)).toBe(3);
    expect(percentile([7], 99)).toBe(7);
  });

  it('refuses an empty sample and a percentile outside 0..100', () => {
    expect(() => percentile([], 50)).toThrow(/no values/);
    expect(() => percentile([1], 101)).toThrow(/within 0..100/);
  });
});

describe('summarize', () => {
  it('reports the count, median, quartiles and extremes', () => {
    expect(summarize([8, 2, 6, 4, 10])).toEqual({ n: 5, median: 6, p25: 4, p75: 8, min: 2, max: 10 });
  });
});

describe('shuffled', () => {
  it('returns a permutation and leaves its input alone', () => {
    const input = [1, 2, 3, 4, 5, 6];
    const out = shuffled(input, () => 0);
    expect(input).toEqual([1, 2, 3, 4, 5, 6]);
    expect(out).not.toEqual(input);
    expect([...out].sort()).toEqual(input);
  });
});
