// A reward-model run's settings without TensorFlow.js, so the page can plan a run (split, usable
// pairs, steps) and check its knobs exactly as the engine will: the job (one flat config the page
// and the CLI both fill in) as one table (train/fields.ts), and the loss and the run the trainer
// takes, made from it.

import * as v from 'valibot';
import { subSeed } from '../world/rng';
import { SCORE_READOUTS } from '../model/config';
import { hash64, promptKey, type PreferenceRecord } from '../prefs/record';
import type { ConfigProblem } from '../train/bounds';
import { choice, defaultsOf, fieldsOf, flag, num, problemsOf } from '../train/fields';
import type { OptimConfig } from '../train/trainer';

/** How a pair enters the loss: decided pairs are oriented so that A is the chosen answer. */
export type PairKind = 'decided' | 'tie' | 'both-bad';

/** Which reward model: plain (image, question, answer) or Fact-RM (the scene's facts too). */
export const REWARD_KINDS = ['plain', 'fact'] as const;
export type RewardKind = (typeof REWARD_KINDS)[number];

const weight = (def: number, label: string, help: string) => num(def, { min: 0, max: 100 }, { label, help, step: '0.1' });

/** One reward-model job as the page and the CLI set it up (split, train, evaluate, probe), in the page's order. */
export const REWARD_JOB_TABLE = v.object({
  kind: choice(REWARD_KINDS, 'plain', { label: 'Reward model', help: 'Which reward model: plain (image, question, answer) or Fact-RM (the scene’s facts too).' }),
  epochs: num(4, { above: 0, max: 1000 }, { label: 'Epochs', help: 'Passes over the training pairs. A small set gets more passes (see minimum steps).' }),
  minSteps: num(25, { integer: true, min: 0, max: 100_000 }, { label: 'Min steps', help: 'At least this many steps, however few the pairs.' }),
  batchPairs: num(16, { integer: true, min: 1, max: 256 }, { label: 'Pairs per step', help: 'Pairs per step; each pair is two rows of the batch (chosen and rejected).' }),
  lr: num(1e-3, { above: 0, max: 0.1 }, { label: 'Learning rate', help: 'Peak learning rate of AdamW: warm-up over the first tenth of the run, then cosine decay to a tenth.' }),
  heldOutShare: num(0.2, { above: 0, below: 1 }, { label: 'Held-out share', help: 'Share of prompts held out to measure accuracy; all pairs about one prompt go to the same side. Same labels and seed, same split.', step: '0.05' }),
  evalEvery: num(10, { integer: true, min: 0, max: 100_000 }, { label: 'Evaluate every', help: 'Measure held-out accuracy every N steps (and always at the end). 0: only at the end. Each measurement costs a pass over the held-out pairs.' }),
  tieWeight: weight(0.5, 'Tie weight', 'Weight of a tie against a decided pair: the loss pulls its two scores together. 0 leaves ties out.'),
  bothBadWeight: weight(0.5, 'Both-bad weight', 'Weight of a both-bad pair against a decided pair: the loss pushes both scores below 0. 0 leaves them out.'),
  probeItems: num(64, { integer: true, min: 1, max: 512 }, { label: 'Probe items', help: 'Probe scenes scored after training (question types in turn), each with every answer variant of the table below.' }),
  seed: num(1, { integer: true, min: 0, max: 2 ** 32 - 1 }, { label: 'Seed', help: 'Seed of the split, the minibatch order and the augmentation (fresh pixel noise and facts order each time a pair is seen). Starts at the run’s seed.' }),
  readout: choice(SCORE_READOUTS, 'last', {
    label: 'Score read at',
    help: 'Where the score head reads the answer. Last token (the paper’s): one score from the final position, which must gather the whole answer through attention. Sum over the answer: the head scores every answer token and adds them up, so each sentence adds its own share and a false claim anywhere can cost on its own. Both start from the same trunk.',
    options: { last: 'last token (the paper)', sum: 'sum over the answer' },
  }),
  trainTrunk: flag(true, { label: 'Train the decoder trunk too', help: 'Train the whole decoder with the score head (the paper’s choice), or only the score head on the SFT policy’s features. The vision encoder stays frozen either way.' }),
});

export type RewardJobConfig = v.InferOutput<typeof REWARD_JOB_TABLE>;

export const REWARD_JOB_FIELDS = fieldsOf(REWARD_JOB_TABLE);
export const REWARD_JOB_DEFAULTS: RewardJobConfig = defaultsOf(REWARD_JOB_TABLE);

/** Every knob of a reward job the table refuses; [] when it can run. */
export function checkRewardJob(cfg: RewardJobConfig): ConfigProblem[] {
  return problemsOf(REWARD_JOB_TABLE, cfg);
}

/** The loss's weights: a job's, and the centring term's. */
export interface RewardLossConfig {
  /** Weight of the (s_a + s_b)² centring term (TRL suggests 0.01). */
  centreCoef: number;
  /** Weight of a tie relative to a decided pair; 0 drops ties from the loss (they are still counted). */
  tieWeight: number;
  /** Weight of a both-bad pair relative to a decided pair; 0 drops them. */
  bothBadWeight: number;
  /** The score both answers of a both-bad pair are pushed below. */
  bothBadMargin: number;
}

