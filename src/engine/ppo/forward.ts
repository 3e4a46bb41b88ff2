// What the models say about a rollout, read back to the host: per-token log-probs under the frozen
// reference, at the run's temperature, and the value model's values.
// Also the differentiable per-token values the value loss needs (no LM head: values only).
import * as tf from '@tensorflow/tfjs-core';
import type { PackedBatch } from '../model/batch';
import { imageTokenCount } from '../model/config';
import { decoderForward, valueHead } from '../model/decoder';
import { computeLogProbs } from '../model/logprobs';
import type { VlmModel } from '../model/model';

/**
 * Values [B, R] at the positions that predict each response token (the state before the token),
 * 0 on pads; differentiable (call inside tf.tidy or a loss function).
 */
export function responseValues(model: VlmModel, batch: PackedBatch, training = false): tf.Tensor2D {
  const { batchSize: b, promptLen: lp, responseLen: r } = batch;
  const { hidden } = decoderForward(model, batch, training); // [B, Lp+9+R, D]
  const h = hidden.slice([0, imageTokenCount(model.config) + lp - 1, 0], [b, r, model.config.dModel]); // [B, R, D]
  return tf.mul(valueHead(model, h), batch.responseMask) as tf.Tensor2D; // [B, R]
}

/** Reads the values of a batch: Float32Array [B·R]. */
export async function readValues(model: VlmModel, batch: PackedBatch): Promise<Float32Array> {
  const v = tf.tidy(() => responseValues(model, batch));
  const out = (await v.data()) as Float32Array;
  v.dispose();
  return out;
}

export interface RolloutForward {
  /** [B·R] log p_ref of each sampled token (logits / temperature); 0 on pads. */
  refLogprobs: Float32Array;
  /** [B·R] the value model's values (only when there is a value model). */
  values?: Float32Array;
}

/**
 * One pass of the reference and of the value model over the packed rollout; the models are only
 * read. (The policy's own log-probs and entropy come with the rollout, from the sampler's logits.)
 */
export async function forwardRollout(reference: VlmModel, value: VlmModel | undefined, batch: PackedBatch, temperature: number): Promise<RolloutForward> {
  const ref = await computeLogProbs(reference, batch, { temperature });
  const out: RolloutForward = { refLogprobs: ref.logprobs };
  if (value) out.values = await readValues(value, batch);
  return out;
}
