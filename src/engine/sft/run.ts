// An SFT run: a fixed, seeded training set from the data mixture, minibatches with fresh pixel
// noise each time an example is seen, held-out loss and the ShapesHal-Bench score every N steps.

import { Rng, subSeed } from '../world/rng';
import { DEFAULT_PERCEPTION, type Perception } from '../world/render';
import { makeSftData, SFT_DATA_SHAPE, SFT_MIXTURE, type SftDataShape, type SftExample, type SftMixture } from './data';
import { disposeBatch } from '../model/batch';
import type { VlmModel } from '../model/model';
import { createSftTrainer, heldOutLoss, sftStep } from './loss';
import type { OptimConfig } from '../train/trainer';
import { runShapesHal } from '../bench/run';
import { packExamples } from '../data/batches';
import { nextStep, type JobHooks } from '../train/job';
import { createGroundingHead, disposeGroundingHead, groundingTargets } from './grounding-loss';
import { imageTokenCount } from '../model/config';

export interface SftRunConfig {
  /** Optimisation steps. */
  steps: number;
  batchSize: number;
  /** The data mixture (synthetic vs VQA-style, hallucination and filler rates, facts share). */
  mixture: SftMixture;
  /** What the questions ask: kinds, yes/no balance, the questions that need the facts. */
  shape: SftDataShape;
  /** Seed of the data and of the minibatch order. */
  seed: number;
  /** Examples in the training set (drawn once from training seeds); 0: one per example the run draws (steps × batch). */
  trainSize: number;
  /** Held-out examples (other seeds) for the held-out loss. */
  heldOutSize: number;
  /** Held-out loss every N steps (0: only at the end). */
  evalEvery: number;
  /** ShapesHal-Bench (greedy) every N steps (0: never during the run). */
  benchEvery: number;
  optim: Partial<OptimConfig>;
  perception: Partial<Perception>;
  /** Weight of the auxiliary grounding loss (grounding-loss.ts) beside the cross-entropy; 0 turns it off. */
  groundingAux: number;
}

export const SFT_RUN_DEFAULTS: SftRunConfig = {
  steps: 2000,
  batchSize: 32,
  mixture: SFT_MIXTURE,
  shape: SFT_DATA_SHAPE,
  seed: 1,
  trainSize: 20_000,
  heldOutSize: 256,
  evalEvery: 100,
  benchEvery: 0,
  /** Optimiser settings; warm-up defaults to a tenth of the run, at most 100 steps. */
  optim: { lr: 1.5e-3, decay: 'cosine', minLrRatio: 0.05, clipNorm: 1 },
  perception: DEFAULT_PERCEPTION,
  groundingAux: 0,
};

export interface SftPoint {
  step: number;
  loss: number;
  lr: number;
  gradNorm: number;
  heldOutLoss?: number;
  benchScore?: number;
  benchHallucinationRate?: number;
}

/** A run's hooks: its control (stop keeps the progress so far), progress in steps, and its points. */
export type SftHooks = JobHooks<SftPoint>;

/** Words in the prompt and the response: what decides the padded length of a batch. */
function exampleLength(e: SftExample): number {
  const words = (t: string) => t.split(' ').length;
  return words(e.question) + words(e.response) + (e.facts ? e.facts.reduce((n, f) => n + words(f), 0) : 0);
}

/** Draws a minibatch from a random window of the length-sorted set (window of 4 batches). */
function drawBatch(sorted: SftExample[], size: number, rng: Rng): SftExample[] {
  const window = Math.min(sorted.length, size * 4);
  const start = rng.int(sorted.length - window + 1);
  return Array.from({ length: size }, () => sorted[start + rng.int(window)] as SftExample);
}

async function meanHeldOutLoss(model: VlmModel, data: SftExample[], cfg: SftRunConfig): Promise<number> {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < data.length; i += cfg.batchSize) {
    const chunk = data.slice(i, i + cfg.batchSize);
    const batch = packExamples(model.config, chunk, cfg.perception, chunk.map((_, k) => i + k));
    try {
      sum += (await heldOutLoss(model, batch)) * chunk.length;
      n += chunk.length;
    } finally {
      disposeBatch(batch);
    }
  }
  return sum / Math.max(1, n);
}

/** Trains the model in place; returns the steps taken and the last held-out loss. */
export async function runSft(model: VlmModel, config: Partial<SftRunConfig> = {}, hooks: SftHooks = {}): Promise<{ steps: number; heldOutLoss: number }> {
  const cfg = { ...SFT_RUN_DEFAULTS, ...config };
  // Sorted by length, so a minibatch drawn from a window of neighbours carries little padding.
  const size = cfg.trainSize > 0 ? cfg.trainSize : Math.max(cfg.batchSize * 4, cfg.steps * cfg.batchSize);
  const train = makeSftData(size, subSeed(cfg.seed, 1), cfg.mixture, cfg.shape).sort((a, b) => exampleLength(a) - exampleLength(b));
  const held = makeSftData(cfg.heldOutSize, subSeed(cfg.seed, 2), cfg.mixture, cfg.shape);
  const rng = new Rng(subSeed(cfg.seed, 3));
  const head = cfg.groundingAux > 0 ? createGroundingHead(model.config, subSeed(cfg.seed, 4)) : undefined;
  const trainer = createSftTrainer(model, { totalSteps: cfg.steps, warmupSteps: Math.min(100, Math.ceil(cfg.steps / 10)), ...cfg.optim }, head);
  let last = NaN;
  let step = 0;
  hooks.onProgress?.({ phase: 'SFT', done: 0, total: cfg.steps });
  try {
    for (; step < cfg.steps; ) {
      if (!(await nextStep(hooks.control))) break;
      const chunk = drawBatch(train, cfg.batchSize, rng);
      const batch = packExamples(model.config, chunk, cfg.perception, chunk.map(() => rng.int(2 ** 31)));
      let r;
      try {
        r = await sftStep(model, trainer, batch, head ? { head, weight: cfg.groundingAux, ...groundingTargets(chunk, imageTokenCount(model.config)) } : undefined);
      } finally {
        disposeBatch(batch);
      }
      step = r.step;
      const point: SftPoint = { step, loss: r.loss, lr: r.lr, gradNorm: r.gradNorm };
      if ((cfg.evalEvery > 0 && step % cfg.evalEvery === 0) || step === cfg.steps) point.heldOutLoss = last = await meanHeldOutLoss(model, held, cfg);
      if (cfg.benchEvery > 0 && step % cfg.benchEvery === 0) {
        const rep = await runShapesHal(model, { perception: cfg.perception });
        point.benchScore = rep.score;
        point.benchHallucinationRate = rep.hallucinationRate;
      }
      hooks.onPoint?.(point);
      hooks.onProgress?.({ phase: 'SFT', done: step, total: cfg.steps });
    }
    if (Number.isNaN(last)) last = await meanHeldOutLoss(model, held, cfg);
  } finally {
    trainer.dispose();
    if (head) disposeGroundingHead(head);
  }
  return { steps: step, heldOutLoss: last };
}
