// The recipes of the shipped policies, as data: the model size, the vision pretraining, the SFT
// data (mixture and what is asked) and the optimisation. `pretrain --preset NAME` runs one;
// `models/README.md` records them.

import { SFT_DATA_SHAPE, SFT_MIXTURE, SFT_PLUS_MIXTURE, type SftDataShape, type SftMixture } from './data';
import type { PresetName } from '../model/config';
import type { DecoderInit } from './init';

export interface PolicyRecipe {
  /** What the recipe is, in one line. */
  about: string;
  model: PresetName;
  /** Vision pretraining steps (batch 64, fresh scenes each step) and their peak learning rate. */
  visionSteps: number;
  visionLr: number;
  /**
   * Steps of the grounding stage before instruction tuning (0: none): short, correct answers to
   * existence questions alone (data.ts GROUNDING_MIXTURE), at the SFT learning rate, so the decoder
   * learns to find the asked object among its image tokens, and in the facts when it is given
   * them, before the mixture asks for everything at once (as LLaVA aligns its projector before
   * instruction tuning). The learnability check is this stage without the facts.
   */
  groundingSteps: number;
  sftSteps: number;
  batchSize: number;
  /** Peak SFT learning rate (warm-up, then cosine decay). */
  lr: number;
  /** Adam's second-moment decay in SFT (0.95 adapts faster than the default 0.999 in a short run). */
  beta2: number;
  /** The fresh decoder's starting weights (init.ts). */
  decoderInit: DecoderInit;
  mixture: SftMixture;
  shape: SftDataShape;
}

export const POLICY_RECIPES = {
  /** Instruction tuning on the synthetic mixture only: fluent, and hallucinating along the prior. */
  sft: { about: 'SFT on synthetic instruction data (40% of its answers hallucinate)', model: 'default', visionSteps: 2000, visionLr: 5e-3, groundingSteps: 3500, sftSteps: 2500, batchSize: 32, lr: 2e-3, beta2: 0.95, decoderInit: 'fan-in', mixture: SFT_MIXTURE, shape: SFT_DATA_SHAPE },
  /** The paper's SFT+: the same, with short, always-correct VQA-style answers mixed in. */
  'sft-plus': { about: 'SFT+: the synthetic data plus short, correct VQA-style answers (half the mixture)', model: 'default', visionSteps: 2000, visionLr: 5e-3, groundingSteps: 3500, sftSteps: 2500, batchSize: 32, lr: 2e-3, beta2: 0.95, decoderInit: 'fan-in', mixture: SFT_PLUS_MIXTURE, shape: SFT_DATA_SHAPE },
  /** For CI and tests: the tiny model, a few steps. */
  tiny: { about: 'tiny model, a few steps: for tests', model: 'tiny', visionSteps: 20, visionLr: 3e-3, groundingSteps: 10, sftSteps: 30, batchSize: 16, lr: 1.5e-3, beta2: 0.95, decoderInit: 'fan-in', mixture: SFT_MIXTURE, shape: SFT_DATA_SHAPE },
} as const satisfies Record<string, PolicyRecipe>;

export type RecipeName = keyof typeof POLICY_RECIPES;
