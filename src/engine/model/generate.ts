// Batched, seeded sampling of responses: with a KV cache (the fast path) or by recomputing the
// whole sequence at every step (the reference path). Temperature 0 is greedy; each row stops at EOS.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../world/rng';
import { layoutPrompts, type PromptLayout } from './batch';
import { imageTokenCount } from './config';
import { decodeStep, disposeCache, prefill, type KVCache } from './kv-cache';
import { decoderForward, lmLogits } from './decoder';
import type { VlmModel } from './model';
import { toImageTensor, type ImageInput } from './vision';

export interface GenerateOptions {
  /** Most tokens to add per row (clamped so no row passes the config's maxLen). */
  maxNewTokens: number;
  /** Softmax temperature; 0 picks the most likely token (greedy). Default 1. */
  temperature?: number;
  /** Seed of the sampler; the same seed, model and inputs give the same responses. Default 0. */
  seed?: number;
  /** Use the KV cache (default) or recompute the whole sequence at every step. */
  useCache?: boolean;
  /** Keep going after EOS (for benchmarks that need a fixed number of tokens). */
  ignoreEos?: boolean;
  /** Return the model's next-token logits (before temperature) at every step. */
  returnLogits?: boolean;
}

export interface Generation {
  /** Each row's new tokens, EOS included when sampled, without padding. */
  responses: number[][];
  /** [B, steps] row-major, padId after a row stopped. */
  tokens: Int32Array;
  /** Columns of `tokens` (steps taken). */
  steps: number;
  /** Whether each row ended with EOS. */
  finished: boolean[];
  /** Per step, logits [B·V] row-major (only with returnLogits). */
  stepLogits?: Float32Array[];
}

/** Picks a token from one row of logits; greedy at temperature 0 (lowest id wins ties). */
export function sampleToken(logits: Float32Array, offset: number, vocab: number, temperature: number, rng: Rng): number {
  let best = 0;
  let max = -Infinity;
  for (let i = 0; i < vocab; i++) {
    const v = logits[offset + i] as number;
    if (v > max) {
      max = v;
      best = i;
    }
  }
  if (temperature === 0) return best;
  let total = 0;
  const p = new Float64Array(vocab);
  for (let i = 0; i < vocab; i++) total += p[i] = Math.exp(((logits[offset + i] as number) - max) / temperature);
  let u = rng.next() * total;
  for (let i = 0; i < vocab; i++) {
    u -= p[i] as number;
    if (u < 0) return i;
  }
  return best;
}

/**
 * Samples responses for a batch of (image, prompt). Tensors are all freed before it returns.
 * Prompts may have different lengths (they are left-padded and the pads masked).
 */
export async function generate(model: VlmModel, images: ImageInput, prompts: readonly (readonly number[])[], opts: GenerateOptions): Promise<Generation> {
  const cfg = model.config;
  const layout = layoutPrompts(cfg, prompts);
  const b = prompts.length;
  const maxNew = Math.max(0, Math.min(opts.maxNewTokens, cfg.maxLen - Math.max(...layout.lengths)));
  const temperature = opts.temperature ?? 1;
  if (!(temperature >= 0)) throw new Error(`generate: temperature must be ≥ 0, got ${temperature}`);
  const rng = new Rng(opts.seed ?? 0);
  const next: NextLogits = opts.useCache === false ? recomputeStepper(model, images, layout) : cachedStepper(model, images, layout);

  const responses: number[][] = prompts.map(() => []);
  const finished = new Array<boolean>(b).fill(false);
  const cols: Int32Array[] = [];
  const stepLogits: Float32Array[] = [];
  try {
    for (let step = 0; step < maxNew; step++) {
      const logits = await next.logits(); // [B·V]
      if (opts.returnLogits) stepLogits.push(logits);
      const col = new Int32Array(b).fill(cfg.padId);
      const live = new Float32Array(b);
      for (let row = 0; row < b; row++) {
        if (finished[row]) continue;
        const tok = sampleToken(logits, row * cfg.vocabSize, cfg.vocabSize, temperature, rng);
        col[row] = tok;
        live[row] = 1;
        responses[row]!.push(tok);
        if (tok === cfg.eosId && !opts.ignoreEos) finished[row] = true;
      }
      cols.push(col);
      if (step === maxNew - 1 || finished.every(Boolean)) break;
      next.feed(col, live);
    }
  } finally {
    next.dispose();
  }
  const steps = cols.length;
  const tokens = new Int32Array(b * steps);
  cols.forEach((col, s) => col.forEach((tok, row) => (tokens[row * steps + s] = tok)));
  const out: Generation = { responses, tokens, steps, finished };
  if (opts.returnLogits) out.stepLogits = stepLogits;
  return out;
}

