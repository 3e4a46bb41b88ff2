// The PPO losses as tensors, each a masked mean over the minibatch's real response tokens (as
// TRL's): the clipped policy loss, the clipped value loss, and the KL term GRPO adds to the loss.
// Every input is [N, R] with pads where mask is 0; every output is a scalar.
import * as tf from '@tensorflow/tfjs-core';
import type { KlEstimator } from './config';

/** Σ x·mask / max(Σ mask, 1): the mean over real tokens, a scalar tensor (whiten.ts has the same on plain arrays). */
export function tokenMean(x: tf.Tensor, mask: tf.Tensor): tf.Scalar {
  return tf.div(tf.sum(tf.mul(x, mask)), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
}

export interface PolicyLoss {
  /** mean over tokens of max(−A·ρ, −A·clip(ρ, 1 − ε, 1 + ε)), ρ = exp(log p − log p_old). */
  loss: tf.Scalar;
  /** Share of tokens where the clipped term was the larger (the update was held back). */
  clipfrac: tf.Scalar;
  /** ½·mean (log p − log p_old)², the estimate of KL(old ‖ new) TRL reports. */
  approxkl: tf.Scalar;
  /** mean ρ. */
  ratio: tf.Scalar;
}

/** The clipped surrogate (Schulman et al. 2017). logp is differentiable; the rest are constants. */
export function clippedPolicyLoss(logp: tf.Tensor2D, oldLogp: tf.Tensor2D, advantages: tf.Tensor2D, mask: tf.Tensor2D, cliprange: number): PolicyLoss {
  const logRatio = tf.sub(logp, oldLogp); // [N, R]
  const ratio = tf.exp(logRatio); // [N, R]
  const pg1 = tf.mul(tf.neg(advantages), ratio);
  const pg2 = tf.mul(tf.neg(advantages), tf.clipByValue(ratio, 1 - cliprange, 1 + cliprange));
  return {
    loss: tokenMean(tf.maximum(pg1, pg2), mask),
    clipfrac: tokenMean(tf.cast(tf.greater(pg2, pg1), 'float32'), mask),
    approxkl: tf.mul(0.5, tokenMean(tf.square(logRatio), mask)) as tf.Scalar,
    ratio: tokenMean(ratio, mask),
  };
}

export interface ValueLoss {
  /** ½·mean over tokens of max((V − G)², (V_clip − G)²), V_clip = V_old + clip(V − V_old, −c, c). */
  loss: tf.Scalar;
  /** Share of tokens where the clipped error was the larger. */
  clipfrac: tf.Scalar;
}

/** The clipped value loss (as TRL's and the paper's). values is differentiable; the rest are constants. */
export function clippedValueLoss(values: tf.Tensor2D, oldValues: tf.Tensor2D, returns: tf.Tensor2D, mask: tf.Tensor2D, cliprangeValue: number): ValueLoss {
  const clipped = tf.add(oldValues, tf.clipByValue(tf.sub(values, oldValues), -cliprangeValue, cliprangeValue)); // [N, R]
  const l1 = tf.square(tf.sub(values, returns));
  const l2 = tf.square(tf.sub(clipped, returns));
  return {
    loss: tf.mul(0.5, tokenMean(tf.maximum(l1, l2), mask)) as tf.Scalar,
    clipfrac: tokenMean(tf.cast(tf.greater(l2, l1), 'float32'), mask),
  };
}

/**
 * The KL to the reference as a loss term (GRPO's): mean over tokens of the estimate, with
 * log p differentiable. k1 = log p − log p_ref; k3 = exp(log p_ref − log p) − 1 − (log p_ref − log p).
 */
export function klLoss(logp: tf.Tensor2D, refLogp: tf.Tensor2D, mask: tf.Tensor2D, estimator: KlEstimator): tf.Scalar {
  const logr = tf.sub(refLogp, logp); // [N, R]
  const k = estimator === 'k1' ? tf.neg(logr) : tf.sub(tf.sub(tf.exp(logr), 1), logr);
  return tokenMean(k, mask);
}
