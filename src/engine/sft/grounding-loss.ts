// An auxiliary grounding loss for SFT: on existence questions, each image token says, after the
// first block, whether its cell holds the asked object. The answer then only has to ask "did any
// cell say yes?" in the next block. Without it a 2-layer decoder finds that look-up late, after a
// thousand or more steps at chance (docs/grounding.md). The head is used only while training and
// is not part of the policy.

import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../world/rng';
import type { ModelConfig } from '../model/config';

/** A linear probe from an image token's state to "this cell holds the asked object" (a logit). */
export interface GroundingHead {
  w: tf.Variable; // [D, 1]
  b: tf.Variable; // [1]
}

/** A fresh head (weights drawn from the seed, std 1/sqrt(D)); free it with disposeGroundingHead. */
export function createGroundingHead(cfg: ModelConfig, seed: number): GroundingHead {
  const rng = new Rng(seed);
  const std = 1 / Math.sqrt(cfg.dModel);
  const w = Float32Array.from({ length: cfg.dModel }, () => rng.normal() * std);
  return { w: tf.variable(tf.tensor2d(w, [cfg.dModel, 1]), true, `grounding/w/${seed}`), b: tf.variable(tf.zeros([1]), true, `grounding/b/${seed}`) };
}

export function disposeGroundingHead(h: GroundingHead): void {
  tf.dispose([h.w, h.b]);
}

/** Per-cell targets [B·cells] (1 where the cell holds the asked object) and per-example weights [B] (1 where the example has targets). */
export function groundingTargets(examples: readonly { askedCells?: readonly number[] }[], cells: number): { targets: Float32Array; weights: Float32Array } {
  const targets = new Float32Array(examples.length * cells);
  const weights = new Float32Array(examples.length);
  examples.forEach((e, i) => {
    if (!e.askedCells) return;
    weights[i] = 1;
    for (const c of e.askedCells) targets[i * cells + c] = 1;
  });
  return { targets, weights };
}

/**
 * Mean sigmoid cross-entropy of the head's per-cell logits against the targets, over the cells of
 * examples with weight 1; 0 when no example has targets. states [B, cells, D]; a scalar tensor.
 */
export function groundingLoss(head: GroundingHead, states: tf.Tensor3D, targets: Float32Array, weights: Float32Array): tf.Scalar {
  const [b, cells, d] = states.shape;
  const logits = tf.add(tf.matMul(states.reshape([b * cells, d]), head.w), head.b).reshape([b, cells]); // [B, cells]
  const y = tf.tensor2d(targets, [b, cells]);
  // log(1 + e^x) − x·y, written stably as softplus.
  const perCell = tf.sub(tf.softplus(logits), tf.mul(logits, y)); // [B, cells]
  const perExample = tf.mean(perCell, 1); // [B]
  const wt = tf.tensor1d(weights);
  return tf.div(tf.sum(tf.mul(perExample, wt)), tf.maximum(tf.sum(wt), 1)) as tf.Scalar;
}
