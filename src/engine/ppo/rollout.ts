// A rollout: a batch of prompts (each asked numGenerations times, in consecutive rows), the
// policy's responses sampled with the KV cache at the run's temperature, and the host-side layout
// every later stage reads: response tokens, lengths, whether each ended in EOS, the token mask.

import type { Perception } from '../world/render';
import type { DrawnPrompt } from '../data/prompts';
import { promptIds, sceneImage } from '../data/encode';
import { decode } from '../language/vocab';
import { generate } from '../model/generate';
import { packBatch, type PackedBatch } from '../model/batch';
import type { VlmModel } from '../model/model';

export interface Rollout {
  /** Rows (B = prompts × numGenerations). */
  b: number;
  /** Columns of the per-token arrays: the longest response (R). */
  r: number;
  /** Per row: the prompt it answers (group members share the object). */
  prompts: DrawnPrompt[];
  /** Per row: the rendered image, Float32 [48·48·3] (group members share the array). */
  images: Float32Array[];
  /** Per row: the policy's prompt ids, `<bos> question <sep>`. */
  promptIds: number[][];
  /** Per row: the sampled tokens, EOS included when sampled. */
  responses: number[][];
  /** Per row: the response as text (up to its EOS). */
  texts: string[];
  /** Per row: whether it ended with EOS (false: cut at responseLength). */
  finished: boolean[];
  /** [B·R] row-major: 1 on real response tokens. */
  mask: Float32Array;
  /** [B·R] log p of each sampled token under the policy that sampled it (logits / temperature), 0 on pads. */
  logprobs: Float32Array;
  /** [B·R] entropy (nats) of the policy's next-token distribution at each token, 0 on pads. */
  entropy: Float32Array;
  /** The perception the images were rendered with. */
  perception: Perception;
}

export interface RolloutOptions {
  numGenerations: number;
  responseLength: number;
  temperature: number;
  /** Seed of the sampler. */
  seed: number;
  perception: Perception;
  /** Keep sampling after EOS (only for timing fixed-length rollouts). */
  ignoreEos?: boolean;
}

/** Samples responses for each prompt, numGenerations times each; the policy is only read. */
export async function sampleRollout(policy: VlmModel, prompts: readonly DrawnPrompt[], o: RolloutOptions): Promise<Rollout> {
  const rows = prompts.flatMap((p) => Array.from({ length: o.numGenerations }, () => p));
  const rendered = new Map(prompts.map((p) => [p, sceneImage(p.scene, o.perception, p.noiseSeed)]));
  const images = rows.map((p) => rendered.get(p) as Float32Array);
  const ids = rows.map((p) => promptIds(p.question));
  const gen = await generate(policy, images, ids, {
    maxNewTokens: o.responseLength, temperature: o.temperature, seed: o.seed, ignoreEos: o.ignoreEos ?? false, returnLogits: true,
  });
  const b = rows.length;
  const r = Math.max(1, ...gen.responses.map((x) => x.length));
  const mask = new Float32Array(b * r);
  gen.responses.forEach((resp, row) => mask.fill(1, row * r, row * r + resp.length));
  const { logprobs, entropy } = sampledLogProbs(gen.stepLogits ?? [], gen.responses, policy.config.vocabSize, r, o.temperature);
  return {
    b, r, prompts: rows, images, promptIds: ids, responses: gen.responses,
    texts: gen.responses.map((x) => decode(x)), finished: gen.finished.map((f, row) => f || (gen.responses[row] ?? []).at(-1) === policy.config.eosId),
    mask, logprobs, entropy, perception: o.perception,
  };
}

/**
 * Log-probs of the sampled tokens and the entropy at each step, from the logits the sampler saw
 * (stepLogits[t]: [B·V], before temperature): the same numbers a forward pass over the finished
 * sequences gives (up to float rounding), without running one. Returns [B·R] arrays.
 */
export function sampledLogProbs(stepLogits: readonly Float32Array[], responses: readonly (readonly number[])[], vocab: number, r: number, temperature: number): { logprobs: Float32Array; entropy: Float32Array } {
  const b = responses.length;
  const logprobs = new Float32Array(b * r);
  const entropy = new Float32Array(b * r);
  const z = new Float64Array(vocab);
  responses.forEach((resp, row) => {
    resp.forEach((tok, t) => {
      const l = stepLogits[t] as Float32Array;
      const off = row * vocab;
      let max = -Infinity;
      for (let v = 0; v < vocab; v++) max = Math.max(max, (l[off + v] as number) / temperature);
      let sum = 0;
      for (let v = 0; v < vocab; v++) sum += z[v] = Math.exp((l[off + v] as number) / temperature - max);
      const logSum = Math.log(sum);
      let h = 0;
      for (let v = 0; v < vocab; v++) {
        const p = (z[v] as number) / sum;
        if (p > 0) h -= p * (Math.log(z[v] as number) - logSum);
      }
      logprobs[row * r + t] = (l[off + tok] as number) / temperature - max - logSum;
      entropy[row * r + t] = h;
    });
  });
  return { logprobs, entropy };
}

/** Packs rows of a rollout (all by default) as the policy and value model read them; free with disposeBatch. */
export function packRollout(policy: VlmModel, ro: Rollout, rows?: readonly number[]): PackedBatch {
  const pick = rows ?? ro.responses.map((_, i) => i);
  return packBatch(policy.config, pick.map((i) => ro.images[i] as Float32Array), pick.map((i) => ro.promptIds[i] as number[]), pick.map((i) => ro.responses[i] as number[]));
}

/**
 * Rows of a per-token array [B·R] laid out for a minibatch of `rows`, `rNew` columns wide
 * (rNew ≥ each picked row's length): a new Float32Array [rows·rNew].
 */
export function pickRows(x: Float32Array, r: number, rows: readonly number[], rNew: number): Float32Array {
  const out = new Float32Array(rows.length * rNew);
  const w = Math.min(r, rNew);
  rows.forEach((row, k) => out.set(x.subarray(row * r, row * r + w), k * rNew));
  return out;
}
