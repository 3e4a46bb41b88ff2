// The decoder's forward pass: [prompt][image tokens][response] → pre-LayerNorm causal transformer →
// final hidden states, and the three heads that read them (LM logits, scalar score, per-token value).
//
// The prompt (question, and the facts when given) comes before the image tokens: then every image
// token can attend to the question in the first layer ("is this cell the red circle asked about?")
// and the answer read the match in the next. The policies made with the image first answered
// POPE at chance (docs/grounding.md).
import * as tf from '@tensorflow/tfjs-core';
import { attentionBias, selfAttention, type LayerKV } from './attention';
import { dense, embed, gelu, layerNorm, matMul2d, maybeDropout } from './layers';
import type { VlmModel } from './model';
import { encodeImages } from './vision';

/** Tensors for one forward pass; see batch.ts for how prompts and responses are laid out. */
export interface DecoderInput {
  /** [B, S, S, 3] in [0, 1]. */
  images: tf.Tensor4D;
  /** [B, T] int32 text token ids: Lp prompt columns, then the response (pads anywhere; masked by keyValid). */
  tokens: tf.Tensor2D;
  /** Lp: the first Lp text columns are the prompt; the image tokens go between them and the rest. */
  promptLen: number;
  /** [B, T] int32 text position of each token, counted per row from its first real token. */
  positions: tf.Tensor2D;
  /** [B, Lp + 9 + R] float, in sequence order: 1 for a real token (image tokens always), 0 for padding. */
  keyValid: tf.Tensor2D;
}

/**
 * The decoder's input sequence: [prompt Lp][image 9][response R] embeddings → [B, Lp + 9 + R, D].
 * A response column c of the text (c ≥ Lp) sits at sequence column c + 9, as it did with the image
 * first, so response offsets are the same in both orders.
 */
export function sequenceEmbeddings(model: VlmModel, images: tf.Tensor4D, tokens: tf.Tensor2D, positions: tf.Tensor2D, promptLen: number): tf.Tensor3D {
  const text = textEmbeddings(model, tokens, positions); // [B, T, D]
  const [b, t, d] = text.shape;
  const prompt = text.slice([0, 0, 0], [b, promptLen, d]); // [B, Lp, D]
  const response = text.slice([0, promptLen, 0], [b, t - promptLen, d]); // [B, R, D]
  return tf.concat([prompt, imageTokens(model, images), response], 1) as tf.Tensor3D; // [B, Lp+9+R, D]
}

/** Image tokens projected into the decoder's space: [B, S, S, 3] → [B, 9, D]. */
export function imageTokens(model: VlmModel, images: tf.Tensor4D): tf.Tensor3D {
  const cells = encodeImages(model.vision, images); // [B, 9, Dv]
  return dense(cells, model.params.get('proj/w'), model.params.get('proj/b')) as tf.Tensor3D; // [B, 9, D]
}

/** Token plus position embeddings of text: tokens, positions [B, T] → [B, T, D]. */
export function textEmbeddings(model: VlmModel, tokens: tf.Tensor2D, positions: tf.Tensor2D): tf.Tensor3D {
  const p = model.params;
  return tf.add(embed(tokens, p.get('tok/emb')), embed(positions, p.get('pos/emb'))) as tf.Tensor3D;
}

/**
 * One pre-LN block: x + attn(ln1(x)), then + mlp(ln2(x)). x [B, T, D] → [B, T, D], plus this layer's
 * keys/values over all S positions (past included).
 */
