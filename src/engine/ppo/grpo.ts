// GRPO's advantage (Shao et al. 2024): sample a group of responses per prompt and score each
// against its group, A_i = (R_i − mean(R_group)) / (std(R_group) + ε), with no value model.

/** The spread GRPO divides by: the group's sample standard deviation (n − 1), as TRL's GRPO. */
function groupStd(xs: readonly number[], mean: number): number {
  if (xs.length < 2) return 0;
  return Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1));
}

/**
 * One advantage per response. rewards [N] holds the groups one after the other (N = groups ×
 * groupSize, rows i·groupSize … i·groupSize + groupSize − 1 share a prompt). A group whose rewards
 * are all equal gets advantage 0. Returns a new array.
 */
export function grpoAdvantages(rewards: ArrayLike<number>, groupSize: number, eps = 1e-4): Float32Array {
  if (rewards.length % groupSize !== 0) throw new Error(`grpoAdvantages: ${rewards.length} rewards are not whole groups of ${groupSize}`);
  const out = new Float32Array(rewards.length);
  for (let g = 0; g < rewards.length; g += groupSize) {
    const xs = Array.from({ length: groupSize }, (_, k) => rewards[g + k] as number);
    const mean = xs.reduce((s, x) => s + x, 0) / groupSize;
    const std = groupStd(xs, mean);
    xs.forEach((x, k) => (out[g + k] = (x - mean) / (std + eps)));
  }
  return out;
}
