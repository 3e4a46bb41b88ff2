// Best-of-n as arithmetic, against hand computations: the kept answer is the argmax, the KL is
// log n − (n − 1)/n, and the expectation over every n-subset of a pool matches enumerating them.
import { describe, expect, it } from 'vitest';
import { bestOfN, bestOfNWeights, bonKl, expectedBestOfN } from '../../src/engine/bon/select';
import { bonConfig, checkBonConfig, parseNs } from '../../src/engine/bon/config';

describe('bestOfN', () => {
  it('keeps the highest of the first n scores, the lowest index on a tie', () => {
    const scores = [0.3, -1, 2.5, 0.7, 2.5, 9];
    expect(bestOfN(scores, 1)).toBe(0);
    expect(bestOfN(scores, 2)).toBe(0);
    expect(bestOfN(scores, 3)).toBe(2);
    expect(bestOfN(scores, 5)).toBe(2); // 2.5 at 2 and 4: the first
    expect(bestOfN(scores)).toBe(5);
    expect(() => bestOfN(scores, 0)).toThrow(/n must be from 1 to 6/);
    expect(() => bestOfN(scores, 7)).toThrow();
  });
});

describe('bonKl', () => {
  it('is log n − (n − 1)/n', () => {
    expect(bonKl(1)).toBe(0);
    expect(bonKl(2)).toBeCloseTo(0.6931472 - 0.5, 7); // 0.1931472
    expect(bonKl(4)).toBeCloseTo(1.3862944 - 0.75, 7); // 0.6362944
    expect(bonKl(16)).toBeCloseTo(2.7725887 - 0.9375, 7); // 1.8350887
    expect(bonKl(64)).toBeCloseTo(4.1588831 - 0.984375, 7); // 3.1745081
    expect(() => bonKl(0)).toThrow();
    expect(() => bonKl(1.5)).toThrow();
  });
});

describe('the expectation over n-subsets', () => {
  it('weights the sample of rank r by C(r − 1, n − 1) / C(N, n): four samples, n = 2', () => {
    // Ranks by score: index 0 (0.1) 1st, index 3 (0.3) 2nd, index 2 (0.5) 3rd, index 1 (0.9) 4th.
    // C(4, 2) = 6 subsets; the 2nd, 3rd and 4th ranks are kept in 1, 2 and 3 of them.
    const w = bestOfNWeights([0.1, 0.9, 0.5, 0.3], 2);
    [0, 3 / 6, 2 / 6, 1 / 6].forEach((x, i) => expect(w[i]).toBeCloseTo(x, 12));
    // Enumerated: {0,1}→1 {0,2}→2 {0,3}→3 {1,2}→1 {1,3}→1 {2,3}→2; values 10, 20, 30, 40 by index.
    expect(expectedBestOfN([0.1, 0.9, 0.5, 0.3], [10, 20, 30, 40], 2)).toBeCloseTo((20 + 30 + 40 + 20 + 20 + 30) / 6, 12);
  });

  it('is the mean at n = 1 and the argmax at n = N, and breaks ties as bestOfN does', () => {
    const s = [2, 7, 7, 1, 3];
    const v = [1, 2, 3, 4, 5];
    expect(expectedBestOfN(s, v, 1)).toBeCloseTo(3, 12);
    expect(expectedBestOfN(s, v, 5)).toBe(v[bestOfN(s)]);
    expect(expectedBestOfN(s, v, 5)).toBe(2); // the first 7
  });

  it('matches enumerating every subset on a pool of 8 (n = 3: 56 subsets)', () => {
    const s = [0.4, -0.2, 1.3, 0.9, 1.3, -1, 0.05, 2];
    const v = [5, 1, 6, 3, 0, 2, 4, 3];
    let total = 0;
    let count = 0;
    for (let a = 0; a < 8; a++) for (let b = a + 1; b < 8; b++) for (let c = b + 1; c < 8; c++) {
      const sub = [a, b, c];
      total += v[sub[bestOfN(sub.map((i) => s[i]!))]!]!;
      count++;
    }
    expect(count).toBe(56);
    expect(expectedBestOfN(s, v, 3)).toBeCloseTo(total / count, 12);
  });
});

describe('the best-of-n config', () => {
  it('takes the pool from the largest n, and names every bad field', () => {
    expect(bonConfig({ ns: [1, 4, 16] }).samples).toBe(16);
    expect(bonConfig().samples).toBe(64);
    expect(checkBonConfig(bonConfig())).toEqual([]);
    expect(checkBonConfig({ ...bonConfig(), ns: [1, 4, 4] }).map((p) => `${p.field} ${p.message}`)).toEqual(['ns must be ascending without repeats']);
    expect(checkBonConfig({ ...bonConfig({ ns: [1, 8] }), samples: 4, temperature: 0 }).map((p) => `${p.field} ${p.message}`)).toEqual([
      'temperature must be a number above 0 and at most 10',
      'samples must be at least the largest n (8)',
    ]);
    expect(checkBonConfig({ ...bonConfig(), size: 'huge' as never }).map((p) => p.field)).toEqual(['size']);
    expect(parseNs('1, 4,16')).toEqual([1, 4, 16]);
    expect(() => parseNs('1,x')).toThrow(/"x" is not a whole number/);
  });
});
