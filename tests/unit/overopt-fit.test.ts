// Gao et al.'s forms fitted by least squares, against hand computations: the best-of-n form
// d(α − βd) and the RL form d(α − β log d), their peaks, and gains measured from the start's gold.
import { describe, expect, it } from 'vitest';
import { baselineOf, fitCurve, fitOveropt, fitValue, formPeak } from '../../src/engine/overopt/fit';

describe('fitOveropt', () => {
  it('solves the normal equations of d(α − βd) by hand: (1, 1), (2, 1), (3, 0.3) from a start of 0', () => {
    // x1 = d: 1, 2, 3; x2 = d²: 1, 4, 9.  Σx1² = 14, Σx1x2 = 36, Σx2² = 98, Σx1y = 3.9, Σx2y = 7.7.
    // det = 14·98 − 36² = 76;  α = (3.9·98 − 7.7·36)/76 = 105/76;  −β = (14·7.7 − 36·3.9)/76 = −32.6/76.
    const fit = fitOveropt('bon', [{ d: 0, gold: 0 }, { d: 1, gold: 1 }, { d: 2, gold: 1 }, { d: 3, gold: 0.3 }])!;
    expect(fit.baseline).toBe(0);
    expect(fit.alpha).toBeCloseTo(105 / 76, 10);
    expect(fit.beta).toBeCloseTo(32.6 / 76, 10);
    // Peak at α/2β = 105/65.2, height α²/4β.
    expect(fit.peak!.d).toBeCloseTo(105 / 65.2, 10);
    expect(fit.peak!.gold).toBeCloseTo((105 / 76) ** 2 / (4 * (32.6 / 76)), 10);
    expect(fit.n).toBe(4);
  });

  it('recovers the coefficients of exact points, gains measured from the gold at d = 0', () => {
    const truth = { form: 'rl' as const, alpha: 1, beta: 0.5, baseline: 2.4 };
    const pts = [0, 0.5, 1, 1.5, 2, 3].map((d) => ({ d, gold: fitValue(truth, d) }));
    expect(pts[0]!.gold).toBe(2.4);
    const fit = fitOveropt('rl', pts)!;
    expect(fit.baseline).toBe(2.4);
    expect(fit.alpha).toBeCloseTo(1, 9);
    expect(fit.beta).toBeCloseTo(0.5, 9);
    expect(fit.rmse).toBeCloseTo(0, 9);
    // d(1 − ½ log d) peaks where 1 − ½(log d + 1) = 0: d = e, gain ½e = 1.3591409.
    expect(fit.peak!.d).toBeCloseTo(Math.E, 8);
    expect(fit.peak!.gold).toBeCloseTo(2.4 + 1.3591409, 6);
    const bon = { form: 'bon' as const, alpha: 0.8, beta: 0.2, baseline: 1 };
    const fb = fitOveropt('bon', [0, 1, 2, 4].map((d) => ({ d, gold: fitValue(bon, d) })))!;
    expect(fb.alpha).toBeCloseTo(0.8, 9);
    expect(fb.beta).toBeCloseTo(0.2, 9);
    expect(fb.peak).toEqual({ d: expect.closeTo(2, 9), gold: expect.closeTo(1.8, 9) });
  });

  it('has no peak for a curve that never turns down, and no fit from fewer than two distinct d > 0', () => {
    expect(formPeak('bon', 1, -0.1)).toBeNull();
    expect(formPeak('rl', 1, 0)).toBeNull();
    expect(formPeak('bon', -1, 0.5)).toEqual({ d: 0, gain: 0 });
    expect(fitOveropt('bon', [{ d: 0, gold: 1 }, { d: 1, gold: 2 }])).toBeNull();
    expect(fitOveropt('bon', [{ d: 1, gold: 1 }, { d: 1, gold: 2 }, { d: 0, gold: 0 }])).toBeNull();
  });

  it('takes the baseline from the points at d = 0, or the one given', () => {
    expect(baselineOf([{ d: 0, gold: 1 }, { d: 0, gold: 2 }, { d: 1, gold: 9 }])).toBe(1.5);
    expect(baselineOf([{ d: 1, gold: 9 }], 0.5)).toBe(0.5);
    const fit = fitOveropt('bon', [{ d: 1, gold: 3 }, { d: 2, gold: 3 }], 2)!;
    // Gains 1 and 1: α − β = 1, 2α − 4β = 1 → β = ½, α = 3/2.
    expect(fit.alpha).toBeCloseTo(1.5, 10);
    expect(fit.beta).toBeCloseTo(0.5, 10);
    const curve = fitCurve(fit, 2, 4);
    expect(curve.map((p) => p.d)).toEqual([0, 0.5, 1, 1.5, 2]);
    expect(curve[2]!.gold).toBeCloseTo(3, 10);
    expect(curve[0]!.gold).toBe(2);
  });
});
