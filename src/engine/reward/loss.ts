// The reward model's loss over a batch of pairs, by label:
//
//   decided (chosen c, rejected r):  −log σ(s_c − s_r)                        Bradley-Terry
//   tie:                              −½ log σ(s_a − s_b) − ½ log σ(s_b − s_a)  Bradley-Terry with a ½ target:
//                                                                              pulls the two scores together
//   both-bad:                         −½ [log σ(m − s_a) + log σ(m − s_b)]     each answer loses to a virtual
//                                                                              answer scoring m: both pushed below m
//   loss = Σ w·ℓ / Σ w  +  centreCoef · mean over decided and tie pairs of (s_a + s_b)²
//
// with w = 1, tieWeight, bothBadWeight. The centring term (TRL's center_rewards_coefficient)
// fixes the one freedom Bradley-Terry leaves, a constant added to every score, at zero, which
// is also what gives the both-bad margin m its meaning: 0 is "acceptable".

import * as tf from '@tensorflow/tfjs-core';
import { REWARD_LOSS_DEFAULTS, type PairKind, type RewardLossConfig } from './config';

/**
 * Returns the scalar loss for scores sa, sb [B] of the two answers of each pair (A first; for a
 * decided pair A is the chosen one). Differentiable; call inside a tidy or a Trainer loss.
 */
export function preferenceLoss(sa: tf.Tensor1D, sb: tf.Tensor1D, kinds: readonly PairKind[], cfg: RewardLossConfig = REWARD_LOSS_DEFAULTS): tf.Scalar {
  return tf.tidy(() => {
    const mask = (k: PairKind) => tf.tensor1d(kinds.map((x) => (x === k ? 1 : 0)), 'float32'); // [B]
    const dec = mask('decided');
    const tie = mask('tie');
    const bad = mask('both-bad');
    const d = tf.sub(sa, sb); // [B]
    const bt = tf.softplus(tf.neg(d)); // −log σ(d)
    const tieLoss = tf.mul(0.5, tf.add(tf.softplus(d), tf.softplus(tf.neg(d))));
    const badLoss = tf.mul(0.5, tf.add(tf.softplus(tf.sub(sa, cfg.bothBadMargin)), tf.softplus(tf.sub(sb, cfg.bothBadMargin))));
    const weighted = tf.addN([tf.mul(dec, bt), tf.mul(tf.mul(tie, cfg.tieWeight), tieLoss), tf.mul(tf.mul(bad, cfg.bothBadWeight), badLoss)]);
    const weight = tf.addN([dec, tf.mul(tie, cfg.tieWeight), tf.mul(bad, cfg.bothBadWeight)]);
    const main = tf.div(tf.sum(weighted), tf.maximum(tf.sum(weight), 1e-8));
    const centred = tf.add(dec, tie);
    const centre = tf.div(tf.sum(tf.mul(centred, tf.square(tf.add(sa, sb)))), tf.maximum(tf.sum(centred), 1));
    return tf.add(main, tf.mul(cfg.centreCoef, centre)) as tf.Scalar;
  });
}