/** A source of next-token logits that is told which tokens were chosen. */
interface NextLogits {
  logits(): Promise<Float32Array>;
  feed(tokens: Int32Array, valid: Float32Array): void;
  dispose(): void;
}

function cachedStepper(model: VlmModel, images: ImageInput, layout: PromptLayout): NextLogits {
  const b = layout.lengths.length;
  const lp = layout.promptLen;
  const first = tf.tidy(() =>
    prefill(
      model, toImageTensor(model.config, images),
      tf.tensor2d(layout.tokens, [b, lp], 'int32'), tf.tensor2d(layout.positions, [b, lp], 'int32'), tf.tensor2d(layout.valid, [b, lp]),
    ),
  );
  let pending: tf.Tensor2D | null = first.logits;
  let cache: KVCache = first.cache;
  let fed = 0;
  return {
    async logits() {
      const t = pending!;
      pending = null;
      const v = (await t.data()) as Float32Array;
      t.dispose();
      return v;
    },
    feed(tokens, valid) {
      const positions = Int32Array.from(layout.lengths, (len) => len + fed);
      const r = decodeStep(model, cache, tokens, positions, valid);
      cache = r.cache;
      pending = r.logits;
      fed += 1;
    },
    dispose() {
      pending?.dispose();
      disposeCache(cache);
    },
  };
}

/** Reference path: re-runs [prompt][image][response so far] in full at every step. */
function recomputeStepper(model: VlmModel, images: ImageInput, layout: PromptLayout): NextLogits {
  const cfg = model.config;
  const b = layout.lengths.length;
  const lp = layout.promptLen;
  const nImg = imageTokenCount(cfg);
  const fed: { tokens: Int32Array; valid: Float32Array }[] = [];
  const imgs = toImageTensor(cfg, images);
  return {
    async logits() {
      // The same columns, positions and mask the cached path has seen (stopped rows' columns masked).
      const t = lp + fed.length;
      const tokens = new Int32Array(b * t);
      const positions = new Int32Array(b * t);
      const keyValid = new Float32Array(b * (nImg + t));
      for (let row = 0; row < b; row++) {
        tokens.set(layout.tokens.subarray(row * lp, (row + 1) * lp), row * t);
        positions.set(layout.positions.subarray(row * lp, (row + 1) * lp), row * t);
        keyValid.set(layout.valid.subarray(row * lp, (row + 1) * lp), row * (nImg + t));
        keyValid.fill(1, row * (nImg + t) + lp, row * (nImg + t) + lp + nImg);
        fed.forEach((col, s) => {
          tokens[row * t + lp + s] = col.tokens[row] as number;
          positions[row * t + lp + s] = (layout.lengths[row] as number) + s;
          keyValid[row * (nImg + t) + nImg + lp + s] = col.valid[row] as number;
        });
      }
      const logits = tf.tidy(() => {
        const { hidden } = decoderForward(model, {
          images: imgs,
          promptLen: lp,
          tokens: tf.tensor2d(tokens, [b, t], 'int32'),
          positions: tf.tensor2d(positions, [b, t], 'int32'),
          keyValid: tf.tensor2d(keyValid, [b, nImg + t]),
        }); // [B, Lp+9+R, D]
        const last = hidden.slice([0, nImg + t - 1, 0], [b, 1, cfg.dModel]).reshape([b, cfg.dModel]); // [B, D]
        return lmLogits(model, last); // [B, V]
      });
      const v = (await logits.data()) as Float32Array;
      logits.dispose();
      return v;
    },
    feed(tokens, valid) {
      fed.push({ tokens, valid });
    },
    dispose() {
      imgs.dispose();
    },
  };
}
