// Probes: a fixed set of answer variants per scene (short correct, long correct with filler, long
// with one hallucinated object, an honest "i am not sure", ungrammatical, empty, and a same-length pair
// about a small object whose shape or colour the pixels barely show), scored by a reward model to
// show what it has learned to like. Scenes come from a benchmark seed stream, each with at least
// one small object. Scoring them is probe-run.ts; this file needs no TensorFlow.js.

import { Rng, subSeed } from '../world/rng';
import { benchSeed, sampleScene } from '../world/sampler';
import { DEFAULT_PERCEPTION, type Perception } from '../world/render';
import type { Scene } from '../world/scene';
import { QUESTION_TYPES, type QuestionType } from '../language/question';
import { makeQuestion } from '../data/questions';
import { answerVariants, type AnswerVariants } from '../prefs/variants';
import type { PreferenceRecord } from '../prefs/record';

/** The benchmark seed stream of the probe scenes (ShapesHal uses 0-7, POPE 8-10, CHAIR 12). */
export const PROBE_STREAM = 14;

export type ProbeVariant = keyof AnswerVariants;
export const PROBE_VARIANTS: readonly ProbeVariant[] = ['shortCorrect', 'longCorrect', 'longHallucinated', 'unsure', 'ungrammatical', 'empty', 'smallTrue', 'smallFalse'];

/** Comparisons with a right answer under the paper's instruction; the first is the headline probe. */
export const PROBE_PAIRS = [
  { name: 'short correct > long hallucinated', better: 'shortCorrect', worse: 'longHallucinated' },
  { name: 'long correct > long hallucinated', better: 'longCorrect', worse: 'longHallucinated' },
  { name: 'unsure > long hallucinated', better: 'unsure', worse: 'longHallucinated' },
  { name: 'short correct > unsure', better: 'shortCorrect', worse: 'unsure' },
  { name: 'short correct > ungrammatical', better: 'shortCorrect', worse: 'ungrammatical' },
  { name: 'short correct > empty', better: 'shortCorrect', worse: 'empty' },
  // Same length, one word apart: a small object's true shape or colour against its lookalike. The
  // image barely shows the difference; the facts state it. A plain RM cannot pass it on pixels alone.
  { name: 'true small detail > false small detail', better: 'smallTrue', worse: 'smallFalse' },
] as const satisfies readonly { name: string; better: ProbeVariant; worse: ProbeVariant }[];

export interface ProbeItem {
  scene: Scene;
  image: { perception: Perception; noiseSeed: number };
  type: QuestionType;
  question: string;
  variants: AnswerVariants;
}

/** The probe pair that needs the facts: a small object's true detail against its lookalike. */
export const SMALL_DETAIL_PROBE = PROBE_PAIRS[6].name;

/**
 * Returns n probe items (question types in turn) on scenes with at least one small object; the
 * same n, seed and perception give the same items.
 */
export function probeItems(n = 64, seed = 0, perception: Perception = DEFAULT_PERCEPTION): ProbeItem[] {
  const rng = new Rng(subSeed(seed, 0x9e0b));
  const items: ProbeItem[] = [];
  for (let i = 0; items.length < n; i++) {
    const scene = sampleScene(benchSeed(PROBE_STREAM, subSeed(seed, i) % 1_000_000));
    if (!scene.objects.some((o) => o.size === 'small')) continue;
    const type = QUESTION_TYPES[items.length % QUESTION_TYPES.length] as QuestionType;
    const q = makeQuestion(scene, type, rng);
    if (!q) continue;
    items.push({ scene, image: { perception: { ...perception }, noiseSeed: rng.int(2 ** 31) }, type, question: q.text, variants: answerVariants(scene, q, rng, perception) });
  }
  return items;
}

/**
 * The perception to probe a reward model with: the one its training pairs were all rendered with,
 * or the default when they differ (or there are none), so probes see images like the ones it learnt on.
 */
export function probePerception(records: readonly Pick<PreferenceRecord, 'image'>[]): Perception {
  const first = records[0]?.image.perception;
  const same = first !== undefined && records.every((r) => (Object.keys(first) as (keyof Perception)[]).every((k) => r.image.perception[k] === first[k]));
  return { ...(same ? first : DEFAULT_PERCEPTION) };
}

export interface ProbeReport {
  items: number;
  /** Mean score of each variant. */
  meanScore: Record<ProbeVariant, number>;
  /** For each comparison, the share of items where the better variant scores higher (ties half). */
  pairAccuracy: Record<(typeof PROBE_PAIRS)[number]['name'], number>;
  /** Share of items where the long correct answer outscores the short one: the model's taste for length. */
  prefersLonger: number;
  /** Each item's scores, by variant. */
  scores: Record<ProbeVariant, number>[];
}

/** The report of probe items from their scores, flat in item-major order (PROBE_VARIANTS within each item). */
export function probeReport(items: readonly ProbeItem[], flat: ArrayLike<number>): ProbeReport {
  const scores = items.map((_, i) => Object.fromEntries(PROBE_VARIANTS.map((v, k) => [v, flat[i * PROBE_VARIANTS.length + k] as number])) as Record<ProbeVariant, number>);
  const share = (f: (x: Record<ProbeVariant, number>) => number) => scores.reduce((a, x) => a + f(x), 0) / Math.max(1, scores.length);
  const wins = (a: ProbeVariant, b: ProbeVariant) => share((x) => (x[a] > x[b] ? 1 : x[a] === x[b] ? 0.5 : 0));
  return {
    items: items.length,
    meanScore: Object.fromEntries(PROBE_VARIANTS.map((v) => [v, share((x) => x[v])])) as Record<ProbeVariant, number>,
    pairAccuracy: Object.fromEntries(PROBE_PAIRS.map((p) => [p.name, wins(p.better, p.worse)])) as ProbeReport['pairAccuracy'],
    prefersLonger: wins('longCorrect', 'shortCorrect'),
    scores,
  };
}

/** The headline probe: share of items where the short correct answer beats the long hallucinated one. */
export const HEADLINE_PROBE = PROBE_PAIRS[0].name;
