// The sentence reward model (Fine-Grained RLHF, Wu et al. 2023): the pairwise reward model's
// network, its score head read at the end token of every sentence of the answer rather than once
// per answer, trained on marks with a per-sentence sigmoid cross-entropy (score > 0: the sentence
// is true). Inputs, splits and the trainer are the pairwise model's (inputs.ts, train-run.ts).
//
//   answer:   there is a red circle .  the square is blue .  <eos>
//   index:      0   1  2  3    4    5   6    7     8   9   10   11
//   ends:                           5                     10

import * as tf from '@tensorflow/tfjs-core';
import { Rng, subSeed } from '../world/rng';
import { encode } from '../language/vocab';
import { answerSentences, type MarkRecord } from '../prefs/mark';
import { imageTokenCount } from '../model/config';
import { decoderForward, scoreHead } from '../model/decoder';
import { disposeBatch, type PackedBatch } from '../model/batch';
import type { VlmModel } from '../model/model';
import { Trainer, type StepResult } from '../train/trainer';
import { nextStep, type JobHooks } from '../train/job';
import { REWARD_RUN_DEFAULTS, rewardRunSteps, type RewardRunConfig } from './config';
import { packScoreItems, shuffledFacts, type ScoreItem } from './inputs';
import { rewardVariables } from './train-run';

/** What a checkpoint's metadata says of a sentence reward model, so later code can tell it from a pairwise one. */
export const SENTENCE_READOUT = 'sentence';

/** True when a checkpoint's metadata says it holds a sentence reward model (train-rm --dense), whose one score per answer means nothing. */
export function isSentenceRewardModel(metadata: Record<string, unknown>): boolean {
  const rm = metadata.rewardModel as { kind?: unknown } | undefined;
  return rm?.kind === 'dense';
}

/**
 * Returns the index, among the answer's response ids (responseIds: its words, then <eos>), of the
 * last token of each of its sentences as the judge's parser splits them. Throws when the
 * sentences do not tile the answer's words.
 */
export function sentenceEnds(answer: string, sentences: readonly string[] = answerSentences(answer)): number[] {
  const ends: number[] = [];
  let at = 0;
  for (const s of sentences) {
    const n = encode(s).length;
    if (n === 0) throw new Error(`sentenceEnds: empty sentence in ${JSON.stringify(answer)}`);
    at += n;
    ends.push(at - 1);
  }
  if (at !== encode(answer).length) throw new Error(`sentenceEnds: the sentences [${sentences.join(' | ')}] do not make up the answer ${JSON.stringify(answer)}`);
  return ends;
}

/**
 * The per-sentence loss: mean over sentences of the sigmoid cross-entropy of the score s with the
 * truth y (1 true, 0 false),  −y log σ(s) − (1 − y) log σ(−s)  =  softplus(−s) for a true
 * sentence, softplus(s) for a false one. Returns a scalar; differentiable (call in a tidy or a
 * Trainer loss).
 */
export function sentenceLoss(scores: tf.Tensor1D, truth: readonly boolean[]): tf.Scalar {
  return tf.tidy(() => {
    const sign = tf.tensor1d(truth.map((t) => (t ? -1 : 1)), 'float32'); // [N]
    return tf.mean(tf.softplus(tf.mul(sign, scores))) as tf.Scalar;
  });
}

/**
 * Differentiable score at each sentence end: [N], rows in batch order and each row's sentences
 * in order; `ends[b]` are row b's ends as sentenceEnds gives them. The response token r's hidden
 * state is at column Lp + 9 + r: it has read the sentence and everything before it.
 */
export function sentenceScoresOf(model: VlmModel, batch: PackedBatch, ends: readonly (readonly number[])[], training = false): tf.Tensor1D {
  const { batchSize: b, promptLen: lp, responseLen: r } = batch;
  const { hidden } = decoderForward(model, batch, training); // [B, S, D]
  const h = hidden.slice([0, imageTokenCount(model.config) + lp, 0], [b, r, model.config.dModel]); // [B, R, D]
  const perToken = scoreHead(model, h).reshape([b * r, 1]); // [B·R, 1]
  // A one-hot selection rather than tf.gather, whose gradient the WASM backend lacks.
  const flat = ends.flatMap((row, i) => row.map((e) => i * r + e));
  const pick = tf.oneHot(tf.tensor1d(flat, 'int32'), b * r).toFloat(); // [N, B·R]
  return tf.matMul(pick, perToken).reshape([flat.length]) as tf.Tensor1D; // [N]
}

/** A marked answer as the sentence model sees it: the item to score, its sentence ends and their truth. */
export interface SentenceItem {
  item: ScoreItem;
  ends: number[];
  truth: boolean[];
}

/** The sentence items of marks with at least one sentence (an empty answer has nothing to score). */
export function sentenceItems(marks: readonly MarkRecord[]): SentenceItem[] {
  return marks
    .filter((m) => m.sentences.length > 0)
    .map((m) => ({
      item: { scene: m.scene, image: m.image, question: m.question, response: m.answer },
      ends: sentenceEnds(m.answer, m.sentences.map((s) => s.text)),
      truth: m.sentences.map((s) => !s.false),
    }));
}

/** Reads the score at every sentence end of each item, in batches; returns one array per item. */
export async function scoreSentences(rm: VlmModel, items: readonly Pick<SentenceItem, 'item' | 'ends'>[], fact: boolean, batchSize = 64): Promise<number[][]> {
  const out: number[][] = [];
  for (let start = 0; start < items.length; start += batchSize) {
    const chunk = items.slice(start, start + batchSize);
    const batch = packScoreItems(rm, chunk.map((x) => x.item), fact);
    try {
      const t = tf.tidy(() => sentenceScoresOf(rm, batch, chunk.map((x) => x.ends)));
      const flat = Array.from(await t.data());
      t.dispose();
      let k = 0;
      for (const x of chunk) {
        out.push(flat.slice(k, k + x.ends.length));
        k += x.ends.length;
      }
    } finally {
      disposeBatch(batch);
    }
  }
  return out;
}

