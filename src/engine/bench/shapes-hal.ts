// ShapesHal-Bench: MMHal-Bench at toy scale. 12 items per question type (96 in all) on
// benchmark-range scenes, scored by the judge: the share true and informative, average score,
// hallucination rate, informativeness and the share left empty, overall and per type.

import { Rng } from '../world/rng';
import type { Scene } from '../world/scene';
import { benchSeed, sampleScene } from '../world/sampler';
import { QUESTION_TYPES, type QuestionType } from '../language/question';
import { judge, trueAndInformative, verdictName, type Verdict, type VerdictName } from '../judge/judge';
import { makeQuestion } from '../data/questions';

export interface BenchItem {
  id: string;
  type: QuestionType;
  scene: Scene;
  question: string;
  reference: string;
}

/** Item counts per type: the standard benchmark and the larger, low-variance one. */
export const SHAPES_HAL_SIZES = { standard: 12, large: 100 } as const;
export type BenchSize = keyof typeof SHAPES_HAL_SIZES;
export const SHAPES_HAL_SIZE_NAMES = Object.keys(SHAPES_HAL_SIZES) as readonly BenchSize[];

/** Returns the ShapesHal-Bench items; fixed for a given size. */
export function shapesHalItems(size: BenchSize = 'standard'): BenchItem[] {
  const perType = SHAPES_HAL_SIZES[size];
  const items: BenchItem[] = [];
  QUESTION_TYPES.forEach((type, t) => {
    const rng = new Rng(9000 + t);
    for (let k = 0, i = 0; k < perType; i++) {
      const scene = sampleScene(benchSeed(t, i));
      const q = makeQuestion(scene, type, rng);
      if (!q) continue;
      items.push({ id: `hal-${type}-${String(k).padStart(3, '0')}`, type, scene, question: q.text, reference: q.reference });
      k++;
    }
  });
  return items;
}

export interface TypeReport {
  /** Share of answers with no false claim that state at least one asked fact: the headline, which silence cannot raise. */
  trueInformative: number;
  score: number;
  hallucinationRate: number;
  informativeness: number;
  /** Share of answers that are empty (the judge's "no answer"). */
  noAnswerRate: number;
  n: number;
}

export interface ShapesHalReport extends TypeReport {
  byType: Record<string, TypeReport>;
}

function summarise(verdicts: Verdict[]): TypeReport {
  const n = verdicts.length;
  const mean = (f: (v: Verdict) => number) => (n === 0 ? 0 : verdicts.reduce((s, v) => s + f(v), 0) / n);
  return {
    trueInformative: mean((v) => (trueAndInformative(v) ? 1 : 0)),
    score: mean((v) => v.score),
    hallucinationRate: mean((v) => (v.score < 3 ? 1 : 0)),
    informativeness: mean((v) => v.informativeness),
    noAnswerRate: mean((v) => (v.noAnswer ? 1 : 0)),
    n,
  };
}

/** Judges the responses (by item id) and returns the report; items without a response are left out. */
export function scoreShapesHal(items: BenchItem[], responses: ReadonlyMap<string, string>): ShapesHalReport {
  const judged = items.flatMap((it) => {
    const r = responses.get(it.id);
    return r === undefined ? [] : [{ it, v: judge(it.scene, it.question, r) }];
  });
  const byType: Record<string, TypeReport> = {};
  for (const type of QUESTION_TYPES) byType[type] = summarise(judged.filter((j) => j.it.type === type).map((j) => j.v));
  return { ...summarise(judged.map((j) => j.v)), byType };
}

/** One answer shown as it was given, with the judge's verdict in words. */
export interface SampleAnswer {
  type: QuestionType;
  question: string;
  answer: string;
  verdict: VerdictName;
}

/**
 * The answers to the first `perType` items of each question type (fixed items, so every row of a
 * table shows the same questions): what the figures stand for, so a policy that says nothing, or
 * "no" to everything, is seen at a glance. Items without a response are skipped.
 */
export function sampleAnswers(items: readonly BenchItem[], responses: ReadonlyMap<string, string>, perType = 3): SampleAnswer[] {
  return QUESTION_TYPES.flatMap((type) =>
    items.filter((it) => it.type === type && responses.has(it.id)).slice(0, perType).map((it) => {
      const answer = responses.get(it.id) as string;
      return { type, question: it.question, answer, verdict: verdictName(judge(it.scene, it.question, answer)) };
    }),
  );
}
