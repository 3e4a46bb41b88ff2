// What DPO reads of a model: the summed log-prob of each answer's tokens (EOS included) given its
// image and question, for a batch of pairs; and a policy's KL from its reference on its own samples.

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
}

/** Packs both answers of every pair: rows a0…a(n−1), then b0…b(n−1). Free with disposeBatch. */
export function packPairs(model: VlmModel, pairs: readonly DpoPair[]): PackedBatch {
  const rows = [...pairs.map((p) => ({ image: p.image, item: p.a })), ...pairs.map((p) => ({ image: p.image, item: p.b }))];
  return packBatch(model.config, rows.map((r) => r.image), rows.map((r) => promptIds(r.item.question)), rows.map((r) => responseIds(r.item.response)));
}

/** Differentiable summed log-prob of each row's response: [2n] (call inside a loss). */
export function sequenceLogps(model: VlmModel, batch: PackedBatch, training = false): tf.Tensor1D {
  return tf.sum(responseOutputs(model, batch, { training }).logprobs, 1) as tf.Tensor1D; // [B, R] → [B]
}

/** Reads the summed log-probs of both answers of every pair, in batches; the model is only read. */
export async function pairLogps(model: VlmModel, pairs: readonly DpoPair[], batchPairs = 32): Promise<{ a: Float32Array; b: Float32Array }> {
  const a = new Float32Array(pairs.length);
  const b = new Float32Array(pairs.length);
  for (let start = 0; start < pairs.length; start += batchPairs) {
    const chunk = pairs.slice(start, start + batchPairs);
    const batch = packPairs(model, chunk);
    try {
      const t = tf.tidy(() => sequenceLogps(model, batch));
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
