// The three advantage estimators on the same shaped rewards: GAE with the value model's values,
// or GRPO's and RLOO's group baselines on each response's summed reward (the same advantage on
// every token of a response). Then optional whitening over the batch's real tokens.

import type { PpoConfig } from './config';
import { gae } from './gae';
import { grpoAdvantages } from './grpo';
import { rlooAdvantages } from './rloo';
import { rowSums } from './reward-shaping';
import { whiten } from './whiten';

export interface AdvantageResult {
  /** [B·R] the advantages the policy loss uses (whitened when asked), 0 on pads. */
  advantages: Float32Array;
  /** [B·R] the value targets (GAE only). */
  returns?: Float32Array;
}

/**
 * Advantages for a batch. rewards, mask and (for GAE) values are [B·R] row-major; for GRPO and
 * RLOO the rows are groups of cfg.numGenerations samples of one prompt, one after the other.
 */
export function computeAdvantages(
  rewards: Float32Array, mask: Float32Array, values: Float32Array | undefined, b: number, r: number,
  cfg: Pick<PpoConfig, 'advantageEstimator' | 'gamma' | 'lam' | 'numGenerations' | 'whitenAdvantages'>,
): AdvantageResult {
  let out: AdvantageResult;
  if (cfg.advantageEstimator === 'gae') {
    if (!values) throw new Error('computeAdvantages: GAE needs the value model\'s values');
    out = gae(rewards, values, mask, b, r, cfg.gamma, cfg.lam);
  } else {
    const perRow = rowSums(rewards, b, r); // [B]
    const seq = cfg.advantageEstimator === 'grpo' ? grpoAdvantages(perRow, cfg.numGenerations) : rlooAdvantages(perRow, cfg.numGenerations);
    out = { advantages: mask.map((m, i) => (m > 0 ? (seq[Math.floor(i / r)] as number) : 0)) };
  }
  if (cfg.whitenAdvantages) out.advantages = whiten(out.advantages, mask, true);
  return out;
}
