// A reward-model run's settings without TensorFlow.js, so the page can plan a run (split, usable
// pairs, steps) and check its knobs exactly as the engine will: the loss weights, the run, and
// the job (one flat config the page and the CLI both fill in), with their bounds.

import { subSeed } from '../world/rng';
import { SCORE_READOUTS, type ScoreReadout } from '../model/config';
import { hash64, promptKey, type PreferenceRecord } from '../prefs/record';
import { checkBounds, type Bounds, type ConfigProblem } from '../train/bounds';
import type { OptimConfig } from '../train/trainer';

/** How a pair enters the loss: decided pairs are oriented so that A is the chosen answer. */
export type PairKind = 'decided' | 'tie' | 'both-bad';

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

export const REWARD_LOSS_DEFAULTS: RewardLossConfig = { centreCoef: 0.01, tieWeight: 0.5, bothBadWeight: 0.5, bothBadMargin: 0 };

export interface RewardRunConfig {
  /** Read the scene's facts (Fact-RM) or not (plain RM). */
  fact: boolean;
  /** Passes over the training pairs. */
  epochs: number;
  /** At least this many steps however few the pairs (a small set gets more passes). */
  minSteps: number;
  /** Pairs per step; each pair is two rows of the batch. */
  batchPairs: number;
  /** Train the decoder trunk with the head (true) or the score head alone. The vision encoder stays frozen. */
  trainTrunk: boolean;
  /** Render each view of a pair with fresh pixel noise and a fresh facts order. */
  augment: boolean;
  /** Seed of the minibatch order and the augmentation. */
  seed: number;
  loss: RewardLossConfig;
  /** Optimiser; warm-up defaults to a tenth of the run and the schedule to the run's length. */
  optim: Partial<OptimConfig>;
  /** Held-out evaluation every N steps (0: only at the end). */
  evalEvery: number;
}

export const REWARD_RUN_DEFAULTS: RewardRunConfig = {
  fact: false, epochs: 4, minSteps: 25, batchPairs: 16, trainTrunk: true, augment: true, seed: 1,
  loss: REWARD_LOSS_DEFAULTS, optim: { lr: 1e-3, decay: 'cosine', minLrRatio: 0.1, clipNorm: 1 }, evalEvery: 0,
};

/** Which reward model: plain (image, question, answer) or Fact-RM (the scene's facts too). */
export type RewardKind = 'plain' | 'fact';
export const REWARD_KINDS: readonly RewardKind[] = ['plain', 'fact'];

/** One reward-model job as the page and the CLI set it up: split, train, evaluate, probe. */
export interface RewardJobConfig {
  kind: RewardKind;
  epochs: number;
  minSteps: number;
  batchPairs: number;
  /** Peak learning rate. */
  lr: number;
  /** Share of prompts held out for accuracy (split by prompt, seeded). */
  heldOutShare: number;
  /** Seed of the split, the batch order and the augmentation. */
  seed: number;
  /** Train the decoder trunk with the score head, or the head alone. */
  trainTrunk: boolean;
  tieWeight: number;
  bothBadWeight: number;
  /** Held-out evaluation every N steps (0: only at the end). */
  evalEvery: number;
  /** Probe items scored after training. */
  probeItems: number;
  /** Where the score head reads the sequence: its last token (the paper's), or summed over the response. */
  readout: ScoreReadout;
}

export const REWARD_JOB_DEFAULTS: RewardJobConfig = {
  kind: 'plain', epochs: REWARD_RUN_DEFAULTS.epochs, minSteps: REWARD_RUN_DEFAULTS.minSteps, batchPairs: REWARD_RUN_DEFAULTS.batchPairs,
  lr: REWARD_RUN_DEFAULTS.optim.lr as number, heldOutShare: 0.2, seed: 1, trainTrunk: true,
  tieWeight: REWARD_LOSS_DEFAULTS.tieWeight, bothBadWeight: REWARD_LOSS_DEFAULTS.bothBadWeight, evalEvery: 10, probeItems: 64, readout: 'last',
};

export const REWARD_JOB_BOUNDS: Bounds<RewardJobConfig> = {
  epochs: { above: 0, max: 1000 },
  minSteps: { integer: true, min: 0, max: 100_000 },
  batchPairs: { integer: true, min: 1, max: 256 },
  lr: { above: 0, max: 0.1 },
  heldOutShare: { above: 0, below: 1 },
  seed: { integer: true, min: 0, max: 2 ** 32 - 1 },
  tieWeight: { min: 0, max: 100 },
  bothBadWeight: { min: 0, max: 100 },
  evalEvery: { integer: true, min: 0, max: 100_000 },
  probeItems: { integer: true, min: 1, max: 512 },
};

/** Every knob of a reward job outside its bounds (or an unknown kind or readout); [] when it can run. */
export function checkRewardJob(cfg: RewardJobConfig): ConfigProblem[] {
  const out = checkBounds(cfg, REWARD_JOB_BOUNDS);
  if (!REWARD_KINDS.includes(cfg.kind)) out.push({ field: 'kind', message: `must be ${REWARD_KINDS.join(' or ')}` });
  if (!(SCORE_READOUTS as readonly string[]).includes(cfg.readout)) out.push({ field: 'readout', message: `must be ${SCORE_READOUTS.join(' or ')}` });
  return out;
}

/**
 * Splits records into training and held-out sets by prompt (all pairs about one prompt go to the
 * same side), about `share` held out; the same records and seed give the same split.
 */
export function splitHeldOut(records: readonly PreferenceRecord[], share: number, seed: number): { train: PreferenceRecord[]; heldOut: PreferenceRecord[] } {
  const train: PreferenceRecord[] = [];
  const heldOut: PreferenceRecord[] = [];
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
