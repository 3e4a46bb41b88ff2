// How a batch of (image, prompt, response) examples becomes tensors: prompts left-padded so every
// row's prompt ends at the same column (what batched generation needs), responses right-padded,
// pads masked out of attention, and text positions counted per row from its first real token.
//
//   columns:  [pad pad p0 p1 p2][9 image tokens][r0 r1 eos pad]
//   position:   0   0   0  1  2                   3  4  5   0
//
// The image tokens carry their own (cell) position embeddings; text positions skip them. The
// response starts at column Lp + 9 of the sequence.
import * as tf from '@tensorflow/tfjs-core';
import { imageTokenCount, type ModelConfig } from './config';
import { toImageTensor, type ImageInput } from './vision';

export interface PackedBatch {
  batchSize: number;
  /** Lp: every prompt is left-padded to this many columns. */
  promptLen: number;
  /** R: every response is right-padded to this many columns. */
  responseLen: number;
  promptLengths: number[];
  responseLengths: number[];
  /** [B, S, S, 3] */
  images: tf.Tensor4D;
  /** [B, Lp + R] int32: padded prompts then padded responses (the image tokens go between them). */
  tokens: tf.Tensor2D;
  /** [B, Lp + R] int32 text positions (0 at pads). */
  positions: tf.Tensor2D;
  /** [B, Lp + 9 + R] float, in sequence order: 1 for image tokens and real text tokens, 0 for pads. */
  keyValid: tf.Tensor2D;
  /** [B, R] int32 response tokens (pad after each row's end). */
  responseTokens: tf.Tensor2D;
  /** [B, R] float: 1 on real response tokens. */
  responseMask: tf.Tensor2D;
  /** [B] int32 column (in the Lp + 9 + R sequence) of each row's last real token (the last image token when the response is empty). */
  lastIndex: tf.Tensor1D;
}

/** The host-side layout of left-padded prompts: ids, positions and validity, row-major [B, Lp]. */
export interface PromptLayout {
  promptLen: number;
  lengths: number[];
  tokens: Int32Array;
  positions: Int32Array;
  valid: Float32Array;
}

function checkTokens(cfg: ModelConfig, seq: readonly number[], what: string): void {
  for (const t of seq) {
    if (!Number.isInteger(t) || t < 0 || t >= cfg.vocabSize) throw new Error(`${what} has token id ${t} outside [0, ${cfg.vocabSize})`);
  }
}

/** Left-pads prompts (each must hold at least one token) into host arrays. */
export function layoutPrompts(cfg: ModelConfig, prompts: readonly (readonly number[])[]): PromptLayout {
  const lengths = prompts.map((p) => p.length);
  const promptLen = Math.max(0, ...lengths);
  const b = prompts.length;
  const tokens = new Int32Array(b * promptLen).fill(cfg.padId);
  const positions = new Int32Array(b * promptLen);
  const valid = new Float32Array(b * promptLen);
  prompts.forEach((p, row) => {
    if (p.length === 0) throw new Error(`prompt ${row} is empty; every prompt needs at least one token`);
    checkTokens(cfg, p, `prompt ${row}`);
    const start = promptLen - p.length;
    p.forEach((tok, j) => {
      tokens[row * promptLen + start + j] = tok;
      positions[row * promptLen + start + j] = j;
      valid[row * promptLen + start + j] = 1;
    });
  });
  return { promptLen, lengths, tokens, positions, valid };
}

/**
 * Packs a batch into new tensors (free them with disposeBatch). `responses` may be omitted (R = 0).
 * Throws if sizes disagree, a token id is out of range, or a row is longer than cfg.maxLen.
 */
export function packBatch(
  cfg: ModelConfig, images: ImageInput, prompts: readonly (readonly number[])[], responses: readonly (readonly number[])[] = [],
): PackedBatch {
  const b = prompts.length;
  if (b === 0) throw new Error('packBatch: empty batch');
  const resp = responses.length ? responses : prompts.map(() => []);
  if (resp.length !== b) throw new Error(`packBatch: ${b} prompts but ${resp.length} responses`);
  const pl = layoutPrompts(cfg, prompts);
  const responseLengths = resp.map((r) => r.length);
  const lp = pl.promptLen;
  const r = Math.max(0, ...responseLengths);
  const t = lp + r;
  const nImg = imageTokenCount(cfg);
  const tokens = new Int32Array(b * t).fill(cfg.padId);
  const positions = new Int32Array(b * t);
  const keyValid = new Float32Array(b * (nImg + t));
  const respTokens = new Int32Array(b * r).fill(cfg.padId);
  const respMask = new Float32Array(b * r);
  const lastIndex = new Int32Array(b);
  for (let row = 0; row < b; row++) {
    const p = pl.lengths[row] as number;
    const rr = resp[row] as readonly number[];
    checkTokens(cfg, rr, `response ${row}`);
    if (p + rr.length > cfg.maxLen) throw new Error(`row ${row} has ${p + rr.length} text tokens, more than maxLen ${cfg.maxLen}`);
    for (let j = 0; j < lp; j++) {
      tokens[row * t + j] = pl.tokens[row * lp + j] as number;
      positions[row * t + j] = pl.positions[row * lp + j] as number;
      keyValid[row * (nImg + t) + j] = pl.valid[row * lp + j] as number;
    }
    keyValid.fill(1, row * (nImg + t) + lp, row * (nImg + t) + lp + nImg);
    rr.forEach((tok, j) => {
      tokens[row * t + lp + j] = tok;
      positions[row * t + lp + j] = p + j;
      keyValid[row * (nImg + t) + nImg + lp + j] = 1;
      respTokens[row * r + j] = tok;
      respMask[row * r + j] = 1;
    });
    lastIndex[row] = nImg + lp + rr.length - 1;
  }
  const imgs = toImageTensor(cfg, images);
  if (imgs.shape[0] !== b) {
    imgs.dispose();
    throw new Error(`packBatch: ${imgs.shape[0]} images for ${b} prompts`);
  }
  return {
    batchSize: b, promptLen: lp, responseLen: r, promptLengths: pl.lengths, responseLengths,
    images: imgs,
    tokens: tf.tensor2d(tokens, [b, t], 'int32'),
    positions: tf.tensor2d(positions, [b, t], 'int32'),
    keyValid: tf.tensor2d(keyValid, [b, nImg + t]),
    responseTokens: tf.tensor2d(respTokens, [b, r], 'int32'),
    responseMask: tf.tensor2d(respMask, [b, r]),
    lastIndex: tf.tensor1d(lastIndex, 'int32'),
  };
}

/** Frees every tensor of a packed batch. */
export function disposeBatch(batch: PackedBatch): void {
  tf.dispose([batch.images, batch.tokens, batch.positions, batch.keyValid, batch.responseTokens, batch.responseMask, batch.lastIndex]);
}

/** Packs a batch, runs `fn` on it, and frees the batch however `fn` ends; returns what `fn` returns. */
export async function withBatch<T>(
  cfg: ModelConfig, images: ImageInput, prompts: readonly (readonly number[])[], responses: readonly (readonly number[])[],
  fn: (batch: PackedBatch) => Promise<T>,
): Promise<T> {
  const batch = packBatch(cfg, images, prompts, responses);
  try {
    return await fn(batch);
  } finally {
    disposeBatch(batch);
  }
}
