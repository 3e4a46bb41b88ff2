// The learnability check: can a fresh decoder learn to look? Existence questions only ("is there a
// red circle in the image ?"), half about present objects, answered correctly; then POPE, split by
// the truth. A decoder that reads its image tokens says yes to nearly every present large object
// (the frozen encoder sees those) and no to absent ones. The same policy shown a blank image must
// fall to guessing: that is what shows the answers come from the picture.

import { decode } from '../language/vocab';
import type { PresetName } from '../model/config';
import type { VlmModel } from '../model/model';
import { generate } from '../model/generate';
import { popeByTruth, popeItems, scorePope, type PopeByTruth, type PopeItem, type PopeMetrics, type PopeSplit, POPE_SIZES } from '../bench/pope';
import { renderImages } from '../data/batches';
import { promptIds } from '../data/encode';
import { DEFAULT_PERCEPTION } from '../world/render';
import { freshPolicy } from './pretrain';
import { CLEAN_MIXTURE, EXISTENCE_ONLY } from './data';
import { runSft } from './run';
import type { JobHooks } from '../train/job';
import type { SftPoint } from './run';

export interface GroundingCheckConfig {
  model: PresetName;
  seed: number;
  visionSteps: number;
  sftSteps: number;
  batchSize: number;
  lr: number;
  /** POPE set to check on. */
  popeSize: keyof typeof POPE_SIZES;
  /** Weight of the auxiliary grounding loss (each image token says whether its cell holds the asked object); 0 turns it off. */
  groundingAux: number;
}

export const GROUNDING_CHECK_DEFAULTS: GroundingCheckConfig = { model: 'default', seed: 1, visionSteps: 1000, sftSteps: 2500, batchSize: 32, lr: 2e-3, popeSize: 'standard', groundingAux: 0 };

/** What the policy said on POPE, with the scene's image and with a blank one in its place. */
export interface GroundingReading {
  pope: Record<PopeSplit, PopeMetrics>;
  byTruth: PopeByTruth;
}

export interface GroundingCheckResult {
  seeing: GroundingReading;
  blank: GroundingReading;
  heldOutLoss: number;
  seconds: { vision: number; sft: number; check: number };
}

/** The targets of the check: "yes" to ≥ 95% of present large objects and ≥ 90% POPE random accuracy. */
export function groundingPasses(r: GroundingReading): boolean {
  const large = r.byTruth.presentLarge;
  return large.n > 0 && large.yes / large.n >= 0.95 && r.pope.random.accuracy >= 0.9;
}

/** Answers POPE greedily (one sentence is enough), with the scene's images or blank ones. */
export async function readPope(model: VlmModel, items: readonly PopeItem[], blank: boolean, batchSize = 128): Promise<GroundingReading> {
  const responses = new Map<string, string>();
  const pixels = model.config.imageSize * model.config.imageSize * 3;
  for (let i = 0; i < items.length; i += batchSize) {
    const chunk = items.slice(i, i + batchSize);
    const images = blank ? chunk.map(() => new Float32Array(pixels).fill(0.5)) : renderImages(chunk, DEFAULT_PERCEPTION);
    const gen = await generate(model, images, chunk.map((it) => promptIds(it.question)), { maxNewTokens: 16, temperature: 0 });
    chunk.forEach((it, k) => responses.set(it.id, decode(gen.responses[k] as number[])));
  }
  return { pope: scorePope([...items], responses), byTruth: popeByTruth(items, responses) };
}

/** Trains a fresh policy on existence questions alone and reads POPE with and without its images; the model is freed. */
export async function runGroundingCheck(config: Partial<GroundingCheckConfig> = {}, hooks: JobHooks<SftPoint> = {}): Promise<GroundingCheckResult> {
  const cfg = { ...GROUNDING_CHECK_DEFAULTS, ...config };
  const t0 = performance.now();
  const { model } = await freshPolicy({ preset: cfg.model, seed: cfg.seed, decoderInit: 'fan-in', visionSteps: cfg.visionSteps, visionLr: 5e-3 }, (p) =>
    hooks.onProgress?.({ phase: 'vision pretraining', done: p.step, total: cfg.visionSteps }),
  );
  try {
    const t1 = performance.now();
    const sft = await runSft(model, {
      steps: cfg.sftSteps, batchSize: cfg.batchSize, mixture: CLEAN_MIXTURE, shape: EXISTENCE_ONLY, seed: cfg.seed, trainSize: 0,
      evalEvery: 0, optim: { lr: cfg.lr, beta2: 0.95, decay: 'cosine', minLrRatio: 0.05, clipNorm: 1 }, groundingAux: cfg.groundingAux,
    }, hooks);
    const t2 = performance.now();
    const items = popeItems(cfg.popeSize);
    const seeing = await readPope(model, items, false);
    const blank = await readPope(model, items, true);
    const s = (a: number, b: number) => Math.round((b - a) / 100) / 10;
    return { seeing, blank, heldOutLoss: sft.heldOutLoss, seconds: { vision: s(t0, t1), sft: s(t1, t2), check: s(t2, performance.now()) } };
  } finally {
    model.dispose();
  }
}
