// What the model says about given responses: per-token log-probs (and entropy, values) over a padded
// batch, and the scalar score of each whole sequence. Tensor versions for losses, async ones for reading.
import * as tf from '@tensorflow/tfjs-core';
import type { PackedBatch } from './batch';
import { imageTokenCount } from './config';
import { decoderForward, lmLogits, scoreHead, valueHead } from './decoder';
import type { VlmModel } from './model';

export interface ResponseOutputOptions {
  /** Logits are divided by this before the softmax (match the sampling temperature); default 1. */
  temperature?: number;
  /** Also return per-token entropy of the next-token distribution. */
  entropy?: boolean;
  /** Also return per-token values from the value head. */
  values?: boolean;
  /** Training mode (dropout on when the config asks for it). */
  training?: boolean;
  /** Also return the image tokens' states after this block (0-based): what the grounding loss reads. */
  imageStatesAfter?: number;
}

export interface ResponseOutputs {
  /** [B, R] log p(response token | everything before it); 0 on pads. */
  logprobs: tf.Tensor2D;
  /** [B, R, V] logits (after temperature) at the positions that predict each response token. */
  logits: tf.Tensor3D;
  /** [B, R] entropy in nats; 0 on pads. */
  entropy?: tf.Tensor2D;
  /** [B, R] value estimate at the position that predicts each response token; 0 on pads. */
  values?: tf.Tensor2D;
  /** [B, 9, D] the image tokens' residual stream after block `imageStatesAfter`. */
  imageStates?: tf.Tensor3D;
}

/**
 * Differentiable per-token outputs for the batch's responses (call inside tf.tidy or a loss function).
 * Token r of a response is predicted by the hidden state one column before it.
 */
export function responseOutputs(model: VlmModel, batch: PackedBatch, opts: ResponseOutputOptions = {}): ResponseOutputs {
  const { batchSize: b, promptLen: lp, responseLen: r } = batch;
  if (r === 0) throw new Error('responseOutputs: the batch has no response tokens');
  const temperature = opts.temperature ?? 1;
  if (!(temperature > 0)) throw new Error(`responseOutputs: temperature must be positive, got ${temperature}`);
  const { hidden, residuals } = decoderForward(model, batch, opts.training ?? false); // [B, Lp+9+R, D]
  const d = model.config.dModel;
  const h = hidden.slice([0, imageTokenCount(model.config) + lp - 1, 0], [b, r, d]); // [B, R, D]
  const logits = tf.div(lmLogits(model, h), temperature) as tf.Tensor3D; // [B, R, V]
  const logp = tf.logSoftmax(logits); // [B, R, V]
  const target = tf.oneHot(batch.responseTokens, model.config.vocabSize); // [B, R, V]
  const mask = batch.responseMask; // [B, R]
  const out: ResponseOutputs = { logprobs: tf.mul(tf.sum(tf.mul(target, logp), -1), mask) as tf.Tensor2D, logits };
  if (opts.entropy) out.entropy = tf.mul(tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), -1)), mask) as tf.Tensor2D;
  if (opts.values) out.values = tf.mul(valueHead(model, h), mask) as tf.Tensor2D;
  if (opts.imageStatesAfter !== undefined) {
    const states = residuals[opts.imageStatesAfter];
    if (!states) throw new Error(`responseOutputs: there is no block ${opts.imageStatesAfter}`);
    out.imageStates = states.slice([0, lp, 0], [b, imageTokenCount(model.config), d]) as tf.Tensor3D; // [B, 9, D]
  }
  return out;
}

/**
 * Differentiable scalar score of each sequence: [B]. Read at its last real token (the default,
 * config.scoreReadout 'last'), or, with 'sum', the score head summed over every real response
 * token (each token's own contribution, so a flaw anywhere can cost on its own).
 */
export function sequenceScores(model: VlmModel, batch: PackedBatch, training = false): tf.Tensor1D {
  const { hidden } = decoderForward(model, batch, training); // [B, S, D]
  if ((model.config.scoreReadout ?? 'last') === 'sum') {
    const { batchSize: b, promptLen: lp, responseLen: r } = batch;
    const h = hidden.slice([0, imageTokenCount(model.config) + lp, 0], [b, r, model.config.dModel]); // [B, R, D]: the response tokens
    const perToken = scoreHead(model, h); // [B, R]
    return tf.sum(tf.mul(perToken, batch.responseMask), 1) as tf.Tensor1D;
  }
  const pick = tf.oneHot(batch.lastIndex, hidden.shape[1]).expandDims(-1); // [B, S, 1]
  const last = tf.sum(tf.mul(hidden, pick), 1); // [B, D]
  return scoreHead(model, last) as tf.Tensor1D;
}

export interface LogProbResult {
  batchSize: number;
  responseLen: number;
  /** [B·R] row-major, 0 on pads. */
  logprobs: Float32Array;
  /** [B·R] 1 on real response tokens. */
  mask: Float32Array;
  entropy?: Float32Array;
  values?: Float32Array;
}

/** Reads per-token log-probs (and entropy/values if asked) without keeping any tensor. */
export async function computeLogProbs(model: VlmModel, batch: PackedBatch, opts: ResponseOutputOptions = {}): Promise<LogProbResult> {
  const outs = tf.tidy(() => {
    const o = responseOutputs(model, batch, opts);
    return [o.logprobs, o.entropy, o.values, tf.clone(batch.responseMask)] as const;
  });
  const [lp, ent, val, mask] = await Promise.all(outs.map((t) => (t ? (t.data() as Promise<Float32Array>) : undefined)));
  tf.dispose(outs.filter((t): t is tf.Tensor2D => t !== undefined));
  const res: LogProbResult = { batchSize: batch.batchSize, responseLen: batch.responseLen, logprobs: lp!, mask: mask! };
  if (ent) res.entropy = ent;
  if (val) res.values = val;
  return res;
}

/** Reads the scalar score of each sequence: Float32Array [B]. */
export async function computeScores(model: VlmModel, batch: PackedBatch): Promise<Float32Array> {
  const s = tf.tidy(() => sequenceScores(model, batch));
  const out = (await s.data()) as Float32Array;
  s.dispose();
  return out;
}
