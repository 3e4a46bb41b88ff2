// The optimisation phase of a step: ppoEpochs passes over the rollout in shuffled minibatches,
// each one Adam step on the clipped policy loss plus vfCoef × the clipped value loss (GAE) or
// plus klCoef × the KL term (KL in the loss), with gradient clipping and the non-finite guard.
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../world/rng';
import { disposeBatch } from '../model/batch';
import { responseOutputs } from '../model/logprobs';
import type { Trainer } from '../train/trainer';
import type { PpoConfig } from './config';
import { clippedPolicyLoss, clippedValueLoss, klLoss, tokenMean } from './losses';
import { responseValues } from './forward';
import { packRollout, pickRows, type Rollout } from './rollout';
import type { PpoRoles } from './roles';

/** What the update works from: the rollout and its per-token figures, all [B·R]. */
export interface UpdateInputs {
  rollout: Rollout;
  oldLogprobs: Float32Array;
  refLogprobs: Float32Array;
  advantages: Float32Array;
  /** GAE only. */
  oldValues?: Float32Array;
  returns?: Float32Array;
}

/** Averages over every minibatch update of the step (TRL's *_avg). */
export interface UpdateStats {
  'policy/approxkl_avg': number;
  'policy/clipfrac_avg': number;
  'loss/policy_avg': number;
  /** GAE only. */
  'loss/value_avg'?: number;
  'val/clipfrac_avg'?: number;
  'val/ratio': number;
  /** Variance of the minibatch updates' mean ratios (TRL's, unbiased; 0 with a single update). */
  'val/ratio_var': number;
  /** The policy's mean per-token entropy (exact, over real tokens) as each update saw it (TRL's). */
  'policy/entropy_avg': number;
  /** KL in the loss only: the mean KL term. */
  'loss/kl_avg'?: number;
  'policy/grad_norm_avg': number;
  /** Minibatch updates applied. */
  updates: number;
}

export type UpdateResult = { ok: true; stats: UpdateStats } | { ok: false; nonFinite: string; updates: number };

const STAT_KEYS: Record<string, keyof UpdateStats> = {
  approxkl: 'policy/approxkl_avg', clipfrac: 'policy/clipfrac_avg', policyLoss: 'loss/policy_avg',
  valueLoss: 'loss/value_avg', valueClipfrac: 'val/clipfrac_avg', ratio: 'val/ratio', kl: 'loss/kl_avg', entropy: 'policy/entropy_avg',
};

/** The unbiased variance of xs (torch's .var()), 0 for fewer than two. */
function variance(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1);
}

/**
 * Runs the epochs of minibatch updates; changes the policy's and value model's weights through
 * `trainer` (over both). Stops at the first minibatch whose loss, gradient norm or statistics are
 * not finite (that update is not applied) and names the quantity.
 */
export async function ppoUpdate(roles: PpoRoles, trainer: Trainer, inp: UpdateInputs, cfg: PpoConfig, klCoef: number, rng: Rng): Promise<UpdateResult> {
  const { rollout: ro } = inp;
  const klInLoss = cfg.klPenalty === 'loss' && klCoef > 0;
  const sums: Record<string, number> = {};
  let gradNorms = 0;
  let updates = 0;
  const ratios: number[] = [];
  for (let epoch = 0; epoch < cfg.ppoEpochs; epoch++) {
    const order = rng.shuffle([...Array(ro.b).keys()]);
    for (let start = 0; start < ro.b; start += cfg.miniBatchSize) {
      const rows = order.slice(start, start + cfg.miniBatchSize);
      const batch = packRollout(roles.policy, ro, rows);
      const n = rows.length;
      const rr = batch.responseLen; // this minibatch's own width
      const host = (x: Float32Array) => tf.tensor2d(pickRows(x, ro.r, rows, rr), [n, rr]); // [n, R']
      try {
        const res = await trainer.step((stats) => {
          const mask = batch.responseMask; // [n, R']
          const { logprobs, entropy } = responseOutputs(roles.policy, batch, { temperature: cfg.temperature, training: true, entropy: true }); // [n, R'] each
          const pl = clippedPolicyLoss(logprobs, host(inp.oldLogprobs), host(inp.advantages), mask, cfg.cliprange);
          stats.add('policyLoss', pl.loss);
          stats.add('clipfrac', pl.clipfrac);
          stats.add('approxkl', pl.approxkl);
          stats.add('ratio', pl.ratio);
          stats.add('entropy', tokenMean(entropy as tf.Tensor2D, mask));
          let loss: tf.Scalar = pl.loss;
          if (roles.value && inp.oldValues && inp.returns) {
            const vpred = responseValues(roles.value, batch, true); // [n, R']
            const vl = clippedValueLoss(vpred, host(inp.oldValues), host(inp.returns), mask, cfg.cliprangeValue);
            stats.add('valueLoss', vl.loss);
            stats.add('valueClipfrac', vl.clipfrac);
            loss = tf.add(loss, tf.mul(cfg.vfCoef, vl.loss)) as tf.Scalar;
          }
          if (klInLoss) {
            const kl = klLoss(logprobs, host(inp.refLogprobs), mask, cfg.klEstimator);
            stats.add('kl', kl);
            loss = tf.add(loss, tf.mul(klCoef, kl)) as tf.Scalar;
          }
          return loss;
        }, { guard: true });
        if (!res.applied) return { ok: false, nonFinite: STAT_KEYS[res.nonFinite as string] ?? (res.nonFinite as string), updates };
        updates += 1;
        gradNorms += res.gradNorm;
        ratios.push(res.stats.ratio as number);
        for (const [k, v] of Object.entries(res.stats)) sums[k] = (sums[k] ?? 0) + v;
      } finally {
        disposeBatch(batch);
      }
    }
  }
  const stats: Record<string, number> = { 'policy/grad_norm_avg': gradNorms / updates, 'val/ratio_var': variance(ratios), updates };
  for (const [k, v] of Object.entries(sums)) stats[STAT_KEYS[k] as string] = v / updates;
  return { ok: true, stats: stats as unknown as UpdateStats };
}
