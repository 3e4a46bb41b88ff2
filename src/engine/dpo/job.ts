// The DPO job, written once for the page and the command line: check the config, split the labels
// by prompt (as the reward model's job does), read the frozen reference's log-probs of every answer
// once, then train a copy of the reference on the DPO loss over minibatches of pairs; the gold
// figures (the probes PPO measures) and the KL from the reference at the start, every goldEvery
// steps and at the end. No reward model and no sampling in the training itself. Dense DPO (dense.ts)
// runs the same loop on marks' corrected pairs, each answer's log-prob a weighted per-token average.

import * as tf from '@tensorflow/tfjs-core';
import { Rng, subSeed } from '../world/rng';
import type { Perception } from '../world/render';
import { sceneImage } from '../data/encode';
import { drawPrompts } from '../data/prompts';
import type { VlmModel } from '../model/model';
import type { PreferenceRecord } from '../prefs/record';
import type { MarkRecord } from '../prefs/mark';
import { orient } from '../reward/train-run';
import { usablePairs } from '../reward/config';
import { probePerception } from '../reward/probes';
import { goldProbes, measureGold, type GoldFigures } from '../ppo/gold';
import { Trainer, type StepResult } from '../train/trainer';
import { nextStep, type JobHooks } from '../train/job';
import { checkDenseDpoConfig, checkDpoConfig, DENSE_DPO_DEFAULTS, DPO_DEFAULTS, dpoConfigOfDense, planDpoJob, type DenseDpoConfig, type DpoConfig } from './config';
import { planDenseDpoJob, type DenseMarkPair } from './dense';
import { dpoLoss, dpoStats, type DpoStats } from './loss';
import { packPairs, pairLogps, pairWeights, sampledKl, sequenceLogps, type DpoPair } from './logps';
import { disposeBatch } from '../model/batch';

/** How the policy does on a set of pairs: the loss and, over decided pairs, TRL's statistics. */
export interface DpoEval {
  pairs: number;
  decided: number;
  loss: number;
  /** Null with no decided pair. */
  stats: DpoStats | null;
}

/** What the policy is like now: the gold figures and its KL from the reference (nats per answer). */
export interface DpoGold {
  gold: GoldFigures;
  kl?: number;
}

export interface DpoPoint {
  /** Steps applied so far (0: before training). */
  step: number;
  loss?: number;
  lr?: number;
  gradNorm?: number;
  /** The minibatch's statistics (TRL's DPO names), before the update. */
  metrics?: Partial<DpoStats>;
  heldOut?: DpoEval;
  gold?: DpoGold;
  /** The step was skipped: this quantity was NaN or infinite. */
  nonFinite?: string;
}

export interface DpoJobResult {
  /** The tuned policy; the caller owns it (dispose it). */
  policy: VlmModel;
  steps: number;
  /** The planned length; fewer steps were taken when it was stopped. */
  total: number;
  stopped: boolean;
  trainPairs: number;
  heldOutPairs: number;
  /** Training pairs the loss used. */
  usable: number;
  heldOut: DpoEval;
  start: DpoGold;
  end: DpoGold;
  seconds: number;
}

/** The perception the job renders probes with: the one its pairs were rendered with (or the default). */
export const dpoPerception = (records: readonly PreferenceRecord[]): Perception => probePerception(records);

function asPairs(records: readonly PreferenceRecord[]): DpoPair[] {
  return records.map((r) => ({ ...orient(r), image: sceneImage(r.scene, r.image.perception, r.image.noiseSeed) }));
}

async function evaluate(policy: VlmModel, pairs: readonly DpoPair[], ref: { a: Float32Array; b: Float32Array }, cfg: DpoConfig): Promise<DpoEval> {
  const kinds = pairs.map((p) => p.kind);
  if (pairs.length === 0) return { pairs: 0, decided: 0, loss: NaN, stats: null };
  const pol = await pairLogps(policy, pairs);
  const t = tf.tidy(() => dpoLoss(tf.tensor1d(pol.a), tf.tensor1d(pol.b), tf.tensor1d(ref.a), tf.tensor1d(ref.b), kinds, cfg));
  const loss = (await t.data())[0] as number;
  t.dispose();
  return { pairs: pairs.length, decided: kinds.filter((k) => k === 'decided').length, loss, stats: dpoStats(pol.a, pol.b, ref.a, ref.b, kinds, cfg.beta) };
}

/** Options of a DPO job: the probes' perception (default: the one the pairs were rendered with) and the run's name in the tuned policy's version (VlmModel.startRun). */
export interface DpoJobOptions {
  perception?: Perception;
  runName?: string;
}

