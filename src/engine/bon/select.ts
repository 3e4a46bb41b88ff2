// Best-of-n as arithmetic: keep the reward model's favourite of n samples, its KL from the
// sampling policy, and the expected value of the kept sample over every n-subset of a larger pool
// of samples (the low-variance estimator Gao et al. 2022 use). Plain numbers, no TensorFlow.js.

/**
 * The KL of best-of-n from the policy it samples: log n − (n − 1)/n nats (Stiennon et al. 2020).
 * Exact when the n samples are distinct; with repeated answers the true KL is lower (the formula
 * is an upper bound, Beirami et al. 2024).
 */
export function bonKl(n: number): number {
  if (!(Number.isInteger(n) && n >= 1)) throw new Error(`bonKl: n must be a whole number ≥ 1, got ${n}`);
  return Math.log(n) - (n - 1) / n;
}

/** The index of the highest of the first n scores (the lowest index wins a tie). */
export function bestOfN(scores: ArrayLike<number>, n = scores.length): number {
  if (!(n >= 1 && n <= scores.length)) throw new Error(`bestOfN: n must be from 1 to ${scores.length}, got ${n}`);
  let best = 0;
  for (let i = 1; i < n; i++) if ((scores[i] as number) > (scores[best] as number)) best = i;
  return best;
}

/** log C(a, b) from a table of log k! (a ≥ b ≥ 0). */
function logChoose(logFact: Float64Array, a: number, b: number): number {
  return (logFact[a] as number) - (logFact[b] as number) - (logFact[a - b] as number);
}

/**
 * For each of N pooled samples, the probability that it is the one kept by best-of-n on a uniformly
 * random n-subset of the pool: C(rank − 1, n − 1) / C(N, n) for the sample of that rank (1 = lowest
 * score). Ties rank as bestOfN breaks them (the lower index counts as higher). Returns Float64Array [N].
 */
export function bestOfNWeights(scores: ArrayLike<number>, n: number): Float64Array {
  const big = scores.length;
  if (!(Number.isInteger(n) && n >= 1 && n <= big)) throw new Error(`bestOfNWeights: n must be a whole number from 1 to ${big}, got ${n}`);
  const logFact = new Float64Array(big + 1);
  for (let k = 1; k <= big; k++) logFact[k] = (logFact[k - 1] as number) + Math.log(k);
  const order = Array.from({ length: big }, (_, i) => i).sort((a, b) => (scores[a] as number) - (scores[b] as number) || b - a);
  const w = new Float64Array(big);
  const total = logChoose(logFact, big, n);
  order.forEach((idx, r) => {
    if (r + 1 >= n) w[idx] = Math.exp(logChoose(logFact, r, n - 1) - total);
  });
  return w;
}

/** The expected value of `values` at the sample best-of-n keeps from a random n-subset of the pool. */
export function expectedBestOfN(scores: ArrayLike<number>, values: ArrayLike<number>, n: number): number {
  const w = bestOfNWeights(scores, n);
  let s = 0;
  for (let i = 0; i < w.length; i++) s += (w[i] as number) * (values[i] as number);
  return s;
}
