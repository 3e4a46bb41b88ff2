// The decoder's starting weights for a policy made from scratch. GPT-2's std 0.02 suits its
// d_model of 768; at d_model 128 it leaves attention uniform and the MLP nearly linear for
// hundreds of steps, so a question-dependent look-up ("is there a red circle ?": find the asked
// object among the image tokens) stays at chance for most of a short SFT run. Fan-in scaling
// (std 1/sqrt(d_model)) of the embeddings, the attention's q/k/v and the MLP's first layer starts
// it learning within the first hundred steps; the residual output projections keep GPT-2's small
// scale, so the residual stream starts as calm as before.

import * as tf from '@tensorflow/tfjs-core';
import type { VlmModel } from '../model/model';

export type DecoderInit = 'gpt2' | 'fan-in';

/** Which freshly initialised weights fan-in scaling rescales (all drawn at std 0.02). */
const FAN_IN = (name: string) => name === 'tok/emb' || name === 'pos/emb' || name.endsWith('/attn/wqkv') || name.endsWith('/mlp/w1');

/**
 * Rescales a fresh model's decoder weights from std 0.02 to 1/sqrt(d_model) (the same draws,
 * scaled, so the seed still decides them). Changes the model's weights in place; call it before
 * any training.
 */
export function applyDecoderInit(model: VlmModel, init: DecoderInit): void {
  if (init === 'gpt2') return;
  const k = 1 / Math.sqrt(model.config.dModel) / 0.02;
  for (const [name, v] of model.params.vars) {
    if (!FAN_IN(name)) continue;
    const scaled = tf.mul(v, k);
    v.assign(scaled);
    scaled.dispose();
  }
  model.bumpGeneration();
}