/** What the shared loop trains on: the pairs, their split's sizes in records, its length and the name of its phase. */
interface PairsRun {
  train: DpoPair[];
  heldOut: DpoPair[];
  trainPairs: number;
  heldOutPairs: number;
  steps: number;
  perception: Perception;
  phase: string;
}

/**
 * Tunes a copy of `reference` (the SFT policy, only read: it stays the frozen reference) on the
 * records with DPO; returns the policy with its figures. Throws naming the field on a bad config,
 * and when no pair can be learnt from. Stopped through hooks.control, it returns what it has.
 * Probes are rendered with `perception` (default: the one the pairs were rendered with).
 */
export async function runDpoJob(reference: VlmModel, records: readonly PreferenceRecord[], config: Partial<DpoConfig> = {}, hooks: JobHooks<DpoPoint> = {}, opts: DpoJobOptions = {}): Promise<DpoJobResult> {
  const cfg: DpoConfig = { ...DPO_DEFAULTS, ...config };
  const problems = checkDpoConfig(cfg);
  if (problems.length) throw new Error(`dpo: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`);
  const plan = planDpoJob(records, cfg);
  if (plan.steps === 0) throw new Error('dpo: no training pair the loss can use (label some pairs A or B, or give ties and both-bad pairs a weight)');
  const run: PairsRun = {
    train: asPairs(usablePairs(plan.train, cfg)), heldOut: asPairs(plan.heldOut), trainPairs: plan.train.length, heldOutPairs: plan.heldOut.length,
    steps: plan.steps, perception: opts.perception ?? dpoPerception(records), phase: 'DPO',
  };
  return trainPairs(reference, run, cfg, hooks, opts.runName);
}

function asDensePairs(pairs: readonly DenseMarkPair[]): DpoPair[] {
  return pairs.map((p) => {
    const item = (response: string) => ({ scene: p.mark.scene, image: p.mark.image, question: p.mark.question, response });
    return { kind: 'decided', a: item(p.chosen), b: item(p.rejected), image: sceneImage(p.mark.scene, p.mark.image.perception, p.mark.image.noiseSeed), weights: { a: p.chosenWeights, b: p.rejectedWeights } };
  });
}

/**
 * Dense DPO (dense.ts): tunes a copy of `reference` on the marks' corrected pairs, each answer's
 * log-prob the average over its tokens with the changed ones weighted ddpoWeight, under the policy
 * and the reference alike; the rest as runDpoJob (its split by prompt, figures and result; the
 * held-out accuracy over held-out corrected pairs). Throws naming the field on a bad config, and
 * when no mark gives a pair (none has a false sentence with a correction).
 */
export async function runDenseDpoJob(reference: VlmModel, marks: readonly MarkRecord[], config: Partial<DenseDpoConfig> = {}, hooks: JobHooks<DpoPoint> = {}, opts: DpoJobOptions = {}): Promise<DpoJobResult> {
  const cfg: DenseDpoConfig = { ...DENSE_DPO_DEFAULTS, ...config };
  const problems = checkDenseDpoConfig(cfg);
  if (problems.length) throw new Error(`dense dpo: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`);
  const plan = planDenseDpoJob(marks, cfg);
  if (plan.steps === 0) {
    const why = plan.train.length + plan.heldOut.length > 0 ? 'every corrected pair is held out (lower heldOutShare)' : `none of the ${marks.length} marks has a sentence marked false with a correction (${plan.unmarked} with none marked false, ${plan.uncorrected} marked but not corrected)`;
    throw new Error(`dense dpo: no corrected pair to train on: ${why}`);
  }
  const run: PairsRun = {
    train: asDensePairs(plan.train), heldOut: asDensePairs(plan.heldOut), trainPairs: plan.train.length, heldOutPairs: plan.heldOut.length,
    steps: plan.steps, perception: opts.perception ?? probePerception(marks), phase: 'dense DPO',
  };
  return trainPairs(reference, run, dpoConfigOfDense(cfg), hooks, opts.runName);
}

