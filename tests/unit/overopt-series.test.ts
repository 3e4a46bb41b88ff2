// The over-optimisation chart's series: best-of-n rows on an exact d(α − βd) curve give back α and
// β, a fitted line through every measured point, the peak at the highest gold and the RM score at
// each √KL; a PPO run's metrics give its points with the RL form; the fit in words.
import { describe, expect, it } from 'vitest';
import { bonKl } from '../../src/engine/bon/select';
import type { BonRow } from '../../src/engine/bon/job';
import { describeFit, bonSeries, ppoCurve } from '../../src/app/evaluate/overopt-series';

/** Rows whose gold lies exactly on 2 + d(1.2 − 0.5d), d = √KL of best-of-n, and whose RM score is 0.3 n. */
const rows: BonRow[] = [1, 2, 4, 8, 16, 32].map((n) => {
  const d = Math.sqrt(bonKl(n));
  return { n, kl: bonKl(n), rmScore: 0.3 * n, goldScore: 2 + d * (1.2 - 0.5 * d), hallucinationRate: 0.1, informativeness: 0.5 };
});

describe('bonSeries', () => {
  it('fits d(α − βd) back from points on it, draws the fit through them, and marks the highest gold', () => {
    const s = bonSeries([...rows].reverse()); // any order: sorted by √KL
    expect(s.gold.map((p) => p.x)).toEqual(rows.map((r) => Math.sqrt(r.kl)));
    expect(s.gold[0]).toEqual({ x: 0, y: 2 });
    // n = 2: √(log 2 − 1/2).
    expect(s.gold[1]!.x).toBeCloseTo(Math.sqrt(Math.log(2) - 0.5), 12);
    expect(s.rm.map((p) => p.y)).toEqual(rows.map((r) => r.rmScore));
    // The fitted curve runs from 0 to the largest √KL and, on an exact curve, is that curve.
    expect(s.fit[0]!.x).toBe(0);
    expect(s.fit.at(-1)!.x).toBeCloseTo(Math.sqrt(bonKl(32)), 12);
    for (const p of s.fit) expect(p.y).toBeCloseTo(2 + p.x * (1.2 - 0.5 * p.x), 9);
    // The curve peaks at d = 1.2, between n = 8 (d 1.097, gold 2.715) and n = 16 (d 1.355, gold 2.708): the measured peak is n = 8.
    expect(s.peak).toHaveLength(1);
    expect(s.peak[0]!.x).toBeCloseTo(Math.sqrt(bonKl(8)), 12);
    expect(s.peak[0]!.y).toBeCloseTo(2.7147, 4);
  });

  it('uses the fit it is given, and draws none with fewer than three rows', () => {
    const s = bonSeries(rows, { form: 'bon', alpha: 1, beta: 0, baseline: 0, rmse: 0, n: 6, peak: null });
    expect(s.fit.at(-1)!.y).toBeCloseTo(Math.sqrt(bonKl(32)), 12);
    expect(bonSeries(rows.slice(0, 2)).fit).toEqual([]);
    expect(bonSeries(rows, null).fit).toEqual([]);
    expect(bonSeries([])).toEqual({ gold: [], fit: [], rm: [], peak: [] });
  });
});

describe('ppoCurve', () => {
  it("reads a PPO run's gold against √KL of the policy measured, with the RL form fitted", () => {
    // Gold on 1.5 + d(1 − 0.8 log d) at d = 1, 2, 3 (KL 1, 4, 9); step k's KL read off line k + 1.
    const g = (d: number) => 1.5 + d * (1 - 0.8 * Math.log(d));
    const lines = [
      { step: 0, 'gold/score': 1.5, 'gold/hallucination_rate': 0.8 },
      { step: 1, 'objective/kl': 0, 'objective/base_score': -0.1 },
      { step: 2, 'gold/score': g(1), 'objective/kl': 0.5 },
      { step: 3, 'objective/kl': 1, 'objective/base_score': 0.2, 'gold/score': g(2) },
      { step: 4, 'objective/kl': 4, 'objective/base_score': 0.5, 'gold/score': g(3) },
      { step: 5, 'objective/kl': 9, 'objective/base_score': 0.9 },
    ];
    const c = ppoCurve(lines);
    expect(c.points.map((p) => p.step)).toEqual([0, 2, 3, 4]);
    expect(c.series.gold.map((p) => p.x)).toEqual([0, 1, 2, 3]);
    expect(c.fit!.form).toBe('rl');
    expect(c.fit!.alpha).toBeCloseTo(1, 9);
    expect(c.fit!.beta).toBeCloseTo(0.8, 9);
    expect(c.series.rm.map((p) => p.y)).toEqual([-0.1, 0.2, 0.5, 0.9]);
    expect(c.series.peak).toEqual([{ x: 1, y: g(1) }]); // 2.5, then 2.39 and 1.86
    expect(c.peak!.fall).toBeCloseTo(g(1) - g(3), 12);
  });

  it('has no points and no fit before any gold figure', () => {
    const c = ppoCurve([{ step: 1, 'objective/kl': 0.1 }]);
    expect(c.points).toEqual([]);
    expect(c.fit).toBeNull();
    expect(c.series).toEqual({ gold: [], fit: [], rm: [], peak: [] });
  });
});

describe('describeFit', () => {
  it('names the form, the coefficients and the fitted peak', () => {
    expect(describeFit({ form: 'bon', alpha: 1.2, beta: 0.5, baseline: 2, rmse: 0.01, n: 6, peak: { d: 1.2, gold: 2.72 } })).toBe('d(α − βd): α 1.200, β 0.500, rmse 0.010; fitted peak 2.72 at √KL 1.20');
    expect(describeFit({ form: 'rl', alpha: 1, beta: -0.1, baseline: 0, rmse: 0, n: 3, peak: null })).toBe('d(α − β log d): α 1.000, β -0.100, rmse 0.000; the fit never turns down');
    expect(describeFit(null)).toBe('too few points to fit');
  });

  it('does not read a peak off the fit past the measured range or off the 0–6 scale', () => {
    const fit = (d: number, gold: number) => ({ form: 'bon' as const, alpha: 1, beta: 0.1, baseline: 2, rmse: 0.05, n: 6, peak: { d, gold } });
    expect(describeFit(fit(1.2, 2.72), 2.5)).toBe('d(α − βd): α 1.000, β 0.100, rmse 0.050; fitted peak 2.72 at √KL 1.20');
    const past = 'd(α − βd): α 1.000, β 0.100, rmse 0.050; the fit turns down only past what was measured (√KL up to 2.50), so its peak is no figure to read';
    expect(describeFit(fit(15.8, 6.89), 2.5)).toBe(past);
    expect(describeFit(fit(2, 6.89), 2.5)).toBe(past);
  });
});
