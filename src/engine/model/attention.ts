// Causal multi-head self-attention with a padding mask and an optional KV cache: keys and values of
// earlier positions are passed in (`past`) and the new ones returned, so decoding reads each token once.
import * as tf from '@tensorflow/tfjs-core';
import { attentionMix, attentionScores } from './bmm';
import { dense } from './layers';
import type { Params } from './params';

/** Keys and values of one layer for every position seen so far: [B, H, S, dh] each. */
export type LayerKV = {
  k: tf.Tensor4D;
  v: tf.Tensor4D;
};

export const MASKED = -1e9; // added to scores of forbidden keys; exp() of it is exactly 0 in float32

/**
 * Additive attention bias [B, 1, T, S] for T queries that are the last T of S positions:
 * 0 where key j is at or before the query and is not padding, -1e9 elsewhere.
 * keyValid [B, S] holds 1 for real tokens and 0 for padding.
 */
export function attentionBias(keyValid: tf.Tensor2D, queryLen: number): tf.Tensor4D {
  const [b, s] = keyValid.shape;
  const causal = new Float32Array(queryLen * s);
  const offset = s - queryLen;
  for (let i = 0; i < queryLen; i++) for (let j = 0; j <= i + offset; j++) causal[i * s + j] = 1;
  const allowed = tf.mul(tf.tensor4d(causal, [1, 1, queryLen, s]), keyValid.reshape([b, 1, 1, s])); // [B, 1, T, S]
  return tf.mul(tf.sub(1, allowed), MASKED) as tf.Tensor4D;
}

/** [B, T, D] → [B, H, T, dh] */
function splitHeads(x: tf.Tensor, nHeads: number): tf.Tensor4D {
  const [b, t, d] = x.shape as [number, number, number];
  return x.reshape([b, t, nHeads, d / nHeads]).transpose([0, 2, 1, 3]);
}

/**
 * Self-attention of block `prefix` over x [B, T, D], attending also to `past` keys/values if given.
 * bias must be [B, 1, T, S] with S = past length + T. Returns the output [B, T, D] and the keys/values
 * of all S positions (new tensors; the caller keeps or disposes them).
 */
export function selfAttention(
  params: Params, prefix: string, x: tf.Tensor3D, bias: tf.Tensor4D, nHeads: number, past?: LayerKV,
): { out: tf.Tensor3D; kv: LayerKV } {
  const [b, t, d] = x.shape;
  const qkv = dense(x, params.get(`${prefix}/wqkv`), params.get(`${prefix}/bqkv`)); // [B, T, 3D]
  // split + rank-4 transposes: WASM runs a rank-5 transpose (the one-transpose alternative) ~30× slower.
  const [q, kNew, vNew] = tf.split(qkv, 3, -1).map((z) => splitHeads(z, nHeads)) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D]; // [B, H, T, dh]
  const k = past ? tf.concat([past.k, kNew], 2) : kNew; // [B, H, S, dh]
  const v = past ? tf.concat([past.v, vNew], 2) : vNew; // [B, H, S, dh]
  const scale = 1 / Math.sqrt(d / nHeads);
  const scores = tf.add(tf.mul(attentionScores(q, k), scale), bias); // [B, H, T, S]
  const weights = tf.softmax(scores, -1); // [B, H, T, S]
  const y = attentionMix(weights as tf.Tensor4D, v).transpose([0, 2, 1, 3]).reshape([b, t, d]); // [B, T, D]
  const out = dense(y, params.get(`${prefix}/wo`), params.get(`${prefix}/bo`)) as tf.Tensor3D;
  return { out, kv: { k, v } };
}