/** The loop both jobs share: the reference's log-probs once, then the DPO loss over minibatches of pairs, the gold figures and KL as configured. */
async function trainPairs(reference: VlmModel, run: PairsRun, cfg: DpoConfig, hooks: JobHooks<DpoPoint>, runName: string | undefined): Promise<DpoJobResult> {
  const { train, heldOut, perception } = run;
  const started = performance.now();
  const total = run.steps;
  hooks.onProgress?.({ phase: 'reading the reference', done: 0, total });
  const refTrain = await pairLogps(reference, train);
  const refHeld = await pairLogps(reference, heldOut);

  const policy = reference.clone();
  if (runName) policy.startRun(runName);
  const trainer = new Trainer(policy.trainableVariables(), {
    lr: cfg.lr, totalSteps: total, warmupSteps: Math.min(50, Math.ceil(total / 10)), decay: 'cosine', minLrRatio: 0.1, clipNorm: cfg.maxGradNorm,
  }, { onApplied: () => policy.bumpGeneration() });
  const probes = goldProbes(cfg.goldProbeSize);
  const klPrompts = drawPrompts(cfg.klPrompts, subSeed(cfg.seed, 0xd90));
  const measure = async (): Promise<DpoGold> => {
    const gold = await measureGold(policy, probes, perception, 48);
    if (klPrompts.length === 0) return { gold };
    return { gold, kl: await sampledKl(policy, reference, klPrompts, { responseLength: 48, temperature: 1, seed: subSeed(cfg.seed, 0x6c), perception }) };
  };
  try {
    hooks.onProgress?.({ phase: 'measuring the gold figures', done: 0, total });
    const start = await measure();
    hooks.onPoint?.({ step: 0, gold: start });
    let end = start;
    let measuredAt = 0;

    const rng = new Rng(subSeed(cfg.seed, 0xd70));
    let order: number[] = [];
    const nextBatch = (): number[] => {
      const out: number[] = [];
      while (out.length < Math.min(cfg.batchPairs, train.length)) {
        if (order.length === 0) order = rng.shuffle([...train.keys()]);
        out.push(order.pop() as number);
      }
      return out;
    };
    for (let s = 0; s < total; s++) {
      if (!(await nextStep(hooks.control))) break;
      const idx = nextBatch();
      const pairs = idx.map((i) => train[i] as DpoPair);
      const kinds = pairs.map((p) => p.kind);
      const ra = Float32Array.from(idx, (i) => refTrain.a[i] as number);
      const rb = Float32Array.from(idx, (i) => refTrain.b[i] as number);
      const batch = packPairs(policy, pairs);
      const n = pairs.length;
      // The policy's log-probs before the update, kept past the gradient tape for the statistics.
      let seen: tf.Tensor1D | undefined;
      let r: StepResult;
      try {
        r = await trainer.step(() => {
          const lp = sequenceLogps(policy, batch, true, pairWeights(pairs, batch)); // [2n]: the a rows, then the b rows
          seen = tf.keep(lp.clone());
          return dpoLoss(lp.slice([0], [n]), lp.slice([n], [n]), tf.tensor1d(ra), tf.tensor1d(rb), kinds, cfg);
        }, { guard: true });
      } finally {
        disposeBatch(batch);
      }
      let pol: { a: Float32Array; b: Float32Array } | undefined;
      if (seen) {
        const v = (await (seen as tf.Tensor1D).data()) as Float32Array;
        (seen as tf.Tensor1D).dispose();
        pol = { a: v.slice(0, n), b: v.slice(n) };
      }
      const point: DpoPoint = { step: r.step, loss: r.loss, lr: r.lr, gradNorm: r.gradNorm };
      if (pol) {
        const st = dpoStats(pol.a, pol.b, ra, rb, kinds, cfg.beta);
        if (st) point.metrics = st;
      }
      if (!r.applied) point.nonFinite = r.nonFinite as string;
      else {
        if (cfg.evalEvery > 0 && r.step % cfg.evalEvery === 0 && r.step < total && heldOut.length) point.heldOut = await evaluate(policy, heldOut, refHeld, cfg);
        if (cfg.goldEvery > 0 && r.step % cfg.goldEvery === 0) {
          point.gold = end = await measure();
          measuredAt = r.step;
        }
      }
      hooks.onPoint?.(point);
      hooks.onProgress?.({ phase: run.phase, done: trainer.stepCount, total });
    }
    const steps = trainer.stepCount;
    if (measuredAt !== steps) {
      hooks.onProgress?.({ phase: 'measuring the gold figures', done: steps, total });
      end = await measure();
      hooks.onPoint?.({ step: steps, gold: end });
    }
    return {
      policy, steps, total, stopped: steps < total,
      trainPairs: run.trainPairs, heldOutPairs: run.heldOutPairs, usable: train.length,
      heldOut: await evaluate(policy, heldOut, refHeld, cfg), start, end,
      seconds: (performance.now() - started) / 1000,
    };
  } catch (e) {
    policy.dispose();
    throw e;
  } finally {
    trainer.dispose();
  }
}
