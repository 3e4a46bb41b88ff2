// A reward-model run: the trunk starts as a copy of the SFT policy (vision frozen), the scalar
// head reads the last token or the sum over the answer (config.scoreReadout), and the loss of loss.ts is minimised over minibatches of pairs
// (fresh pixel noise and facts order each time a pair is seen); accuracy on held-out pairs.

import * as tf from '@tensorflow/tfjs-core';
import { Rng, subSeed } from '../world/rng';
import { disposeBatch } from '../model/batch';
import { sequenceScores } from '../model/logprobs';
import type { VlmModel } from '../model/model';
import type { ScoreReadout } from '../model/config';
import { Trainer, type StepResult } from '../train/trainer';
import type { PreferenceRecord } from '../prefs/record';
import { labelCounts } from '../prefs/label';
import { preferenceLoss } from './loss';
import { REWARD_LOSS_DEFAULTS, REWARD_RUN_DEFAULTS, rewardRunSteps, usablePairs, type PairKind, type RewardLossConfig, type RewardRunConfig } from './config';
import { packScoreItems, scoreItems, shuffledFacts, type ScoreItem } from './inputs';
import { nextStep, type JobHooks } from '../train/job';

/** A pair as the loss sees it: decided pairs turned so that A is the chosen answer. */
export interface OrientedPair {
  kind: PairKind;
  a: ScoreItem;
  b: ScoreItem;
}

/** Orients a record for the loss. */
export function orient(r: PreferenceRecord): OrientedPair {
  const item = (response: string): ScoreItem => ({ scene: r.scene, image: r.image, question: r.question, response });
  const [a, b] = r.label === 'B' ? [r.responseB, r.responseA] : [r.responseA, r.responseB];
  return { kind: r.label === 'A' || r.label === 'B' ? 'decided' : r.label, a: item(a), b: item(b) };
}

/** How a reward model does on a set of pairs. */
export interface RewardEval {
  pairs: number;
  decided: number;
  ties: number;
  bothBad: number;
  /** Share of decided pairs whose chosen answer scores higher (equal scores count half); null with none. */
  accuracy: number | null;
  /** Mean |s_a − s_b| over ties (smaller: the model agrees they are alike). */
  tieGap: number | null;
  /** Share of both-bad answers scored below the margin. */
  bothBadBelow: number | null;
  /** The training loss on these pairs. */
  loss: number;
  /** Mean score of chosen and of rejected answers over decided pairs. */
  meanChosen: number | null;
  meanRejected: number | null;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);

/** Scores every pair and returns the evaluation; the model is only read. */
export async function evaluateRewardModel(rm: VlmModel, records: readonly PreferenceRecord[], fact: boolean, loss: RewardLossConfig = REWARD_LOSS_DEFAULTS): Promise<RewardEval> {
  const pairs = records.map(orient);
  const scores = await scoreItems(rm, pairs.flatMap((p) => [p.a, p.b]), fact);
  const sa = pairs.map((_, i) => scores[2 * i] as number);
  const sb = pairs.map((_, i) => scores[2 * i + 1] as number);
  const idx = (k: PairKind) => pairs.flatMap((p, i) => (p.kind === k ? [i] : []));
  const dec = idx('decided');
  const ties = idx('tie');
  const bad = idx('both-bad');
  let lossValue = NaN;
  if (pairs.length) {
    const t = tf.tidy(() => preferenceLoss(tf.tensor1d(sa), tf.tensor1d(sb), pairs.map((p) => p.kind), loss));
    lossValue = (await t.data())[0] as number;
    t.dispose();
  }
  const m = loss.bothBadMargin;
  return {
    pairs: pairs.length,
    decided: dec.length,
    ties: ties.length,
    bothBad: bad.length,
    accuracy: mean(dec.map((i) => ((sa[i] as number) > (sb[i] as number) ? 1 : sa[i] === sb[i] ? 0.5 : 0))),
    tieGap: mean(ties.map((i) => Math.abs((sa[i] as number) - (sb[i] as number)))),
    bothBadBelow: mean(bad.flatMap((i) => [(sa[i] as number) < m ? 1 : 0, (sb[i] as number) < m ? 1 : 0])),
    loss: lossValue,
    meanChosen: mean(dec.map((i) => sa[i] as number)),
    meanRejected: mean(dec.map((i) => sb[i] as number)),
  };
}

/**
 * Returns a reward model to train: a copy of the policy with the vision encoder frozen, reading its
 * score at the last token (the paper's) or summed over the response (the policy is unchanged).
 */
export function createRewardModel(policy: VlmModel, readout: ScoreReadout = 'last'): VlmModel {
  const rm = policy.clone({ scoreReadout: readout });
  rm.vision.setFrozen(true);
  return rm;
}

/** The variables a run trains: the trunk and heads, or the score head alone. */
export function rewardVariables(rm: VlmModel, trainTrunk: boolean): tf.Variable[] {
  if (trainTrunk) return rm.trainableVariables();
  return [rm.params.get<tf.Variable>('head/score/w'), rm.params.get<tf.Variable>('head/score/b')];
}

