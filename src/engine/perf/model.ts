// Speed of the model on the active backend: sampling with and without the KV cache, one forward,
// one forward+backward, and SFT steps per second; with `profile`, each of them once more under the
// kernel profiler. The CLI's `perf model` prints what this returns.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../world/rng';
import { disposeBatch, packBatch } from '../model/batch';
import type { ModelConfig } from '../model/config';
import { generate } from '../model/generate';
import { createModel } from '../model/model';
import { createSftTrainer, sftLoss, sftStep } from '../sft/loss';
import { profileKernels, summarizeKernels, trivialKernelMicros, type KernelProfile } from './profile';

export interface PerfOptions {
  /** Rows sampled at once (default 64). */
  batch?: number;
  /** New tokens per row, EOS ignored (default 24). */
  newTokens?: number;
  /** Prompt length; rows vary by ±2 around it so padding is exercised (default 20). */
  promptLen?: number;
  /** Batch of the SFT / forward / backward timings (default 32), with responses of newTokens tokens. */
  sftBatch?: number;
  /** Timed repetitions of each measurement after one warm-up (default 3). */
  repeats?: number;
  seed?: number;
  /** Run each measurement once more under the kernel profiler (default false). */
  profile?: boolean;
}

/** The kernels of each measurement, run once under the profiler (slower than unprofiled). */
export interface ModelProfile {
  sampling: KernelProfile & { wallMs: number };
  forward: KernelProfile & { wallMs: number };
  forwardBackward: KernelProfile & { wallMs: number };
  sftStep: KernelProfile & { wallMs: number };
  /** Microseconds the engine takes to run one trivial kernel, unprofiled: what every kernel pays. */
  trivialKernelUs: number;
}

export interface PerfReport {
  backend: string;
  params: number;
  batch: number;
  newTokens: number;
  promptLen: number;
  sftBatch: number;
  /** Sampled tokens per second (batch × newTokens / time) with the KV cache. */
  tokensPerSecCached: number;
  /** The same, recomputing the whole sequence at every step. */
  tokensPerSecRecompute: number;
  /** tokensPerSecCached / tokensPerSecRecompute. */
  cacheSpeedup: number;
  /** Milliseconds for one forward pass (SFT loss) on sftBatch rows. */
  forwardMs: number;
  /** Milliseconds for forward + backward (gradients, no update) on sftBatch rows. */
  forwardBackwardMs: number;
  /** Full SFT steps (forward, backward, clip, Adam) per second on sftBatch rows. */
  sftStepsPerSec: number;
  /** With `profile`: each measurement's kernels. */
  profile?: ModelProfile;
}

/** Runs fn once under the kernel profiler and sums its kernels, with its wall-clock milliseconds. */
async function profileOnce(fn: () => Promise<unknown>): Promise<KernelProfile & { wallMs: number }> {
  const t0 = performance.now();
  const { runs } = await profileKernels(fn);
  return { ...summarizeKernels(runs), wallMs: performance.now() - t0 };
}

async function timeIt(repeats: number, fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up: kernels compiled, shaders built, buffers allocated
  const t0 = performance.now();
  for (let i = 0; i < repeats; i++) await fn();
  return (performance.now() - t0) / repeats;
}

/** Measures a freshly initialised model of `config` on the active backend; frees everything it made. */
export async function measureModelPerf(config: ModelConfig, opts: PerfOptions = {}): Promise<PerfReport> {
  const b = opts.batch ?? 64;
  const newTokens = opts.newTokens ?? 24;
  const promptLen = opts.promptLen ?? 20;
  const sftBatch = opts.sftBatch ?? 32;
  const repeats = opts.repeats ?? 3;
  const rng = new Rng(opts.seed ?? 0);
  const pixels = config.imageSize * config.imageSize * 3;
  const randomTokens = (n: number) => Array.from({ length: n }, () => 4 + rng.int(config.vocabSize - 4));
  const images = Float32Array.from({ length: b * pixels }, () => rng.next());
  const prompts = Array.from({ length: b }, () => randomTokens(Math.max(1, promptLen - 2 + rng.int(5))));

  const model = createModel(config, { seed: opts.seed ?? 0 });
  try {
    const gen = { maxNewTokens: newTokens, temperature: 1, ignoreEos: true, seed: 1 };
    const cachedMs = await timeIt(repeats, () => generate(model, images, prompts, gen));
    const recomputeMs = await timeIt(repeats, () => generate(model, images, prompts, { ...gen, useCache: false }));

    const sftImages = images.subarray(0, sftBatch * pixels);
    const batch = packBatch(config, sftImages, prompts.slice(0, sftBatch), prompts.slice(0, sftBatch).map(() => randomTokens(newTokens)));
    const trainer = createSftTrainer(model, { lr: 1e-4, warmupSteps: 0 });
    try {
      const forward = async () => {
        const loss = tf.tidy(() => sftLoss(model, batch, false));
        await loss.data();
        loss.dispose();
      };
      const forwardBackward = async () => {
        const { value, grads } = tf.variableGrads(() => sftLoss(model, batch, true), model.trainableVariables());
        await value.data();
        tf.dispose([value, ...Object.values(grads)]);
      };
      const step = () => sftStep(model, trainer, batch);
      const forwardMs = await timeIt(repeats, forward);
      const forwardBackwardMs = await timeIt(repeats, forwardBackward);
      const sftMs = await timeIt(repeats, step);
      const profile: ModelProfile | undefined = opts.profile
        ? {
          sampling: await profileOnce(() => generate(model, images, prompts, gen)),
          forward: await profileOnce(forward),
          forwardBackward: await profileOnce(forwardBackward),
          sftStep: await profileOnce(step),
          trivialKernelUs: trivialKernelMicros(),
        }
        : undefined;
      const tokensPerSecCached = (b * newTokens) / (cachedMs / 1000);
      const tokensPerSecRecompute = (b * newTokens) / (recomputeMs / 1000);
      return {
        backend: tf.getBackend(), params: model.paramCount(), batch: b, newTokens, promptLen, sftBatch,
        tokensPerSecCached, tokensPerSecRecompute, cacheSpeedup: tokensPerSecCached / tokensPerSecRecompute,
        forwardMs, forwardBackwardMs, sftStepsPerSec: 1000 / sftMs,
        ...(profile ? { profile } : {}),
      };
    } finally {
      trainer.dispose();
      disposeBatch(batch);
    }
  } finally {
    model.dispose();
  }
}

/**
 * A forward pass of a fresh model of `config` on the active backend (a batch of `batch` prompts of
 * about 20 tokens with 16 response tokens), returned as a function to call: how `auto` times each
 * backend. Each call builds and frees its own model and tensors.
 */
export function forwardPass(config: ModelConfig, batch = 8): () => Promise<void> {
  const rng = new Rng(0);
  const pixels = config.imageSize * config.imageSize * 3;
  const tokens = (n: number) => Array.from({ length: n }, () => 4 + rng.int(config.vocabSize - 4));
  const images = Float32Array.from({ length: batch * pixels }, () => rng.next());
  const prompts = Array.from({ length: batch }, () => tokens(20));
  const responses = Array.from({ length: batch }, () => tokens(16));
  return async () => {
    const model = createModel(config, { seed: 0 });
    const packed = packBatch(config, images, prompts, responses);
    try {
      const loss = tf.tidy(() => sftLoss(model, packed, false));
      await loss.data();
      loss.dispose();
    } finally {
      disposeBatch(packed);
      model.dispose();
    }
  };
}
