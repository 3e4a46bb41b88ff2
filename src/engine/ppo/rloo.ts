// RLOO's advantage (Ahmadian et al. 2024, after Kool et al. 2019): each response's baseline is the
// mean reward of the other samples of its prompt, A_i = R_i − (Σ_j R_j − R_i) / (k − 1).

/**
 * One advantage per response; rewards [N] holds groups of `groupSize` (≥ 2) one after the other,
 * as for GRPO. Returns a new array.
 */
export function rlooAdvantages(rewards: ArrayLike<number>, groupSize: number): Float32Array {
  if (groupSize < 2) throw new Error('rlooAdvantages: a group needs at least 2 samples');
  if (rewards.length % groupSize !== 0) throw new Error(`rlooAdvantages: ${rewards.length} rewards are not whole groups of ${groupSize}`);
  const out = new Float32Array(rewards.length);
  for (let g = 0; g < rewards.length; g += groupSize) {
    let sum = 0;
    for (let k = 0; k < groupSize; k++) sum += rewards[g + k] as number;
    for (let k = 0; k < groupSize; k++) {
      const x = rewards[g + k] as number;
      out[g + k] = x - (sum - x) / (groupSize - 1);
    }
  }
  return out;
}