export const REWARD_LOSS_DEFAULTS: RewardLossConfig = { centreCoef: 0.01, tieWeight: REWARD_JOB_DEFAULTS.tieWeight, bothBadWeight: REWARD_JOB_DEFAULTS.bothBadWeight, bothBadMargin: 0 };

/** A run as the trainer takes it: a job's knobs (rewardRunOf), with the optimiser's settings. */
export interface RewardRunConfig extends Pick<RewardJobConfig, 'epochs' | 'minSteps' | 'batchPairs' | 'trainTrunk' | 'seed' | 'evalEvery'> {
  /** Read the scene's facts (Fact-RM) or not (plain RM). */
  fact: boolean;
  /** Render each view of a pair with fresh pixel noise and a fresh facts order. */
  augment: boolean;
  loss: RewardLossConfig;
  /** Optimiser; warm-up defaults to a tenth of the run and the schedule to the run's length. */
  optim: Partial<OptimConfig>;
}

export const REWARD_RUN_DEFAULTS: RewardRunConfig = {
  fact: false, epochs: REWARD_JOB_DEFAULTS.epochs, minSteps: REWARD_JOB_DEFAULTS.minSteps, batchPairs: REWARD_JOB_DEFAULTS.batchPairs, trainTrunk: true, augment: true, seed: 1,
  loss: REWARD_LOSS_DEFAULTS, optim: { lr: REWARD_JOB_DEFAULTS.lr, decay: 'cosine', minLrRatio: 0.1, clipNorm: 1 }, evalEvery: 0,
};

/**
 * Splits records (pairs or marks) into training and held-out sets by prompt (all records about one
 * prompt go to the same side), about `share` held out; the same records and seed give the same split.
 */
export function splitHeldOut<R extends Pick<PreferenceRecord, 'scene' | 'image' | 'question'>>(records: readonly R[], share: number, seed: number): { train: R[]; heldOut: R[] } {
  const train: R[] = [];
  const heldOut: R[] = [];
  for (const r of records) {
    const u = subSeed(seed, parseInt(hash64(promptKey(r)).slice(0, 8), 16)) / 2 ** 32;
    (u < share ? heldOut : train).push(r);
  }
  return { train, heldOut };
}

/** The records the loss can learn from: every decided pair, ties and both-bad pairs only with a weight above 0. */
export function usablePairs<R extends Pick<PreferenceRecord, 'label'>>(records: readonly R[], loss: Pick<RewardLossConfig, 'tieWeight' | 'bothBadWeight'>): R[] {
  return records.filter((r) => (r.label === 'tie' ? loss.tieWeight > 0 : r.label === 'both-bad' ? loss.bothBadWeight > 0 : true));
}

/** The number of steps a run takes for this many usable training pairs. */
export function rewardRunSteps(cfg: Pick<RewardRunConfig, 'epochs' | 'minSteps' | 'batchPairs'>, usable: number): number {
  return Math.max(cfg.minSteps, Math.ceil((cfg.epochs * usable) / cfg.batchPairs));
}

/** What a job will do with these records: its split, how many training pairs the loss can use, and its steps (0 when none). */
export interface RewardPlan {
  train: PreferenceRecord[];
  heldOut: PreferenceRecord[];
  usable: number;
  steps: number;
}

/** What planning a job on pairs reads from its config: the split, the loss's weights, the run's length. */
export type PairsPlanConfig = Pick<RewardJobConfig, 'heldOutShare' | 'seed' | 'tieWeight' | 'bothBadWeight' | 'epochs' | 'minSteps' | 'batchPairs'>;

/** Plans a job on these records (the config is assumed checked); DPO plans its runs with it too. */
export function planRewardJob(records: readonly PreferenceRecord[], cfg: PairsPlanConfig): RewardPlan {
  const { train, heldOut } = splitHeldOut(records, cfg.heldOutShare, cfg.seed);
  const usable = usablePairs(train, cfg).length;
  return { train, heldOut, usable, steps: usable === 0 ? 0 : rewardRunSteps(cfg, usable) };
}

/** The run config of a job. */
export function rewardRunOf(cfg: RewardJobConfig): RewardRunConfig {
  return {
    ...REWARD_RUN_DEFAULTS,
    fact: cfg.kind === 'fact', epochs: cfg.epochs, minSteps: cfg.minSteps, batchPairs: cfg.batchPairs, trainTrunk: cfg.trainTrunk, seed: cfg.seed,
    loss: { ...REWARD_LOSS_DEFAULTS, tieWeight: cfg.tieWeight, bothBadWeight: cfg.bothBadWeight },
    optim: { ...REWARD_RUN_DEFAULTS.optim, lr: cfg.lr },
    evalEvery: cfg.evalEvery,
  };
}
