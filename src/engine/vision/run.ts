// Pretrains the vision encoder on its own (as CLIP is trained before LLaVA): fresh training
// scenes each step, seen through the perception knobs, each cell classified by shape, colour, size,
// where it sits and what it holds; then its held-out accuracy, overall and split by object size.

import { Rng, subSeed } from '../world/rng';
import { sampleScene, trainSeed } from '../world/sampler';
import { DEFAULT_PERCEPTION, type Perception } from '../world/render';
import { cellAccuracy, cellAccuracyBySize, cellLabelsFromScenes, createAuxHead, createVisionTrainer, disposeAuxHead, pretrainVisionStep, type AccuracyBySize, type AuxHead, type HeadAccuracy } from './loss';
import type { VisionEncoder } from '../model/vision';
import type { OptimConfig } from '../train/trainer';
import type { JobControl } from '../train/job';
import { sceneImage } from '../data/encode';

export interface VisionRunConfig {
  steps: number;
  batchSize: number;
  seed: number;
  perception: Partial<Perception>;
  optim: Partial<OptimConfig>;
  /** Held-out scenes for the accuracy report. */
  heldOut: number;
  /**
   * Weights of the heads used only here (0 leaves one out): `place` teaches each token which cell it
   * comes from, so the decoder can read places; `category` names the cell's colour and shape as one
   * class, so the decoder can match a question's object against a token.
   */
  aux: { place: number; category: number };
}

export const VISION_RUN_DEFAULTS: VisionRunConfig = { steps: 600, batchSize: 64, seed: 1, perception: DEFAULT_PERCEPTION, optim: { lr: 3e-3, warmupSteps: 20 }, heldOut: 512, aux: { place: 1, category: 1 } };

export interface VisionPoint {
  step: number;
  loss: number;
}

/** The encoder's held-out per-cell accuracy: every cell, and split by what the cell holds. */
export type VisionAccuracy = HeadAccuracy & { bySize: AccuracyBySize };

function batchOf(rng: Rng, n: number, perception: Partial<Perception>) {
  const scenes = Array.from({ length: n }, () => sampleScene(trainSeed(rng)));
  return { images: scenes.map((s) => sceneImage(s, perception, rng.int(2 ** 31))), labels: cellLabelsFromScenes(scenes) };
}

/**
 * Trains the encoder in place (it must not be frozen) and returns its held-out per-cell accuracy
 * per head, overall and by size. `onPoint` gets the loss of each step; `control`, when given, is
 * consulted before each step (stopped, the encoder keeps the steps it has taken).
 */
export async function pretrainVision(enc: VisionEncoder, config: Partial<VisionRunConfig> = {}, onPoint?: (p: VisionPoint) => void, control?: JobControl): Promise<VisionAccuracy> {
  const cfg = { ...VISION_RUN_DEFAULTS, ...config };
  const aux: AuxHead[] = (['place', 'category'] as const).flatMap((k, i) => (cfg.aux[k] > 0 ? [createAuxHead(enc, k, subSeed(cfg.seed, 33 + i), cfg.aux[k])] : []));
  const trainer = createVisionTrainer(enc, { totalSteps: cfg.steps, ...cfg.optim }, aux);
  const rng = new Rng(subSeed(cfg.seed, 31));
  try {
    for (let s = 0; s < cfg.steps; s++) {
      if (control && !(await control.next())) break;
      const b = batchOf(rng, cfg.batchSize, cfg.perception);
      const r = await pretrainVisionStep(enc, trainer, b.images, b.labels, aux);
      onPoint?.({ step: r.step, loss: r.loss });
    }
  } finally {
    trainer.dispose();
    for (const h of aux) disposeAuxHead(h);
  }
  return visionAccuracy(enc, cfg.heldOut, cfg.seed, cfg.perception);
}

/** The encoder's accuracy on `n` held-out training scenes (a stream of its own per seed), seen through `perception`. */
export async function visionAccuracy(enc: VisionEncoder, n: number, seed: number, perception: Partial<Perception> = DEFAULT_PERCEPTION): Promise<VisionAccuracy> {
  const held = batchOf(new Rng(subSeed(seed, 32)), n, perception);
  return { ...(await cellAccuracy(enc, held.images, held.labels)), bySize: await cellAccuracyBySize(enc, held.images, held.labels) };
}
