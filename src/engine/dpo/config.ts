// The DPO job's one typed config, documented field by field, its defaults, bounds, the one check
// and its plan (the same split by prompt as the reward model's, so both learn from the same
// pairs). No TensorFlow.js: the page reads it for its knobs and checks exactly as the engine does.

import type { PreferenceRecord } from '../prefs/record';
import { planRewardJob, type RewardPlan } from '../reward/config';
import { checkBounds, type Bounds, type ConfigProblem } from '../train/bounds';

export interface DpoConfig {
  /** β: the weight of the implicit reward β·log(π/π_ref); small β lets the policy move further from the reference (TRL beta; Rafailov et al.: 0.1). */
  beta: number;
  /** Passes over the training pairs. */
  epochs: number;
  /** At least this many steps however few the pairs. */
  minSteps: number;
  /** Pairs per step; each pair is two rows of the batch. */
  batchPairs: number;
  /** Peak learning rate (Adam; warm-up over a tenth of the run, cosine decay to a tenth). */
  lr: number;
  /** Largest global gradient norm (TRL max_grad_norm). */
  maxGradNorm: number;
  /** Share of prompts held out for the implicit reward's accuracy (split by prompt as the reward model's job splits, same seed, same split). */
  heldOutShare: number;
  /** Seed of the split, the batch order and the KL prompts. */
  seed: number;
  /** Weight of a tie relative to a decided pair: a ½-target loss that pulls the two implicit rewards together; 0 drops ties. */
  tieWeight: number;
  /** Weight of a both-bad pair: each answer loses to a virtual answer as likely as under the reference (pushes both below it); 0 drops them. */
  bothBadWeight: number;
  /** Held-out implicit-reward accuracy every N steps (0: only at the end). */
  evalEvery: number;
  /** The gold figures (greedy answers to fixed probes, judged) every N steps (0: at the start and the end only). */
  goldEvery: number;
  /** Probes of the gold figures (ppo/gold.ts: the same probes PPO measures). */
  goldProbeSize: number;
  /** Fresh training prompts sampled (temperature 1) with the gold figures to estimate the KL from the reference (0: none). */
  klPrompts: number;
}

export const DPO_DEFAULTS: DpoConfig = {
  beta: 0.1, epochs: 2, minSteps: 25, batchPairs: 16, lr: 1e-4, maxGradNorm: 1, heldOutShare: 0.2, seed: 1,
  tieWeight: 0, bothBadWeight: 0, evalEvery: 0, goldEvery: 25, goldProbeSize: 48, klPrompts: 64,
};

export const DPO_BOUNDS: Bounds<DpoConfig> = {
  beta: { above: 0, max: 100 },
  epochs: { above: 0, max: 1000 },
  minSteps: { integer: true, min: 0, max: 100_000 },
  batchPairs: { integer: true, min: 1, max: 256 },
  lr: { above: 0, max: 0.1 },
  maxGradNorm: { min: 0, max: 1000 },
  heldOutShare: { above: 0, below: 1 },
  seed: { integer: true, min: 0, max: 2 ** 32 - 1 },
  tieWeight: { min: 0, max: 100 },
  bothBadWeight: { min: 0, max: 100 },
  evalEvery: { integer: true, min: 0, max: 100_000 },
  goldEvery: { integer: true, min: 0, max: 100_000 },
  goldProbeSize: { integer: true, min: 1, max: 1024 },
  klPrompts: { integer: true, min: 0, max: 4096 },
};

/** One-line explanations of each knob, for tooltips and --help. */
export const DPO_TOOLTIPS: Record<keyof DpoConfig, string> = {
  beta: 'β of the implicit reward β·log(π/π_ref): smaller lets the policy move further from the SFT reference',
  epochs: 'passes over the training pairs',
  minSteps: 'at least this many steps, however few the pairs',
  batchPairs: 'pairs per step',
  lr: 'peak learning rate',
  maxGradNorm: 'largest global gradient norm',
  heldOutShare: 'share of prompts held out for accuracy (the same split as the reward model for the same seed)',
  seed: 'seed of the split, the batch order and the KL prompts',
  tieWeight: 'weight of a tie (pulls its two implicit rewards together); 0 drops ties',
  bothBadWeight: 'weight of a both-bad pair (pushes both answers below their reference likelihood); 0 drops them',
  evalEvery: 'held-out accuracy every N steps (0: at the end)',
  goldEvery: 'gold figures every N steps (0: at the start and the end)',
  goldProbeSize: 'gold probes (the ones PPO measures)',
  klPrompts: 'prompts sampled to estimate the KL from the reference (0: none)',
};

/** Every knob outside its bounds; [] when the job can run. */
export function checkDpoConfig(cfg: DpoConfig): ConfigProblem[] {
  return checkBounds(cfg, DPO_BOUNDS);
}

/** What a DPO job will do with these records: its split (the reward model's for the same seed), the training pairs its loss can use, and its steps (0 when none). */
export type DpoPlan = RewardPlan;

/** Plans a job on these records (the config is assumed checked), as a reward-model job on them is planned. */
export function planDpoJob(records: readonly PreferenceRecord[], cfg: DpoConfig): DpoPlan {
  return planRewardJob(records, cfg);
}
