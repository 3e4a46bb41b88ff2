// The DPO job's one config, as one table (train/fields.ts): each knob's default, bounds, label on
// the page, one line of help and TRL's name; its check and its plan (the same split by prompt as
// the reward model's, so both learn from the same pairs). No TensorFlow.js: the page reads it for
// its knobs and checks exactly as the engine does.

import * as v from 'valibot';
import type { PreferenceRecord } from '../prefs/record';
import { planRewardJob, type RewardPlan } from '../reward/config';
import type { ConfigProblem } from '../train/bounds';
import { defaultsOf, fieldsOf, num, problemsOf } from '../train/fields';

const count = (def: number, max: number, label: string, help: string) => num(def, { integer: true, min: 0, max }, { label, help });
const weight = (def: number, label: string, help: string) => num(def, { min: 0, max: 100 }, { label, help });

/** In the page's order: the first six on the card, the rest under "every knob". */
export const DPO_TABLE = v.object({
  beta: num(0.1, { above: 0, max: 100 }, { label: 'β', help: 'β of the implicit reward β·log(π/π_ref): smaller lets the policy move further from the SFT reference', trl: 'beta' }),
  epochs: num(2, { above: 0, max: 1000 }, { label: 'Epochs', help: 'passes over the training pairs' }),
  minSteps: count(25, 100_000, 'Min steps', 'at least this many steps, however few the pairs'),
  batchPairs: num(16, { integer: true, min: 1, max: 256 }, { label: 'Pairs per step', help: 'pairs per step' }),
  lr: num(1e-4, { above: 0, max: 0.1 }, { label: 'Learning rate', help: 'peak learning rate' }),
  goldEvery: count(25, 100_000, 'Gold every', 'gold figures every N steps (0: at the start and the end)'),
  maxGradNorm: num(1, { min: 0, max: 1000 }, { label: 'Max grad norm', help: 'largest global gradient norm', trl: 'max_grad_norm' }),
  heldOutShare: num(0.2, { above: 0, below: 1 }, { label: 'Held-out share', help: 'share of prompts held out for accuracy (the same split as the reward model for the same seed)', step: '0.05' }),
  evalEvery: count(0, 100_000, 'Evaluate every', 'held-out accuracy every N steps (0: at the end)'),
  tieWeight: weight(0, 'Tie weight', 'weight of a tie (pulls its two implicit rewards together); 0 drops ties'),
  bothBadWeight: weight(0, 'Both-bad weight', 'weight of a both-bad pair (pushes both answers below their reference likelihood); 0 drops them'),
  goldProbeSize: num(48, { integer: true, min: 1, max: 1024 }, { label: 'Gold probes', help: 'gold probes (the ones PPO measures)' }),
  klPrompts: count(64, 4096, 'KL prompts', 'prompts sampled to estimate the KL from the reference (0: none)'),
  seed: count(1, 2 ** 32 - 1, 'Seed', 'seed of the split, the batch order and the KL prompts'),
});

export type DpoConfig = v.InferOutput<typeof DPO_TABLE>;

export const DPO_FIELDS = fieldsOf(DPO_TABLE);
export const DPO_DEFAULTS: DpoConfig = defaultsOf(DPO_TABLE);

/** Every knob outside its bounds; [] when the job can run. */
export function checkDpoConfig(cfg: DpoConfig): ConfigProblem[] {
  return problemsOf(DPO_TABLE, cfg);
}

/** What a DPO job will do with these records: its split (the reward model's for the same seed), the training pairs its loss can use, and its steps (0 when none). */
export type DpoPlan = RewardPlan;

/** Plans a job on these records (the config is assumed checked), as a reward-model job on them is planned. */
export function planDpoJob(records: readonly PreferenceRecord[], cfg: DpoConfig): DpoPlan {
  return planRewardJob(records, cfg);
}

/** The dense DPO job's β: larger than summed DPO's, since its sequence log-prob is a per-token average. */
export const DENSE_DPO_BETA = 0.5;

/**
 * Dense DPO's config (RLHF-V's DDPO, on marked answers; dpo/dense.ts): DPO's knobs with its own β
 * default and the weight γ of the changed tokens. No tie or both-bad weight: every corrected pair
 * is decided.
 */
export const DENSE_DPO_TABLE = v.object({
  beta: num(DENSE_DPO_BETA, { above: 0, max: 100 }, { label: 'β', help: 'β of the implicit reward β·log(π/π_ref), log-probs averaged per token, so larger than for summed DPO (RLHF-V: 0.5)', trl: 'beta' }),
  ddpoWeight: num(5, { min: 1, max: 100 }, { label: 'Dense weight γ', help: 'weight γ of the corrected and the marked-false tokens in the averaged log-prob; 1 weighs every token alike (RLHF-V: 5)' }),
  epochs: DPO_TABLE.entries.epochs,
  minSteps: DPO_TABLE.entries.minSteps,
  batchPairs: DPO_TABLE.entries.batchPairs,
  lr: DPO_TABLE.entries.lr,
  goldEvery: DPO_TABLE.entries.goldEvery,
  maxGradNorm: DPO_TABLE.entries.maxGradNorm,
  heldOutShare: DPO_TABLE.entries.heldOutShare,
  evalEvery: DPO_TABLE.entries.evalEvery,
  goldProbeSize: DPO_TABLE.entries.goldProbeSize,
  klPrompts: DPO_TABLE.entries.klPrompts,
  seed: DPO_TABLE.entries.seed,
});

export type DenseDpoConfig = v.InferOutput<typeof DENSE_DPO_TABLE>;

export const DENSE_DPO_FIELDS = fieldsOf(DENSE_DPO_TABLE);
export const DENSE_DPO_DEFAULTS: DenseDpoConfig = defaultsOf(DENSE_DPO_TABLE);

/** Every knob outside its bounds; [] when the job can run. */
export function checkDenseDpoConfig(cfg: DenseDpoConfig): ConfigProblem[] {
  return problemsOf(DENSE_DPO_TABLE, cfg);
}

/** DPO's config for a dense job's shared loop: its knobs, ties and both-bad pairs (there are none) weighted 0. */
export function dpoConfigOfDense(cfg: DenseDpoConfig): DpoConfig {
  const { ddpoWeight: _gamma, ...rest } = cfg;
  return { ...rest, tieWeight: 0, bothBadWeight: 0 };
}
