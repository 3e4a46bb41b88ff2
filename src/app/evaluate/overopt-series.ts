// The over-optimisation chart's series as plain numbers: a best-of-n sweep's gold and RM score
// against d = √KL with Gao et al.'s fitted d(α − βd) over them and the measured gold peak, and a
// PPO run's gold against √KL from its metrics with the RL form d(α − β log d). No chart.js here.

import type { BonRow } from '../../engine/bon/job';
import { fitCurve, fitOveropt, type OveroptFit } from '../../engine/overopt/fit';
import { curvePoints, measuredPeak, ppoMeasures, type CurvePoint, type MeasuredPeak, type PpoMetricsLine } from '../../engine/overopt/points';
import type { XY } from '../charts/line-chart';

/** One curve's series: measured gold, the fitted form over it, the proxy (RM score) and the measured gold peak (one point, or none). */
export interface CurveSeries {
  gold: XY[];
  fit: XY[];
  rm: XY[];
  peak: XY[];
}

/** Points of the fitted form from d = 0 to the largest measured d. */
function fitXY(fit: OveroptFit | null, points: readonly CurvePoint[], steps = 40): XY[] {
  const dMax = Math.max(0, ...points.map((p) => p.d));
  if (!fit || !(dMax > 0)) return [];
  return fitCurve(fit, dMax, steps).map((p) => ({ x: p.d, y: p.gold }));
}

/**
 * The series of a best-of-n sweep's rows (any order): gold and RM score at √KL of each n, the
 * best-of-n form fitted to the gold (`fit`, as the engine fitted it; refitted here when absent)
 * and its measured peak. Changes nothing.
 */
export function bonSeries(rows: readonly BonRow[], fit?: OveroptFit | null): CurveSeries {
  const points = curvePoints(rows.map((r) => ({ kl: r.kl, goldScore: r.goldScore, rmScore: r.rmScore, n: r.n })));
  const f = fit === undefined ? (points.length >= 3 ? fitOveropt('bon', points) : null) : fit;
  const peak = measuredPeak(points);
  return {
    gold: points.map((p) => ({ x: p.d, y: p.gold })),
    fit: fitXY(f, points),
    rm: points.flatMap((p) => (p.rmScore === null ? [] : [{ x: p.d, y: p.rmScore }])),
    peak: peak ? [{ x: peak.d, y: peak.gold }] : [],
  };
}

/** A PPO run's curve: its measured points (one per step with gold figures), the RL form fitted to them, and the measured peak. */
export interface PpoCurve {
  points: CurvePoint[];
  fit: OveroptFit | null;
  peak: MeasuredPeak | null;
  series: CurveSeries;
}

/**
 * The curve of a PPO run from its metrics (a row per step, TRL's names; the gold of step k paired
 * with the KL of the policy it was measured on, as ppoMeasures pairs them). Changes nothing.
 */
export function ppoCurve(lines: readonly PpoMetricsLine[]): PpoCurve {
  const points = curvePoints(ppoMeasures(lines));
  const fit = fitOveropt('rl', points);
  const peak = measuredPeak(points);
  return {
    points, fit, peak,
    series: {
      gold: points.map((p) => ({ x: p.d, y: p.gold })),
      fit: fitXY(fit, points),
      rm: points.flatMap((p) => (p.rmScore === null ? [] : [{ x: p.d, y: p.rmScore }])),
      peak: peak ? [{ x: peak.d, y: peak.gold }] : [],
    },
  };
}

/**
 * The fit in words: "d(α − βd), α 0.52, β 0.11; peak 3.41 at √KL 2.36" (or that it never turns
 * down). Given the largest √KL measured, a peak past it, or off the judge's 0–6 scale, is said to
 * be the fit's extrapolation rather than a figure.
 */
export function describeFit(fit: OveroptFit | null, measuredTo?: number): string {
  if (!fit) return 'too few points to fit';
  const form = fit.form === 'bon' ? 'd(α − βd)' : 'd(α − β log d)';
  const p = fit.peak;
  const beyond = p !== null && measuredTo !== undefined && (p.d > measuredTo || p.gold < 0 || p.gold > 6);
  const peak = !p
    ? 'the fit never turns down'
    : beyond
      ? `the fit turns down only past what was measured (√KL up to ${(measuredTo as number).toFixed(2)}), so its peak is no figure to read`
      : `fitted peak ${p.gold.toFixed(2)} at √KL ${p.d.toFixed(2)}`;
  return `${form}: α ${fit.alpha.toFixed(3)}, β ${fit.beta.toFixed(3)}, rmse ${fit.rmse.toFixed(3)}; ${peak}`;
}
