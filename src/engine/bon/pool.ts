// The pool best-of-n draws from: k answers per prompt sampled with the KV cache, each distinct
// answer of a prompt scored once by a reward model (facts in front for a Fact-RM) and judged once.
// Repeated answers are common (a short answer to "is it day or night ?" comes back again and
// again), so the distinct ones are what costs.

import { subSeed } from '../world/rng';
import type { Perception } from '../world/render';
import type { Scene } from '../world/scene';
import { decode } from '../language/vocab';
import { promptIds, sceneImage } from '../data/encode';
import { generate } from '../model/generate';
import { computeScores } from '../model/logprobs';
import { disposeBatch, packBatch } from '../model/batch';
import type { VlmModel } from '../model/model';
import { evalFacts } from '../reward/inputs';
import { judge } from '../judge/judge';
import { nextStep, type JobControl } from '../train/job';

/** A prompt to answer: an id, the scene, the question, and the seed of its image's pixel noise. */
export interface BonPrompt {
  id: string;
  scene: Scene;
  question: string;
  noiseSeed: number;
}

/** Gives each item a pixel-noise seed drawn from `seed` (its index's own sub-stream). */
export function withNoiseSeeds<T extends { id: string; scene: Scene; question: string }>(items: readonly T[], seed: number): BonPrompt[] {
  return items.map((it, i) => ({ id: it.id, scene: it.scene, question: it.question, noiseSeed: subSeed(subSeed(seed, 0xb0b), i) }));
}

/** A prompt's answers: the distinct ones and, for each sample in order, which distinct one it is. */
export interface PromptAnswers {
  /** Distinct answers' token ids (EOS included where sampled), in order of first appearance. */
  distinct: number[][];
  /** Their text (up to EOS). */
  texts: string[];
  /** For each of the k samples: its index in `distinct`. */
  sample: number[];
}

export interface SamplePool {
  prompts: BonPrompt[];
  /** Per prompt, its answers (the pool keeps only prompts whose k samples are all drawn). */
  answers: PromptAnswers[];
  /** Samples per prompt. */
  k: number;
  perception: Perception;
}

export interface PoolSampling {
  temperature: number;
  maxNewTokens: number;
  /** Rows per generate call. */
  batchRows: number;
  seed: number;
  perception: Perception;
}

function addAnswer(a: PromptAnswers, ids: number[], seen: Map<string, number>): void {
  const key = ids.join(',');
  let j = seen.get(key);
  if (j === undefined) {
    j = a.distinct.length;
    seen.set(key, j);
    a.distinct.push(ids);
    a.texts.push(decode(ids));
  }
  a.sample.push(j);
}

/**
 * Samples k answers to every prompt, batchRows rows at a time (one prompt's samples may span two
 * batches); the policy is only read. The control is consulted before each batch: when it stops
 * the job, the pool holds the prompts sampled in full so far. `onBatch` hears (prompts done, total).
 */
export async function samplePool(
  policy: VlmModel, prompts: readonly BonPrompt[], k: number, o: PoolSampling,
  control?: JobControl, onBatch?: (done: number, total: number) => void,
): Promise<SamplePool> {
  const images = prompts.map((p) => sceneImage(p.scene, o.perception, p.noiseSeed));
  const ids = prompts.map((p) => promptIds(p.question));
  const answers: PromptAnswers[] = prompts.map(() => ({ distinct: [], texts: [], sample: [] }));
  const seen = prompts.map(() => new Map<string, number>());
  const total = prompts.length * k;
  let batch = 0;
  let done = 0;
  for (let start = 0; start < total; start += o.batchRows, batch++) {
    if (!(await nextStep(control))) break;
    const rows = Array.from({ length: Math.min(o.batchRows, total - start) }, (_, i) => Math.floor((start + i) / k));
    const gen = await generate(policy, rows.map((p) => images[p] as Float32Array), rows.map((p) => ids[p] as number[]), {
      maxNewTokens: o.maxNewTokens, temperature: o.temperature, seed: subSeed(o.seed, batch),
    });
    gen.responses.forEach((resp, i) => addAnswer(answers[rows[i] as number] as PromptAnswers, resp, seen[rows[i] as number] as Map<string, number>));
    done = Math.floor((start + rows.length) / k);
    onBatch?.(done, prompts.length);
  }
  return { prompts: prompts.slice(0, done), answers: answers.slice(0, done), k, perception: { ...o.perception } };
}

