// The reward model's side of a step: its score of each rollout response (facts in front for a
// Fact-RM, in each prompt's fixed shuffled order), normalised by the RM's mean and spread on its
// training pairs, so a score of 1 means "one spread above what the labelled answers got". The
// sentence reward model of the dense reward is read on the same packed input, at each sentence's end.

import * as tf from '@tensorflow/tfjs-core';
import type { PreferenceRecord } from '../prefs/record';
import { promptIds } from '../data/encode';
import { evalFacts, scoreItems, type ScoreItem } from '../reward/inputs';
import { computeScores } from '../model/logprobs';
import { disposeBatch, packBatch } from '../model/batch';
import type { VlmModel } from '../model/model';
import { sentenceScoresOf } from '../reward/dense';
import type { Rollout } from './rollout';

/** The mean and spread the RM's scores are normalised by, and what they were measured on. */
export interface ScoreNorm {
  mean: number;
  std: number;
  /** In words: "48 training pairs", "64 policy samples". */
  source: string;
}

/** A reward model as PPO uses it. */
export interface RewardRole {
  model: VlmModel;
  /** A Fact-RM: the scene's facts go in front of the question. */
  fact: boolean;
  norm: ScoreNorm;
}

/** A sentence reward model (train-rm --dense) as the dense reward reads it: raw logits, no normalisation. */
export interface SentenceRole {
  model: VlmModel;
  /** A sentence Fact-RM: the scene's facts go in front of the question. */
  fact: boolean;
}

/** Mean and standard deviation (population) of some scores; the spread is floored at 1e-3. */
export function scoreStats(xs: ArrayLike<number>): { mean: number; std: number } {
  const n = xs.length;
  if (n === 0) return { mean: 0, std: 1 };
  let s = 0;
  for (let i = 0; i < n; i++) s += xs[i] as number;
  const mean = s / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += ((xs[i] as number) - mean) ** 2;
  return { mean, std: Math.max(1e-3, Math.sqrt(v / n)) };
}

/**
 * The RM's mean and spread over both answers of (up to maxPairs of) its training pairs, each
 * scored as the RM saw it labelled (its image, its facts order); the model is only read.
 */
export async function rewardNorm(model: VlmModel, fact: boolean, records: readonly PreferenceRecord[], maxPairs = 256): Promise<ScoreNorm> {
  const use = records.slice(0, maxPairs);
  const items: ScoreItem[] = use.flatMap((r) => [r.responseA, r.responseB].map((response) => ({ scene: r.scene, image: r.image, question: r.question, response })));
  const { mean, std } = scoreStats(await scoreItems(model, items, fact));
  return { mean, std, source: `${use.length} training pairs` };
}

/** The RM's raw score of each rollout row (the tokens as sampled, EOS only where sampled): Float32Array [B]. */
export async function rolloutRmScores(role: Pick<RewardRole, 'model' | 'fact'>, ro: Rollout): Promise<Float32Array> {
  const batch = packRolloutForRm(role, ro);
  try {
    return await computeScores(role.model, batch);
  } finally {
    disposeBatch(batch);
  }
}

/** The rollout as a reward model reads it: its images, the question (facts in front for a Fact-RM), the tokens as sampled. */
function packRolloutForRm(role: Pick<RewardRole, 'model' | 'fact'>, ro: Rollout) {
  const prompts = ro.prompts.map((p) => promptIds(p.question, role.fact ? evalFacts({ scene: p.scene, image: { perception: ro.perception, noiseSeed: p.noiseSeed } }) : undefined));
  return packBatch(role.model.config, ro.images, prompts, ro.responses);
}

/**
 * The sentence reward model's raw logit at each of `ends[row]` (indexes among row's response
 * tokens) of every rollout row, read on the input rolloutRmScores packs: one array per row.
 */
export async function rolloutSentenceScores(role: SentenceRole, ro: Rollout, ends: readonly (readonly number[])[]): Promise<number[][]> {
  if (ends.every((row) => row.length === 0)) return ends.map(() => []);
  const batch = packRolloutForRm(role, ro);
  try {
    const t = tf.tidy(() => sentenceScoresOf(role.model, batch, ends));
    const flat = Array.from(await t.data());
    t.dispose();
    let k = 0;
    return ends.map((row) => flat.slice(k, (k += row.length)));
  } finally {
    disposeBatch(batch);
  }
}

/** (x − mean) / std for each score: a new array. */
export function normaliseScores(raw: Float32Array, norm: Pick<ScoreNorm, 'mean' | 'std'>): Float32Array {
  return raw.map((x) => (x - norm.mean) / norm.std);
}

/** The RM's mean and spread over a rollout's responses (the fallback when its training pairs are not at hand). */
export async function rolloutNorm(role: Pick<RewardRole, 'model' | 'fact'>, ro: Rollout): Promise<ScoreNorm> {
  const { mean, std } = scoreStats(await rolloutRmScores(role, ro));
  return { mean, std, source: `${ro.b} policy samples` };
}
