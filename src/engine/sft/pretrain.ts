// Making a policy by a recipe, as one job: a fresh model, its vision encoder pretrained and
// frozen, the grounding stage (existence questions alone), SFT on the recipe's data mixture, and
// (unless skipped) the benchmarks.

import { VOCAB } from '../language/vocab';
import { makeConfig, type PresetName } from '../model/config';
import { createModel, type VlmModel } from '../model/model';
import { runBench } from '../bench/run';
import type { BenchReport } from '../bench/report';
import type { JobControl, JobHooks } from '../train/job';
import { pretrainVision, type VisionAccuracy, type VisionPoint } from '../vision/run';
import { POLICY_RECIPES, type RecipeName } from './recipes';
import { runSft, type SftPoint } from './run';
import { GROUNDING_MIXTURE, GROUNDING_SHAPE } from './data';
import { subSeed } from '../world/rng';
import { applyDecoderInit, type DecoderInit } from './init';

export interface PretrainJobConfig {
  recipe: RecipeName;
  /** Seed of the weights, the data and the batch order. */
  seed: number;
  /** SFT steps; default the recipe's. */
  sftSteps?: number;
  /** Grounding-stage steps; default the recipe's. */
  groundingSteps?: number;
  /** Vision pretraining steps; default the recipe's. */
  visionSteps?: number;
  /** Run the benchmarks at the end. */
  bench: boolean;
}

export interface PretrainJobResult {
  /** The new policy; the caller owns it. */
  model: VlmModel;
  /** What the checkpoint's metadata records: recipe, seed, mixture, steps, figures. */
  metadata: Record<string, unknown>;
  bench?: BenchReport;
  heldOutLoss: number;
  seconds: number;
}

/** A point of any phase: a vision pretraining step, a grounding step or an SFT step. */
export type PretrainPoint = (VisionPoint & { phase: 'vision' }) | (SftPoint & { phase: 'grounding' | 'sft' });

/** How a fresh policy starts: its size, seed, decoder initialisation and vision pretraining. */
export interface FreshPolicyConfig {
  preset: PresetName;
  seed: number;
  decoderInit: DecoderInit;
  visionSteps: number;
  visionLr: number;
}

/**
 * A fresh policy: the decoder initialised, the vision encoder pretrained on its own and then
 * frozen. Returns the model (the caller owns it; it is freed if pretraining throws) and the
 * encoder's held-out cell accuracy. `control`, when given, can stop the vision pretraining early.
 */
