// The DPO loss (Rafailov et al. 2023) over a batch of pairs, by label. With ρ(y) = log π(y) − log
// π_ref(y), the summed log-probs of an answer's tokens (EOS included) under the policy and the
// frozen reference, the implicit reward is β·ρ(y) and, for a pair (a, b) with Δ = ρ(a) − ρ(b):
//
//   decided (a chosen):  −log σ(βΔ)                                the DPO loss
//   tie:                 −½ log σ(βΔ) − ½ log σ(−βΔ)              a ½ target: pulls the two implicit
//                                                                   rewards together
//   both-bad:            −½ [log σ(−βρ(a)) + log σ(−βρ(b))]       each answer loses to a virtual answer
//                                                                   with implicit reward 0 (as likely as
//                                                                   under the reference): both pushed down
//   loss = Σ w·ℓ / Σ w,   w = 1, tieWeight, bothBadWeight
//
// the same treatment the reward model's loss gives ties and both-bad pairs (reward/loss.ts), with
// the implicit reward in place of the score. No centring term: the reference anchors it.

import * as tf from '@tensorflow/tfjs-core';
import type { PairKind } from '../reward/config';
import type { DpoConfig } from './config';

export type DpoLossConfig = Pick<DpoConfig, 'beta' | 'tieWeight' | 'bothBadWeight'>;

/**
 * Returns the scalar loss from the sequence log-probs [B] of each pair's two answers under the
 * policy (pa, pb) and the reference (ra, rb); A is the chosen answer of a decided pair.
 * Differentiable in pa and pb; call inside a tidy or a Trainer loss.
 */
export function dpoLoss(pa: tf.Tensor1D, pb: tf.Tensor1D, ra: tf.Tensor1D, rb: tf.Tensor1D, kinds: readonly PairKind[], cfg: DpoLossConfig): tf.Scalar {
  return tf.tidy(() => {
    const mask = (k: PairKind) => tf.tensor1d(kinds.map((x) => (x === k ? 1 : 0)), 'float32'); // [B]
    const dec = mask('decided');
    const tie = mask('tie');
    const bad = mask('both-bad');
    const za = tf.mul(cfg.beta, tf.sub(pa, ra)); // [B] implicit rewards β·ρ
    const zb = tf.mul(cfg.beta, tf.sub(pb, rb));
    const d = tf.sub(za, zb); // βΔ
    const dpo = tf.softplus(tf.neg(d)); // −log σ(βΔ)
    const tieLoss = tf.mul(0.5, tf.add(tf.softplus(d), tf.softplus(tf.neg(d))));
    const badLoss = tf.mul(0.5, tf.add(tf.softplus(za), tf.softplus(zb))); // −log σ(−z) = softplus(z)
    const weighted = tf.addN([tf.mul(dec, dpo), tf.mul(tf.mul(tie, cfg.tieWeight), tieLoss), tf.mul(tf.mul(bad, cfg.bothBadWeight), badLoss)]);
    const weight = tf.addN([dec, tf.mul(tie, cfg.tieWeight), tf.mul(bad, cfg.bothBadWeight)]);
    return tf.div(tf.sum(weighted), tf.maximum(tf.sum(weight), 1e-8)) as tf.Scalar;
  });
}

/** TRL's DPO statistics of decided pairs from the implicit rewards (host numbers; null with no decided pair). */
export interface DpoStats {
  'rewards/chosen': number;
  'rewards/rejected': number;
  /** Share of decided pairs whose chosen answer has the strictly higher implicit reward (TRL's: a tie counts 0, so a policy equal to its reference scores 0). */
  'rewards/accuracies': number;
  'rewards/margins': number;
  'logps/chosen': number;
  'logps/rejected': number;
}

/** The statistics from sequence log-probs of A (chosen) and B under policy and reference, over the decided pairs. */
export function dpoStats(pa: ArrayLike<number>, pb: ArrayLike<number>, ra: ArrayLike<number>, rb: ArrayLike<number>, kinds: readonly PairKind[], beta: number): DpoStats | null {
  const idx = kinds.flatMap((k, i) => (k === 'decided' ? [i] : []));
  if (idx.length === 0) return null;
  const mean = (f: (i: number) => number) => idx.reduce((s, i) => s + f(i), 0) / idx.length;
  const za = (i: number) => beta * ((pa[i] as number) - (ra[i] as number));
  const zb = (i: number) => beta * ((pb[i] as number) - (rb[i] as number));
  return {
    'rewards/chosen': mean(za),
    'rewards/rejected': mean(zb),
    'rewards/accuracies': mean((i) => (za(i) > zb(i) ? 1 : 0)),
    'rewards/margins': mean((i) => za(i) - zb(i)),
    'logps/chosen': mean((i) => pa[i] as number),
    'logps/rejected': mean((i) => pb[i] as number),
  };
}
