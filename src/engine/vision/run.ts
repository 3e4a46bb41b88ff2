// Pretrains the vision encoder on its own (as CLIP is trained before LLaVA): fresh training
// scenes each step, seen through the perception knobs, each cell classified by shape, colour, size.

import { Rng, subSeed } from '../world/rng';
import { sampleScene, trainSeed } from '../world/sampler';
import { DEFAULT_PERCEPTION, type Perception } from '../world/render';
import { cellAccuracy, cellLabelsFromScenes, createVisionTrainer, pretrainVisionStep } from './loss';
import type { VisionEncoder } from '../model/vision';
import type { OptimConfig } from '../train/trainer';
import { sceneImage } from '../data/encode';

export interface VisionRunConfig {
  steps: number;
  batchSize: number;
  seed: number;
  perception: Partial<Perception>;
  optim: Partial<OptimConfig>;
  /** Held-out scenes for the accuracy report. */
  heldOut: number;
}

export const VISION_RUN_DEFAULTS: VisionRunConfig = { steps: 600, batchSize: 64, seed: 1, perception: DEFAULT_PERCEPTION, optim: { lr: 3e-3, warmupSteps: 20 }, heldOut: 256 };

export interface VisionPoint {
  step: number;
  loss: number;
}

function batchOf(rng: Rng, n: number, perception: Partial<Perception>) {
  const scenes = Array.from({ length: n }, () => sampleScene(trainSeed(rng)));
  return { images: scenes.map((s) => sceneImage(s, perception, rng.int(2 ** 31))), labels: cellLabelsFromScenes(scenes) };
}

/**
 * Trains the encoder in place (it must not be frozen) and returns its held-out per-cell accuracy
 * per head. `onPoint` gets the loss of each step.
 */
export async function pretrainVision(enc: VisionEncoder, config: Partial<VisionRunConfig> = {}, onPoint?: (p: VisionPoint) => void): Promise<Record<string, number>> {
  const cfg = { ...VISION_RUN_DEFAULTS, ...config };
  const trainer = createVisionTrainer(enc, { totalSteps: cfg.steps, ...cfg.optim });
  const rng = new Rng(subSeed(cfg.seed, 31));
  try {
    for (let s = 0; s < cfg.steps; s++) {
      const b = batchOf(rng, cfg.batchSize, cfg.perception);
      const r = await pretrainVisionStep(enc, trainer, b.images, b.labels);
      onPoint?.({ step: r.step, loss: r.loss });
    }
  } finally {
    trainer.dispose();
  }
  const held = batchOf(new Rng(subSeed(cfg.seed, 32)), cfg.heldOut, cfg.perception);
  return cellAccuracy(enc, held.images, held.labels);
}
