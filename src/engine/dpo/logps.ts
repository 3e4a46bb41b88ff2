// What DPO reads of a model: the summed log-prob of each answer's tokens (EOS included) given its
// image and question, for a batch of pairs, or with per-token weights their weighted average (dense
// DPO, dense.ts); and a policy's KL from its reference on its own samples.

import * as tf from '@tensorflow/tfjs-core';
import type { Perception } from '../world/render';
import type { DrawnPrompt } from '../data/prompts';
import { promptIds, responseIds } from '../data/encode';
import { computeLogProbs, responseOutputs } from '../model/logprobs';
import { disposeBatch, packBatch, type PackedBatch } from '../model/batch';
import type { VlmModel } from '../model/model';
import { packRollout, sampleRollout } from '../ppo/rollout';
import type { OrientedPair } from '../reward/train-run';

/** A pair as DPO reads it: oriented (A chosen when decided), and its image rendered once. */
export interface DpoPair extends OrientedPair {
  image: Float32Array;
  /**
   * One weight per response token of each answer (its words, then <eos>): its sequence log-prob is
   * then Σ w·log p / Σ w (dense DPO). Absent: the sum. A batch's pairs all have them or none does.
   */
  weights?: { a: readonly number[]; b: readonly number[] };
}

/** Packs both answers of every pair: rows a0…a(n−1), then b0…b(n−1). Free with disposeBatch. */
export function packPairs(model: VlmModel, pairs: readonly DpoPair[]): PackedBatch {
  const rows = [...pairs.map((p) => ({ image: p.image, item: p.a })), ...pairs.map((p) => ({ image: p.image, item: p.b }))];
  return packBatch(model.config, rows.map((r) => r.image), rows.map((r) => promptIds(r.item.question)), rows.map((r) => responseIds(r.item.response)));
}

/**
 * The per-token weights of packed pairs, in packPairs' rows and the batch's response columns (0 past
 * each row's end): [2n, R]; undefined when no pair has weights. Throws when only some have, or when
 * a row's weights are not one per response token.
 */
export function pairWeights(pairs: readonly DpoPair[], batch: PackedBatch): tf.Tensor2D | undefined {
  const weighted = pairs.filter((p) => p.weights).length;
  if (weighted === 0) return undefined;
  if (weighted !== pairs.length) throw new Error(`dpo: ${weighted} of ${pairs.length} pairs have per-token weights; all or none must`);
  const rows = [...pairs.map((p) => (p.weights as NonNullable<DpoPair['weights']>).a), ...pairs.map((p) => (p.weights as NonNullable<DpoPair['weights']>).b)];
  const r = batch.responseLen;
  const out = new Float32Array(rows.length * r);
  rows.forEach((w, i) => {
    if (w.length !== batch.responseLengths[i]) throw new Error(`dpo: row ${i} has ${w.length} token weights for ${batch.responseLengths[i]} response tokens`);
    out.set(w, i * r);
  });
  return tf.tensor2d(out, [rows.length, r]);
}

/**
 * Each row's sequence log-prob from its per-token log-probs [B, R] (0 at pads): their sum, or with
 * weights [B, R] (0 at pads) the weighted average Σ w·log p / Σ w. Differentiable; call inside a tidy or a loss.
 */
export function reduceLogps(tokenLogps: tf.Tensor2D, weights?: tf.Tensor2D): tf.Tensor1D {
  return (weights ? tf.div(tf.sum(tf.mul(tokenLogps, weights), 1), tf.sum(weights, 1)) : tf.sum(tokenLogps, 1)) as tf.Tensor1D;
}

/** Differentiable sequence log-prob of each row's response: [2n], summed or, with weights (pairWeights), their weighted average (call inside a loss). */
export function sequenceLogps(model: VlmModel, batch: PackedBatch, training = false, weights?: tf.Tensor2D): tf.Tensor1D {
  return reduceLogps(responseOutputs(model, batch, { training }).logprobs, weights); // [B, R] → [B]
}

/** Reads the sequence log-probs (summed, or weighted averages) of both answers of every pair, in batches; the model is only read. */
export async function pairLogps(model: VlmModel, pairs: readonly DpoPair[], batchPairs = 32): Promise<{ a: Float32Array; b: Float32Array }> {
  const a = new Float32Array(pairs.length);
  const b = new Float32Array(pairs.length);
  for (let start = 0; start < pairs.length; start += batchPairs) {
    const chunk = pairs.slice(start, start + batchPairs);
    const batch = packPairs(model, chunk);
    try {
      const t = tf.tidy(() => sequenceLogps(model, batch, false, pairWeights(chunk, batch)));
      const v = (await t.data()) as Float32Array;
      t.dispose();
      a.set(v.subarray(0, chunk.length), start);
      b.set(v.subarray(chunk.length), start);
    } finally {
      disposeBatch(batch);
    }
  }
  return { a, b };
}

/**
 * The policy's KL from the reference, nats per answer: its answers to the prompts sampled once each
 * (the KV cache, at `temperature`), and the mean over answers of Σ log π − log π_ref over their
 * tokens (k1, as PPO's objective/kl). Both models are only read.
 */
export async function sampledKl(policy: VlmModel, reference: VlmModel, prompts: readonly DrawnPrompt[], o: { responseLength: number; temperature: number; seed: number; perception: Perception }): Promise<number> {
  if (prompts.length === 0) return 0;
  const ro = await sampleRollout(policy, prompts, { numGenerations: 1, ...o });
  const batch = packRollout(policy, ro);
  try {
    const ref = await computeLogProbs(reference, batch, { temperature: o.temperature });
    let kl = 0;
    for (let i = 0; i < ro.logprobs.length; i++) if ((ro.mask[i] as number) > 0) kl += (ro.logprobs[i] as number) - (ref.logprobs[i] as number);
    return kl / ro.b;
  } finally {
    disposeBatch(batch);
  }
}
