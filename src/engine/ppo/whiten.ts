// Whitening over the real tokens of a batch (TRL's masked_whiten): subtract the mean and divide by
// the spread, counting only where the mask is 1; optionally add the mean back (rewards keep theirs).

/** Mean of the values where mask > 0 (0 when there are none). */
export function maskedMean(x: ArrayLike<number>, mask: ArrayLike<number>): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    if ((mask[i] as number) > 0) {
      s += x[i] as number;
      n += 1;
    }
  }
  return n ? s / n : 0;
}

/** Variance of the values where mask > 0, with Bessel's correction (n − 1) as TRL's masked_var; 0 for fewer than 2. */
export function maskedVar(x: ArrayLike<number>, mask: ArrayLike<number>): number {
  const m = maskedMean(x, mask);
  let s = 0;
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    if ((mask[i] as number) > 0) {
      s += ((x[i] as number) - m) ** 2;
      n += 1;
    }
  }
  return n > 1 ? s / (n - 1) : 0;
}

/**
 * Returns (x − mean) / sqrt(var + 1e-8) over the masked entries (plus the mean again when
 * shiftMean is false); entries outside the mask become 0. A new array; x is unchanged.
 */
export function whiten(x: Float32Array, mask: Float32Array, shiftMean = true): Float32Array {
  const m = maskedMean(x, mask);
  const scale = 1 / Math.sqrt(maskedVar(x, mask) + 1e-8);
  return x.map((v, i) => ((mask[i] as number) > 0 ? (v - m) * scale + (shiftMean ? 0 : m) : 0));
}