export interface RewardPoint {
  step: number;
  loss: number;
  lr: number;
  gradNorm: number;
  heldOut?: RewardEval;
}

export interface RewardRunResult {
  steps: number;
  /** Label counts of the training and held-out pairs. */
  counts: { train: ReturnType<typeof labelCounts>; heldOut: ReturnType<typeof labelCounts> };
  /** At the end: on the training pairs (to see over-fitting) and on the held-out pairs. */
  train: RewardEval;
  heldOut: RewardEval;
}

/** A run's hooks: its control (stop keeps what the model has learnt), progress in steps, and its points. */
export type RewardHooks = JobHooks<RewardPoint>;

/** How a pair is seen in one step: its facts order and pixel-noise seed. */
export interface PairView {
  facts: string[];
  noiseSeed: number;
}

/**
 * One update on a minibatch of pairs: pack both answers of every pair (rows a0…a(n−1), then
 * b0…b(n−1)), score them (at the model's readout), take the loss, step the trainer. Changes the
 * trainer's variables; returns the loss before the update. Without views, each pair is seen as
 * recorded (its own noise seed, the fixed facts order).
 */
export async function rewardStep(rm: VlmModel, trainer: Trainer, pairs: readonly OrientedPair[], cfg: Pick<RewardRunConfig, 'fact' | 'loss'>, views?: readonly PairView[]): Promise<StepResult> {
  const n = pairs.length;
  const items = [...pairs.map((p) => p.a), ...pairs.map((p) => p.b)];
  const both = views ? [...views, ...views] : undefined;
  const batch = packScoreItems(rm, items, cfg.fact, both?.map((v) => v.facts), both?.map((v) => v.noiseSeed));
  const kinds = pairs.map((p) => p.kind);
  try {
    return await trainer.step(() => {
      const scores = sequenceScores(rm, batch, true); // [2n]
      return preferenceLoss(scores.slice([0], [n]), scores.slice([n], [n]), kinds, cfg.loss);
    });
  } finally {
    disposeBatch(batch);
  }
}

/** Trains `rm` in place on the training pairs; returns its evaluation on both sets. */
export async function trainRewardModel(
  rm: VlmModel, train: readonly PreferenceRecord[], heldOut: readonly PreferenceRecord[], config: Partial<RewardRunConfig> = {}, hooks: RewardHooks = {},
): Promise<RewardRunResult> {
  const cfg = { ...REWARD_RUN_DEFAULTS, ...config, loss: { ...REWARD_LOSS_DEFAULTS, ...config.loss } };
  const usable = usablePairs(train, cfg.loss).map(orient);
  if (usable.length === 0) throw new Error('trainRewardModel: no training pairs the loss can use (every pair is a tie or both-bad and their weights are 0)');
  const steps = rewardRunSteps(cfg, usable.length);
  const trainer = new Trainer(rewardVariables(rm, cfg.trainTrunk), { totalSteps: steps, warmupSteps: Math.min(50, Math.ceil(steps / 10)), ...cfg.optim }, { onApplied: () => rm.bumpGeneration() });
  const rng = new Rng(subSeed(cfg.seed, 0x12e3));
  let order: number[] = [];
  const nextPairs = (): OrientedPair[] => {
    const out: OrientedPair[] = [];
    while (out.length < Math.min(cfg.batchPairs, usable.length)) {
      if (order.length === 0) order = rng.shuffle([...usable.keys()]);
      out.push(usable[order.pop() as number] as OrientedPair);
    }
    return out;
  };
  const phase = cfg.fact ? 'training the Fact-RM' : 'training the reward model';
  hooks.onProgress?.({ phase, done: 0, total: steps });
  try {
    for (let s = 0; s < steps; s++) {
      if (!(await nextStep(hooks.control))) break;
      const pairs = nextPairs();
      // Both answers of a pair share one view: the same pixel noise and the same facts order.
      const views = cfg.augment ? pairs.map((p) => ({ facts: shuffledFacts(p.a.scene, rng), noiseSeed: rng.int(2 ** 31) })) : undefined;
      const r = await rewardStep(rm, trainer, pairs, cfg, views);
      const point: RewardPoint = { step: r.step, loss: r.loss, lr: r.lr, gradNorm: r.gradNorm };
      if (cfg.evalEvery > 0 && r.step % cfg.evalEvery === 0 && r.step < steps && heldOut.length) point.heldOut = await evaluateRewardModel(rm, heldOut, cfg.fact, cfg.loss);
      hooks.onPoint?.(point);
      hooks.onProgress?.({ phase, done: r.step, total: steps });
    }
  } finally {
    trainer.dispose();
  }
  return {
    steps: trainer.stepCount,
    counts: { train: labelCounts(train), heldOut: labelCounts(heldOut) },
    train: await evaluateRewardModel(rm, train, cfg.fact, cfg.loss),
    heldOut: await evaluateRewardModel(rm, heldOut, cfg.fact, cfg.loss),
  };
}