/** How a sentence model does on a set of marked answers. */
export interface SentenceEval {
  answers: number;
  sentences: number;
  falseSentences: number;
  /** Share of sentences whose score's sign agrees with the mark (> 0 true); null with none. */
  accuracy: number | null;
  /** The same share for a model that calls every sentence true: the base rate to beat. */
  alwaysTrue: number | null;
  /** Share of the false sentences scored below 0; null with none. */
  falseCaught: number | null;
  /** Share of the true sentences scored above 0; null with none. */
  trueKept: number | null;
  loss: number;
}

const share = (xs: boolean[]) => (xs.length ? xs.filter(Boolean).length / xs.length : null);

/** Scores every sentence and returns the evaluation; the model is only read. */
export async function evaluateSentenceModel(rm: VlmModel, items: readonly SentenceItem[], fact: boolean): Promise<SentenceEval> {
  const scores = (await scoreSentences(rm, items, fact)).flat();
  const truth = items.flatMap((x) => x.truth);
  let loss = NaN;
  if (scores.length) {
    const t = tf.tidy(() => sentenceLoss(tf.tensor1d(scores), truth));
    loss = (await t.data())[0] as number;
    t.dispose();
  }
  return {
    answers: items.length,
    sentences: truth.length,
    falseSentences: truth.filter((t) => !t).length,
    accuracy: share(scores.map((s, i) => s > 0 === truth[i])),
    alwaysTrue: share(truth),
    falseCaught: share(scores.flatMap((s, i) => (truth[i] ? [] : [s < 0]))),
    trueKept: share(scores.flatMap((s, i) => (truth[i] ? [s > 0] : []))),
    loss,
  };
}

/**
 * One update on a minibatch of marked answers: pack them (with the views' facts order and pixel
 * noise when given), score every sentence end, take the per-sentence loss, step the trainer.
 * Changes the trainer's variables; returns the loss before the update.
 */
export async function sentenceStep(rm: VlmModel, trainer: Trainer, items: readonly SentenceItem[], fact: boolean, views?: readonly { facts: string[]; noiseSeed: number }[]): Promise<StepResult> {
  const batch = packScoreItems(rm, items.map((x) => x.item), fact, views?.map((v) => v.facts), views?.map((v) => v.noiseSeed));
  try {
    return await trainer.step(() => sentenceLoss(sentenceScoresOf(rm, batch, items.map((x) => x.ends), true), items.flatMap((x) => x.truth)));
  } finally {
    disposeBatch(batch);
  }
}

export interface SentencePoint {
  step: number;
  loss: number;
  lr: number;
  gradNorm: number;
  heldOut?: SentenceEval;
}

export interface SentenceRunResult {
  steps: number;
  train: SentenceEval;
  heldOut: SentenceEval;
}

/**
 * Trains `rm` (a reward model from createRewardModel) in place on the training items, batchPairs
 * answers a step, for the run's epochs; returns its evaluation on both sets.
 */
export async function trainSentenceModel(
  rm: VlmModel, train: readonly SentenceItem[], heldOut: readonly SentenceItem[], config: Partial<RewardRunConfig> = {}, hooks: JobHooks<SentencePoint> = {},
): Promise<SentenceRunResult> {
  const cfg = { ...REWARD_RUN_DEFAULTS, ...config, optim: { ...REWARD_RUN_DEFAULTS.optim, ...config.optim } };
  if (train.length === 0) throw new Error('trainSentenceModel: no marked answer with a sentence to train on');
  const steps = rewardRunSteps(cfg, train.length);
  const trainer = new Trainer(rewardVariables(rm, cfg.trainTrunk), { totalSteps: steps, warmupSteps: Math.min(50, Math.ceil(steps / 10)), ...cfg.optim }, { onApplied: () => rm.bumpGeneration() });
  const rng = new Rng(subSeed(cfg.seed, 0x5e47));
  let order: number[] = [];
  const nextItems = (): SentenceItem[] => {
    const out: SentenceItem[] = [];
    while (out.length < Math.min(cfg.batchPairs, train.length)) {
      if (order.length === 0) order = rng.shuffle([...train.keys()]);
      out.push(train[order.pop() as number] as SentenceItem);
    }
    return out;
  };
  const phase = cfg.fact ? 'training the sentence Fact-RM' : 'training the sentence reward model';
  hooks.onProgress?.({ phase, done: 0, total: steps });
  try {
    for (let s = 0; s < steps; s++) {
      if (!(await nextStep(hooks.control))) break;
      const items = nextItems();
      const views = cfg.augment ? items.map((x) => ({ facts: shuffledFacts(x.item.scene, rng), noiseSeed: rng.int(2 ** 31) })) : undefined;
      const r = await sentenceStep(rm, trainer, items, cfg.fact, views);
      const point: SentencePoint = { step: r.step, loss: r.loss, lr: r.lr, gradNorm: r.gradNorm };
      if (cfg.evalEvery > 0 && r.step % cfg.evalEvery === 0 && r.step < steps && heldOut.length) point.heldOut = await evaluateSentenceModel(rm, heldOut, cfg.fact);
      hooks.onPoint?.(point);
      hooks.onProgress?.({ phase, done: r.step, total: steps });
    }
  } finally {
    trainer.dispose();
  }
  return { steps: trainer.stepCount, train: await evaluateSentenceModel(rm, train, cfg.fact), heldOut: await evaluateSentenceModel(rm, heldOut, cfg.fact) };
}