/** The mean number of distinct answers per prompt. */
export function meanDistinct(pool: SamplePool): number {
  return pool.answers.length ? pool.answers.reduce((s, a) => s + a.distinct.length, 0) / pool.answers.length : 0;
}

/**
 * A reward model's raw score of every sample: per prompt, Float32Array [k] (each distinct answer
 * scored once, in batches of `batchSize`). A Fact-RM reads the scene's facts in each prompt's fixed
 * shuffled order (reward/inputs.ts evalFacts). The model is only read. `onBatch` hears (scored, distinct in all).
 */
export async function scorePool(rm: VlmModel, fact: boolean, pool: SamplePool, batchSize = 64, onBatch?: (done: number, total: number) => void): Promise<Float32Array[]> {
  const images = pool.prompts.map((p) => sceneImage(p.scene, pool.perception, p.noiseSeed));
  const rmPrompts = pool.prompts.map((p) => promptIds(p.question, fact ? evalFacts({ scene: p.scene, image: { perception: pool.perception, noiseSeed: p.noiseSeed } }) : undefined));
  // Batched by length, so a batch pads its rows to about the same width.
  const width = (p: number, j: number) => (rmPrompts[p] as number[]).length + ((pool.answers[p] as PromptAnswers).distinct[j] as number[]).length;
  const jobs = pool.answers.flatMap((a, p) => a.distinct.map((_, j) => ({ p, j, w: width(p, j) }))).sort((x, y) => x.w - y.w);
  const distinctScores = pool.answers.map((a) => new Float32Array(a.distinct.length));
  for (let start = 0; start < jobs.length; start += batchSize) {
    const chunk = jobs.slice(start, start + batchSize);
    const batch = packBatch(rm.config, chunk.map((c) => images[c.p] as Float32Array), chunk.map((c) => rmPrompts[c.p] as number[]), chunk.map((c) => (pool.answers[c.p] as PromptAnswers).distinct[c.j] as number[]));
    try {
      const s = await computeScores(rm, batch);
      chunk.forEach((c, i) => ((distinctScores[c.p] as Float32Array)[c.j] = s[i] as number));
    } finally {
      disposeBatch(batch);
    }
    onBatch?.(Math.min(start + batchSize, jobs.length), jobs.length);
  }
  return pool.answers.map((a, p) => Float32Array.from(a.sample, (j) => (distinctScores[p] as Float32Array)[j] as number));
}

/** What the judge says of every sample: per prompt, [k] arrays of its score 0-6, 1 where it scores below 3, and its informativeness. */
export interface PoolGold {
  score: Float32Array[];
  hallucination: Float32Array[];
  informativeness: Float32Array[];
}

/** Judges every distinct answer once against its scene; changes nothing. */
export function judgePool(pool: SamplePool): PoolGold {
  const out: PoolGold = { score: [], hallucination: [], informativeness: [] };
  pool.answers.forEach((a, p) => {
    const prompt = pool.prompts[p] as BonPrompt;
    const verdicts = a.texts.map((t) => judge(prompt.scene, prompt.question, t));
    out.score.push(Float32Array.from(a.sample, (j) => verdicts[j]!.score));
    out.hallucination.push(Float32Array.from(a.sample, (j) => (verdicts[j]!.score < 3 ? 1 : 0)));
    out.informativeness.push(Float32Array.from(a.sample, (j) => verdicts[j]!.informativeness));
  });
  return out;
}
