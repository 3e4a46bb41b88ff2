// The KL penalty against the reference: per-token estimates (Schulman's k1 and k3) and the KL
// controller, fixed or adaptive (Ziegler et al. 2019, as TRL's AdaptiveKLController). Plain numbers.

import type { KlEstimator } from './config';

/**
 * Per-token KL estimate of the sampled token from log p (policy) and log p_ref:
 *   k1 = log p − log p_ref                 (unbiased; negative where the reference likes the token more)
 *   k3 = r − 1 − log r,  r = p_ref / p     (unbiased too, and never negative)
 */
export function klEstimate(logp: number, refLogp: number, estimator: KlEstimator): number {
  const logr = refLogp - logp;
  return estimator === 'k1' ? -logr : Math.expm1(logr) - logr;
}

/** The estimate for every token: Float32Array [B·R], 0 where mask is 0. */
export function perTokenKl(logp: Float32Array, refLogp: Float32Array, mask: Float32Array, estimator: KlEstimator): Float32Array {
  return logp.map((lp, i) => ((mask[i] as number) > 0 ? klEstimate(lp, refLogp[i] as number, estimator) : 0));
}

export interface KlControl {
  /** The coefficient now. */
  value: number;
  adaptive: boolean;
  /** The KL per response aimed at (adaptive only). */
  target: number;
  /** Responses over which the coefficient may change by the full ±20% (adaptive only). */
  horizon: number;
}

/**
 * The coefficient for the next step, given the KL per response just measured and how many
 * responses it was measured on. Fixed: unchanged. Adaptive:
 *   e = clip(kl / target − 1, −0.2, 0.2);   β ← β · (1 + e · nSteps / horizon)
 */
export function nextKlCoef(ctl: KlControl, kl: number, nSteps: number): number {
  if (!ctl.adaptive) return ctl.value;
  const e = Math.min(0.2, Math.max(-0.2, kl / ctl.target - 1));
  return ctl.value * (1 + (e * nSteps) / ctl.horizon);
}
