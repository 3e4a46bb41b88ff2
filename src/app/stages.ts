// The pipeline's stages, left to right, as the header's nav shows them, each with its panel.
import type { Component } from 'svelte';
import LabelStage from './stages/LabelStage.svelte';
import RewardStage from './stages/RewardStage.svelte';
import SftStage from './stages/SftStage.svelte';
import WorldStage from './stages/WorldStage.svelte';
import PpoStage from './stages/PpoStage.svelte';
import EvaluateStage from './stages/EvaluateStage.svelte';
import type { Session } from './session.svelte';

export interface StageInfo {
  /** The URL hash names the stage: `#/world`. */
  readonly id: string;
  /** The short name in the nav. */
  readonly label: string;
  /** One line on what the stage is for (the nav's tooltip). */
  readonly blurb: string;
  /** The stage's panel. */
  readonly view: Component<{ session: Session }>;
}

export const STAGES = [
  { id: 'world', label: 'World', blurb: 'Shapes World: browse scenes beside their ground-truth facts', view: WorldStage },
  { id: 'sft', label: 'SFT', blurb: 'Supervised fine-tuning: load or train the policy', view: SftStage },
  { id: 'label', label: 'Label', blurb: 'Label which of two answers is better', view: LabelStage },
  { id: 'reward', label: 'Reward', blurb: 'Train the reward model (plain or Fact-RM) on the labels', view: RewardStage },
  { id: 'ppo', label: 'PPO', blurb: 'Tune the policy against the reward model with PPO, GRPO or RLOO, and label while it runs', view: PpoStage },
  { id: 'evaluate', label: 'Evaluate', blurb: 'ShapesHal-Bench, POPE and CHAIR on any policy, runs side by side, the experiment\'s table', view: EvaluateStage },
] as const satisfies readonly StageInfo[];

export type StageId = (typeof STAGES)[number]['id'];

export const DEFAULT_STAGE: StageId = 'world';

/** Returns the stage with this id. */
export function stageById(id: StageId): StageInfo {
  return STAGES.find((s) => s.id === id) as StageInfo;
}

