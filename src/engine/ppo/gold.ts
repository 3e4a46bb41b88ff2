// The truth no real RLHF system has: the policy's greedy answers to a fixed set of probe
// questions (question types in turn, on scenes from a benchmark seed stream training never
// samples), judged. gold/true_informative is the share with no false claim that states an asked
// fact (the headline: silence cannot raise it), gold/hallucination_rate the share scoring below 3,
// gold/score the mean, gold/no_answer_rate the share left empty, gold/yes_ratio the share of the
// existence probes ("is there a … ?") answered yes (POPE's yes-ratio; 0 or 1 is a collapse), out
// of gold/yes_questions of them.

import { Rng } from '../world/rng';
import { benchSeed, sampleScene } from '../world/sampler';
import type { Perception } from '../world/render';
import type { Scene } from '../world/scene';
import { QUESTION_TYPES, type QuestionType } from '../language/question';
import { makeQuestion } from '../data/questions';
import { answerAll } from '../data/answer';
import { judge, trueAndInformative } from '../judge/judge';
import type { VlmModel } from '../model/model';
import type { ObjectRef } from '../language/phrases';
import { readYesNo } from '../bench/pope';

/** The benchmark seed stream of the gold probes (ShapesHal uses 0-7, POPE 8-10, CHAIR 12, RM probes 14). */
export const GOLD_STREAM = 15;

export interface GoldProbe {
  scene: Scene;
  type: QuestionType;
  question: string;
  /** The object an existence probe asks about ("is there a red circle … ?"), for reading a yes or a no. */
  asks?: ObjectRef;
}

/** n fixed probes, question types in turn; the same n gives the same probes (the first k of n+1 are those of k). */
export function goldProbes(n: number): GoldProbe[] {
  const rng = new Rng(0x901d);
  const out: GoldProbe[] = [];
  for (let i = 0; out.length < n; i++) {
    const scene = sampleScene(benchSeed(GOLD_STREAM, i));
    const type = QUESTION_TYPES[out.length % QUESTION_TYPES.length] as QuestionType;
    const q = makeQuestion(scene, type, rng);
    if (q) out.push({ scene, type, question: q.text, ...(q.spec.kind === 'exists' ? { asks: q.spec.obj } : {}) });
  }
  return out;
}

export interface GoldFigures {
  'gold/true_informative': number;
  'gold/hallucination_rate': number;
  'gold/no_answer_rate': number;
  'gold/score': number;
  /** Absent when no probe asks whether an object is there. */
  'gold/yes_ratio'?: number;
  /** How many probes ask whether an object is there (what the yes-ratio is a share of). */
  'gold/yes_questions'?: number;
}

/** Answers the probes greedily (up to maxNewTokens) and judges them; the policy is only read. */
export async function measureGold(policy: VlmModel, probes: readonly GoldProbe[], perception: Perception, maxNewTokens: number): Promise<GoldFigures> {
  const answers = await answerAll(policy, probes, { temperature: 0, maxNewTokens, batchSize: 64, perception });
  const verdicts = probes.map((p, i) => judge(p.scene, p.question, answers[i] as string));
  const n = Math.max(1, verdicts.length);
  const asked = probes.flatMap((p, i) => (p.asks ? [readYesNo(answers[i] as string, p.asks) === true] : []));
  return {
    ...(asked.length ? { 'gold/yes_ratio': asked.filter(Boolean).length / asked.length, 'gold/yes_questions': asked.length } : {}),
    'gold/true_informative': verdicts.filter(trueAndInformative).length / n,
    'gold/hallucination_rate': verdicts.filter((v) => v.score < 3).length / n,
    'gold/no_answer_rate': verdicts.filter((v) => v.noAnswer).length / n,
    'gold/score': verdicts.reduce((s, v) => s + v.score, 0) / n,
  };
}
