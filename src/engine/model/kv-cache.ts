// The KV cache for decoding: after one pass over [prompt][image] ("prefill"), each new token runs
// through the blocks alone, attending to the keys and values kept from every earlier position.
import * as tf from '@tensorflow/tfjs-core';
import type { LayerKV } from './attention';
import { imageTokenCount } from './config';
import { lmLogits, runBlocks, sequenceEmbeddings, textEmbeddings } from './decoder';
import type { VlmModel } from './model';

export type KVCache = {
  /** Per layer, keys and values of all S positions so far: [B, H, S, dh]. */
  layers: LayerKV[];
  /** [B, S] 1 where the position is a real token, 0 for pads. */
  keyValid: tf.Tensor2D;
};

/** Frees a cache's tensors. */
export function disposeCache(cache: KVCache): void {
  tf.dispose([cache.keyValid, ...cache.layers.flatMap((l) => [l.k, l.v])]);
}

/**
 * Runs [left-padded prompts][image tokens] through the decoder. tokens, positions [B, Lp] int32;
 * promptValid [B, Lp]. Returns next-token logits [B, V] at the last column and a new cache.
 */
export function prefill(model: VlmModel, images: tf.Tensor4D, tokens: tf.Tensor2D, positions: tf.Tensor2D, promptValid: tf.Tensor2D): { logits: tf.Tensor2D; cache: KVCache } {
  return tf.tidy(() => {
    const b = images.shape[0];
    const x = sequenceEmbeddings(model, images, tokens, positions, tokens.shape[1]); // [B, Lp+9, D]
    const keyValid = tf.concat([promptValid, tf.ones([b, imageTokenCount(model.config)])], 1) as tf.Tensor2D; // [B, Lp+9]
    const { hidden, kv } = runBlocks(model, x, keyValid, undefined, false);
    const s = x.shape[1];
    const last = hidden.slice([0, s - 1, 0], [b, 1, model.config.dModel]).reshape([b, model.config.dModel]); // [B, D]
    return { logits: lmLogits(model, last) as tf.Tensor2D, cache: { layers: kv, keyValid } };
  });
}

/**
 * Feeds one token per row (tokens, positions: host arrays of length B; valid: 1, or 0 for a row that
 * has stopped) and returns next-token logits [B, V] with the grown cache. Consumes `cache`: its
 * tensors are freed, use the returned one.
 */
export function decodeStep(model: VlmModel, cache: KVCache, tokens: Int32Array, positions: Int32Array, valid: Float32Array): { logits: tf.Tensor2D; cache: KVCache } {
  const out = tf.tidy(() => {
    const b = tokens.length;
    const x = textEmbeddings(model, tf.tensor2d(tokens, [b, 1], 'int32'), tf.tensor2d(positions, [b, 1], 'int32')); // [B, 1, D]
    const keyValid = tf.concat([cache.keyValid, tf.tensor2d(valid, [b, 1])], 1) as tf.Tensor2D; // [B, S+1]
    const { hidden, kv } = runBlocks(model, x, keyValid, cache.layers, false); // hidden [B, 1, D]
    const logits = lmLogits(model, hidden.reshape([b, model.config.dModel])) as tf.Tensor2D; // [B, V]
    return { logits, cache: { layers: kv, keyValid } };
  });
  disposeCache(cache);
  return out;
}
