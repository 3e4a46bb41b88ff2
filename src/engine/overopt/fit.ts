// Gao et al. (2022)'s functional forms for the gold reward as a policy is pushed against a proxy,
// in d = √KL from the start policy, fitted by least squares to measured (d, gold) points:
//
//   best-of-n:  R(d) = d (α − β d)         peak at d* = α / 2β,          R(d*) = α² / 4β
//   RL:         R(d) = d (α − β log d)     peak at d* = exp(α / β − 1),  R(d*) = β d*
//
// R is the gain over the start (gold − gold at d = 0), so both forms pass through the origin.
// Plain numbers, no TensorFlow.js: the page draws the fitted curves from these.

/** Which of the two forms. */
export type OveroptForm = 'bon' | 'rl';

/** A measured point: distance from the start policy and the gold score there. */
export interface FitPoint {
  /** √KL (nats per response) from the start policy. */
  d: number;
  gold: number;
}

export interface OveroptFit {
  form: OveroptForm;
  alpha: number;
  beta: number;
  /** The gold at d = 0 the gains are measured from. */
  baseline: number;
  /** Root mean square of the fit's residuals, in gold units. */
  rmse: number;
  /** Points fitted. */
  n: number;
  /** Where the fitted curve peaks and how high (gold, baseline included); null when it never turns down. */
  peak: { d: number; gold: number } | null;
}

/** The second regressor of a form at d (the first is d itself): d² or d·log d (0 at d = 0). */
function second(form: OveroptForm, d: number): number {
  if (form === 'bon') return d * d;
  return d > 0 ? d * Math.log(d) : 0;
}

/** The fitted gain over the baseline at d (no baseline): d(α − βd) or d(α − β log d). */
export function formGain(form: OveroptForm, alpha: number, beta: number, d: number): number {
  return alpha * d - beta * second(form, d);
}

/** The fitted gold at d: baseline + gain. */
export function fitValue(fit: Pick<OveroptFit, 'form' | 'alpha' | 'beta' | 'baseline'>, d: number): number {
  return fit.baseline + formGain(fit.form, fit.alpha, fit.beta, d);
}

/** Where a form with these coefficients peaks (d > 0) and its gain there; null when it does not turn down. */
export function formPeak(form: OveroptForm, alpha: number, beta: number): { d: number; gain: number } | null {
  if (!(beta > 0)) return null;
  if (form === 'bon') {
    if (alpha <= 0) return { d: 0, gain: 0 };
    const d = alpha / (2 * beta);
    return { d, gain: (alpha * alpha) / (4 * beta) };
  }
  // d/dd [αd − βd log d] = α − β(log d + 1) = 0; the gain there is β·d*.
  const d = Math.exp(alpha / beta - 1);
  return { d, gain: beta * d };
}

/**
 * The baseline a fit measures gains from: the mean gold of the points at d = 0, else `fallback`
 * (0 when not given, which fits the raw gold through the origin).
 */
export function baselineOf(points: readonly FitPoint[], fallback = 0): number {
  const at0 = points.filter((p) => p.d === 0);
  return at0.length ? at0.reduce((s, p) => s + p.gold, 0) / at0.length : fallback;
}

/**
 * Least squares of gold − baseline = α·d − β·x(d) (x = d² or d·log d) over the points, by the 2×2
 * normal equations. The baseline is the gold at d = 0 (baselineOf) unless given. Returns null
 * when the points cannot fix two coefficients (fewer than two distinct d > 0, or a singular
 * system). Changes nothing.
 */
export function fitOveropt(form: OveroptForm, points: readonly FitPoint[], baseline?: number): OveroptFit | null {
  const pts = points.filter((p) => Number.isFinite(p.d) && Number.isFinite(p.gold) && p.d >= 0);
  const base = baseline ?? baselineOf(pts);
  if (new Set(pts.filter((p) => p.d > 0).map((p) => p.d)).size < 2) return null;
  let s11 = 0, s12 = 0, s22 = 0, s1y = 0, s2y = 0;
  for (const p of pts) {
    const x1 = p.d;
    const x2 = second(form, p.d);
    const y = p.gold - base;
    s11 += x1 * x1;
    s12 += x1 * x2;
    s22 += x2 * x2;
    s1y += x1 * y;
    s2y += x2 * y;
  }
  const det = s11 * s22 - s12 * s12;
  if (!(Math.abs(det) > 1e-12 * Math.max(1, s11 * s22))) return null;
  // [s11 s12; s12 s22] [α; −β] = [s1y; s2y]
  const alpha = (s1y * s22 - s2y * s12) / det;
  const beta = -(s11 * s2y - s12 * s1y) / det;
  const sq = pts.reduce((s, p) => s + (p.gold - base - formGain(form, alpha, beta, p.d)) ** 2, 0);
  const pk = formPeak(form, alpha, beta);
  return { form, alpha, beta, baseline: base, rmse: Math.sqrt(sq / pts.length), n: pts.length, peak: pk ? { d: pk.d, gold: base + pk.gain } : null };
}

/** The fitted curve at `steps` + 1 evenly spaced d from 0 to dMax, for drawing. */
export function fitCurve(fit: Pick<OveroptFit, 'form' | 'alpha' | 'beta' | 'baseline'>, dMax: number, steps = 50): FitPoint[] {
  return Array.from({ length: steps + 1 }, (_, i) => {
    const d = (dMax * i) / steps;
    return { d, gold: fitValue(fit, d) };
  });
}
