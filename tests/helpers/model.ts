// Model test fixtures: seeded random images, and weights made rough so logits are far from zero.

import * as tf from '@tensorflow/tfjs-core';
import type { VlmModel } from '../../src/engine/model/model';
import { Rng } from '../../src/engine/world/rng';

export const PIX = 48 * 48 * 3;

/** Random images in [0, 1], seeded. */
export function images(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n * PIX }, () => rng.next());
}

/** Adds seeded noise of scale 0.3 to every weight, so logits are far from zero and the checks bite. */
export function roughen(m: VlmModel, seed: number): void {
  const rng = new Rng(seed);
  for (const [, v] of m.namedWeights()) {
    const noise = tf.tensor(Float32Array.from({ length: v.size }, () => rng.normal() * 0.3), v.shape);
    v.assign(tf.add(v, noise));
    noise.dispose();
  }
}