export function block(
  model: VlmModel, i: number, x: tf.Tensor3D, bias: tf.Tensor4D, past: LayerKV | undefined, training: boolean,
): { x: tf.Tensor3D; kv: LayerKV } {
  const p = model.params;
  const pre = `block${i}`;
  const rate = model.config.dropout;
  const a = selfAttention(p, `${pre}/attn`, layerNorm(x, p.get(`${pre}/ln1/g`), p.get(`${pre}/ln1/b`)) as tf.Tensor3D, bias, model.config.nHeads, past);
  const x1 = tf.add(x, maybeDropout(a.out, rate, training)) as tf.Tensor3D;
  const h = gelu(dense(layerNorm(x1, p.get(`${pre}/ln2/g`), p.get(`${pre}/ln2/b`)), p.get(`${pre}/mlp/w1`), p.get(`${pre}/mlp/b1`))); // [B, T, F]
  const m = dense(h, p.get(`${pre}/mlp/w2`), p.get(`${pre}/mlp/b2`)); // [B, T, D]
  return { x: tf.add(x1, maybeDropout(m, rate, training)) as tf.Tensor3D, kv: a.kv };
}

/**
 * Runs every block over x [B, T, D] (the last T of S positions; `past` holds the first S − T) and
 * applies the final LayerNorm. keyValid [B, S]. Returns hidden [B, T, D], each layer's keys/values and
 * each block's output (the residual stream after it, [B, T, D]; what auxiliary losses read).
 */
export function runBlocks(
  model: VlmModel, x: tf.Tensor3D, keyValid: tf.Tensor2D, past: LayerKV[] | undefined, training: boolean,
): { hidden: tf.Tensor3D; kv: LayerKV[]; residuals: tf.Tensor3D[] } {
  const bias = attentionBias(keyValid, x.shape[1]); // [B, 1, T, S]
  const kv: LayerKV[] = [];
  const residuals: tf.Tensor3D[] = [];
  let h = x;
  for (let i = 0; i < model.config.nLayers; i++) {
    const r = block(model, i, h, bias, past?.[i], training);
    h = r.x;
    kv.push(r.kv);
    residuals.push(h);
  }
  const p = model.params;
  return { hidden: layerNorm(h, p.get('lnf/g'), p.get('lnf/b')) as tf.Tensor3D, kv, residuals };
}

/** Full forward pass: hidden states [B, Lp + 9 + R, D] after the final LayerNorm, the layers' keys/values and each block's output. */
export function decoderForward(model: VlmModel, input: DecoderInput, training = false): { hidden: tf.Tensor3D; kv: LayerKV[]; residuals: tf.Tensor3D[] } {
  const x = sequenceEmbeddings(model, input.images, input.tokens, input.positions, input.promptLen); // [B, Lp+9+R, D]
  return runBlocks(model, x, input.keyValid, undefined, training);
}

/** Added to the pad token's logit so that it is never predicted. */
export const PAD_LOGIT = -1e9;

/** LM head (tied to the token embedding): hidden [..., D] → logits [..., V]; the pad token is never predicted. */
export function lmLogits(model: VlmModel, hidden: tf.Tensor): tf.Tensor {
  const { vocabSize, padId } = model.config;
  const padMask = new Float32Array(vocabSize);
  padMask[padId] = PAD_LOGIT;
  const emb = model.params.get<tf.Tensor2D>('tok/emb');
  const d = emb.shape[1];
  const logits = matMul2d(hidden.reshape([-1, d]), tf.transpose(emb)); // [N, V]
  return tf.add(logits, tf.tensor1d(padMask)).reshape([...hidden.shape.slice(0, -1), vocabSize]);
}

/** Scalar (reward) head: hidden [..., D] → [...]. */
export function scoreHead(model: VlmModel, hidden: tf.Tensor): tf.Tensor {
  const p = model.params;
  return dense(hidden, p.get('head/score/w'), p.get('head/score/b')).reshape(hidden.shape.slice(0, -1));
}

/** Value head: hidden [..., D] → [...]. */
export function valueHead(model: VlmModel, hidden: tf.Tensor): tf.Tensor {
  const p = model.params;
  return dense(hidden, p.get('head/value/w'), p.get('head/value/b')).reshape(hidden.shape.slice(0, -1));
}