export async function freshPolicy(cfg: FreshPolicyConfig, onVisionPoint?: (p: VisionPoint) => void, control?: JobControl): Promise<{ model: VlmModel; visionAccuracy: VisionAccuracy }> {
  const model = createModel(makeConfig(cfg.preset, VOCAB.length), { seed: cfg.seed });
  try {
    applyDecoderInit(model, cfg.decoderInit);
    const visionAccuracy = await pretrainVision(model.vision, { steps: cfg.visionSteps, seed: cfg.seed, optim: { lr: cfg.visionLr, warmupSteps: 20 } }, onVisionPoint, control);
    model.vision.setFrozen(true);
    return { model, visionAccuracy };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/**
 * Makes a policy by the recipe; `hooks` hear vision and SFT points and progress through both
 * phases. Stopped through hooks.control, it returns the policy as far as it got (every phase after
 * the one stopped is skipped, the benchmarks too).
 */
export async function runPretrainJob(cfg: PretrainJobConfig, hooks: JobHooks<PretrainPoint> = {}): Promise<PretrainJobResult> {
  if (!Object.hasOwn(POLICY_RECIPES, cfg.recipe)) throw new Error(`pretrain: unknown recipe "${cfg.recipe}"; the recipes are ${Object.keys(POLICY_RECIPES).join(', ')}`);
  const recipe = POLICY_RECIPES[cfg.recipe];
  const sftSteps = cfg.sftSteps ?? recipe.sftSteps;
  const visionSteps = cfg.visionSteps ?? recipe.visionSteps;
  const groundingSteps = cfg.groundingSteps ?? recipe.groundingSteps;
  const optim = { lr: recipe.lr, beta2: recipe.beta2, decay: 'cosine', minLrRatio: 0.05, clipNorm: 1 } as const;
  const started = performance.now();
  const { model, visionAccuracy } = await freshPolicy({ preset: recipe.model, seed: cfg.seed, decoderInit: recipe.decoderInit, visionSteps, visionLr: recipe.visionLr }, (p) => {
    hooks.onPoint?.({ phase: 'vision', ...p });
    hooks.onProgress?.({ phase: 'vision pretraining', done: p.step, total: visionSteps });
  }, hooks.control);
  const stopped = () => hooks.control?.state === 'stopping';
  try {
    const visionDone = performance.now();
    let groundingLoss: number | undefined;
    if (groundingSteps > 0 && !stopped()) {
      const g = await runSft(model, {
        steps: groundingSteps, batchSize: recipe.batchSize, mixture: GROUNDING_MIXTURE, shape: GROUNDING_SHAPE, seed: subSeed(cfg.seed, 77),
        trainSize: 0, evalEvery: Math.max(1, Math.round(groundingSteps / 5)), optim,
      }, {
        ...(hooks.control ? { control: hooks.control } : {}),
        onPoint: (p) => hooks.onPoint?.({ phase: 'grounding', ...p }),
        onProgress: (p) => hooks.onProgress?.({ ...p, phase: 'grounding' }),
      });
      groundingLoss = g.heldOutLoss;
    }
    const groundingDone = performance.now();
    // Stopped before SFT, the policy has no SFT steps and no held-out SFT loss.
    const sft = stopped() ? { steps: 0, heldOutLoss: NaN } : await runSft(model, {
      steps: sftSteps, batchSize: recipe.batchSize, mixture: recipe.mixture, shape: recipe.shape, seed: cfg.seed,
      trainSize: 0, evalEvery: Math.max(1, Math.round(sftSteps / 10)), optim,
    }, {
      ...(hooks.control ? { control: hooks.control } : {}),
      onPoint: (p) => hooks.onPoint?.({ phase: 'sft', ...p }),
      onProgress: (p) => hooks.onProgress?.(p),
    });
    const sftDone = performance.now();
    const bench = cfg.bench && !stopped() ? (await runBench(model, undefined, {}, (done, total) => hooks.onProgress?.({ phase: 'benchmarks', done, total }))).report : undefined;
    const seconds = (performance.now() - started) / 1000;
    const metadata = {
      recipe: cfg.recipe,
      about: recipe.about,
      seed: cfg.seed,
      mixture: recipe.mixture,
      shape: recipe.shape,
      visionSteps,
      groundingSteps,
      ...(groundingLoss !== undefined ? { groundingHeldOutLoss: groundingLoss } : {}),
      sftSteps: sft.steps,
      batchSize: recipe.batchSize,
      lr: recipe.lr,
      decoderInit: recipe.decoderInit,
      visionAccuracy,
      heldOutLoss: sft.heldOutLoss,
      trainSeconds: Math.round(seconds),
      /** Where the time went: vision pretraining, the grounding stage, SFT (with its held-out evaluations), the benchmarks. */
      phaseSeconds: {
        vision: Math.round((visionDone - started) / 1000), grounding: Math.round((groundingDone - visionDone) / 1000),
        sft: Math.round((sftDone - groundingDone) / 1000), bench: Math.round((performance.now() - sftDone) / 1000),
      },
      ...(bench ? { bench } : {}),
    };
    return { model, metadata, ...(bench ? { bench } : {}), heldOutLoss: sft.heldOutLoss, seconds };
  } catch (e) {
    model.dispose();
    throw e;
  }
}
