// The sentence reward model's job, written once for every face: check the config, split the marks
// by prompt, copy the policy into a reward model, train it sentence by sentence, evaluate it on
// both sets and run the probe "one false sentence among true ones": the probe scenes' long
// correct answer and the same answer with one true detail swapped for a hallucinated object.

import type { VlmModel } from '../model/model';
import { answerSentences, type MarkRecord } from '../prefs/mark';
import type { JobHooks } from '../train/job';
import { checkRewardJob, rewardRunOf, rewardRunSteps, splitHeldOut, type RewardJobConfig } from './config';
import { scoreItems, type ScoreItem } from './inputs';
import { probeItems, probePerception, type ProbeItem } from './probes';
import { createRewardModel } from './train-run';
import { scoreSentences, sentenceEnds, sentenceItems, trainSentenceModel, type SentencePoint, type SentenceRunResult } from './dense';

/** What the probe finds over its scenes; shares are null with no scene. */
export interface OneFalseProbe {
  items: number;
  /** Share of scenes where the swapped sentence scores below 0. */
  falseBelowZero: number | null;
  /** Share of the true answer's sentences scored above 0. */
  trueAboveZero: number | null;
  /** Mean score at the swapped sentence: in the true answer, and made false. */
  meanAtTrue: number | null;
  meanAtFalse: number | null;
  /** With a pairwise reward model: the share of scenes where its whole-answer score is higher for the true answer. */
  pairwiseTrueHigher?: number | null;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);

/** The probe items whose long answers differ in exactly one sentence, with that sentence's index. */
function oneFalsePairs(items: readonly ProbeItem[]): { item: ProbeItem; at: number }[] {
  return items.flatMap((item) => {
    const t = answerSentences(item.variants.longCorrect);
    const f = answerSentences(item.variants.longHallucinated);
    const diff = t.flatMap((s, i) => (s !== f[i] ? [i] : []));
    return t.length === f.length && diff.length === 1 ? [{ item, at: diff[0] as number }] : [];
  });
}

/**
 * Scores the probe with the sentence model `rm` and, when given, the pairwise reward model
 * `pairwise` (its own fact setting); both are only read.
 */
export async function oneFalseProbe(rm: VlmModel, items: readonly ProbeItem[], fact: boolean, pairwise?: { rm: VlmModel; fact: boolean }): Promise<OneFalseProbe> {
  const pairs = oneFalsePairs(items);
  const asItem = (p: ProbeItem, response: string): ScoreItem => ({ scene: p.scene, image: p.image, question: p.question, response });
  const rows = pairs.flatMap(({ item }) => [item.variants.longCorrect, item.variants.longHallucinated].map((r) => ({ item: asItem(item, r), ends: sentenceEnds(r) })));
  const scores = await scoreSentences(rm, rows, fact);
  const atTrue = pairs.map((p, i) => scores[2 * i]?.[p.at] as number);
  const atFalse = pairs.map((p, i) => scores[2 * i + 1]?.[p.at] as number);
  const trueAll = pairs.flatMap((_, i) => scores[2 * i] as number[]);
  const out: OneFalseProbe = {
    items: pairs.length,
    falseBelowZero: mean(atFalse.map((s) => (s < 0 ? 1 : 0))),
    trueAboveZero: mean(trueAll.map((s) => (s > 0 ? 1 : 0))),
    meanAtTrue: mean(atTrue),
    meanAtFalse: mean(atFalse),
  };
  if (pairwise) {
    const whole = await scoreItems(pairwise.rm, rows.map((r) => r.item), pairwise.fact);
    out.pairwiseTrueHigher = mean(pairs.map((_, i) => ((whole[2 * i] as number) > (whole[2 * i + 1] as number) ? 1 : 0)));
  }
  return out;
}

export interface SentenceJobResult {
  /** The trained model; the caller owns it (dispose it). */
  rm: VlmModel;
  /** The run's planned length in steps; fewer were taken when it was stopped. */
  total: number;
  stopped: boolean;
  /** Marked answers with a sentence on each side of the split. */
  trainAnswers: number;
  heldOutAnswers: number;
  run: SentenceRunResult;
  probe: OneFalseProbe;
  seconds: number;
}

/** What a sentence job will do with these marks: its split and its steps (0 when nothing can be learnt). */
export function planSentenceJob(marks: readonly MarkRecord[], cfg: Pick<RewardJobConfig, 'heldOutShare' | 'seed' | 'epochs' | 'minSteps' | 'batchPairs'>) {
  const { train, heldOut } = splitHeldOut(marks, cfg.heldOutShare, cfg.seed);
  const trainItems = sentenceItems(train);
  return { train, heldOut, trainItems, heldOutItems: sentenceItems(heldOut), steps: trainItems.length ? rewardRunSteps(cfg, trainItems.length) : 0 };
}

/**
 * Trains a sentence reward model (cfg.kind: plain or fact; cfg.readout is not read: the score is
 * read at every sentence end) from the policy (only read) on the marks; returns it with its
 * figures. `pairwise`, when given, is compared on the probe. Throws on a bad config and when no
 * marked answer has a sentence.
 */
export async function runSentenceJob(
  policy: VlmModel, marks: readonly MarkRecord[], cfg: RewardJobConfig, hooks: JobHooks<SentencePoint> = {}, pairwise?: { rm: VlmModel; fact: boolean },
): Promise<SentenceJobResult> {
  const problems = checkRewardJob(cfg);
  if (problems.length) throw new Error(`sentence reward model: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`);
  const plan = planSentenceJob(marks, cfg);
  if (plan.steps === 0) throw new Error('sentence reward model: no marked answer with a sentence to train on');
  const started = performance.now();
  hooks.onProgress?.({ phase: 'preparing the sentence reward model', done: 0, total: plan.steps });
  const rm = createRewardModel(policy);
  try {
    const run = await trainSentenceModel(rm, plan.trainItems, plan.heldOutItems, rewardRunOf(cfg), hooks);
    hooks.onProgress?.({ phase: 'scoring the probe', done: run.steps, total: plan.steps });
    const probe = await oneFalseProbe(rm, probeItems(cfg.probeItems, 0, probePerception(plan.train)), cfg.kind === 'fact', pairwise);
    return {
      rm, total: plan.steps, stopped: run.steps < plan.steps, trainAnswers: plan.trainItems.length, heldOutAnswers: plan.heldOutItems.length, run, probe,
      seconds: (performance.now() - started) / 1000,
    };
  } catch (e) {
    rm.dispose();
    throw e;
  }
}
