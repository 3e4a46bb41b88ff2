// The recipes of the shipped policies, as data: the model size, the vision pretraining and
// the SFT data mixture. `pretrain --preset NAME` runs one; `models/README.md` records them.

import { SFT_MIXTURE, SFT_PLUS_MIXTURE, type SftMixture } from './data';
import type { PresetName } from '../model/config';

export interface PolicyRecipe {
  /** What the recipe is, in one line. */
  about: string;
  model: PresetName;
  visionSteps: number;
  sftSteps: number;
  batchSize: number;
  mixture: SftMixture;
}

export const POLICY_RECIPES = {
  /** Instruction tuning on the synthetic mixture only: fluent, and hallucinating along the prior. */
  sft: { about: 'SFT on synthetic instruction data (40% of its answers hallucinate)', model: 'default', visionSteps: 400, sftSteps: 2500, batchSize: 32, mixture: SFT_MIXTURE },
  /** The paper's SFT+: the same, with short, always-correct VQA-style answers mixed in. */
  'sft-plus': { about: 'SFT+ : the synthetic data plus short, correct VQA-style answers (half the mixture)', model: 'default', visionSteps: 400, sftSteps: 2500, batchSize: 32, mixture: SFT_PLUS_MIXTURE },
  /** For CI and tests: the tiny model, a few steps. */
  tiny: { about: 'tiny model, a few steps: for tests', model: 'tiny', visionSteps: 20, sftSteps: 30, batchSize: 16, mixture: SFT_MIXTURE },
} as const satisfies Record<string, PolicyRecipe>;

export type RecipeName = keyof typeof POLICY_RECIPES;
