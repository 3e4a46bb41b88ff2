// SFT data from two sources, mixed by a knob (DESIGN.md, section 2): "synthetic" answers are
// fluent and long but hallucinate at a set rate along the co-occurrence prior; "vqa" answers
// are short and always correct. Part of the data carries the scene's facts in the prompt.

import { Rng } from '../world/rng';
import { GRID, type Scene } from '../world/scene';
import { sampleScene, trainSeed, type Category } from '../world/sampler';
import { factSentences } from '../world/facts';
import type { Claim } from '../language/claims';
import { FILLER, fullRef } from '../language/phrases';
import { QUESTION_TYPES, type QuestionType } from '../language/question';
import { writeAnswerWith, writeClaim } from '../language/writer';
import { absentPartner, makeQuestion, type Question } from '../data/questions';

export interface SftMixture {
  /** Share of examples from the short, correct VQA-style source (0 = plain SFT; the "SFT+" recipe adds it). */
  vqaShare: number;
  /** Share of synthetic answers (without facts in the prompt) that hallucinate. */
  hallucinationRate: number;
  /** Share of synthetic answers padded with a filler sentence. */
  fillerRate: number;
  /** Share of examples whose prompt carries the scene's facts (those answers never hallucinate). */
  factsShare: number;
}

export const SFT_MIXTURE: SftMixture = { vqaShare: 0, hallucinationRate: 0.4, fillerRate: 0.3, factsShare: 0.25 };
export const SFT_PLUS_MIXTURE: SftMixture = { ...SFT_MIXTURE, vqaShare: 0.5 };

export interface SftExample {
  scene: Scene;
  type: QuestionType;
  question: string;
  response: string;
  source: 'synthetic' | 'vqa';
  /** The facts caption when it is part of the prompt. */
  facts?: string[];
  /** Whether the response was written to hallucinate. */
  hallucinated: boolean;
}

/** A false existence sentence about a likely-but-absent object, in an empty cell. */
function hallucinatedSentence(scene: Scene, rng: Rng, cat?: Category): Claim {
  const c = cat ?? absentPartner(scene, rng);
  const taken = new Set(scene.objects.map((o) => o.row * GRID + o.col));
  const free = [...Array(GRID * GRID).keys()].filter((k) => !taken.has(k));
  const cell = free.length > 0 ? rng.pick(free) : rng.int(GRID * GRID);
  return { kind: 'exists', obj: { size: rng.pick(['small', 'large'] as const), color: c.color, shape: c.shape }, place: { row: Math.floor(cell / GRID), col: cell % GRID } };
}

/** True details beyond the reference: other objects with their places, and the environment. */
function elaborations(scene: Scene, rng: Rng, q: Question): Claim[] {
  const extra: Claim[] = rng.shuffle(scene.objects).slice(0, 2).map((o) => ({ kind: 'exists', obj: fullRef(o), place: { row: o.row, col: o.col } }));
  if (q.type !== 'environment') extra.push({ kind: 'environment', background: scene.background });
  return extra.filter((c) => !q.referenceClaims.some((r) => writeClaim(r) === writeClaim(c)));
}

/** Writes the long synthetic answer; with `hallucinate`, one claim in it is false. */
export function syntheticAnswer(scene: Scene, q: Question, rng: Rng, hallucinate: boolean, fillerRate: number): string {
  const parts: string[] = [];
  if (rng.chance(fillerRate)) parts.push(rng.pick(FILLER));
  if (hallucinate && q.type === 'adversarial' && q.spec.kind === 'exists') {
    // The prior's favourite mistake: saying yes to the absent partner.
    parts.push(writeAnswerWith(true, { kind: 'exists', obj: q.spec.obj }));
  } else if (q.type === 'holistic') {
    const sentences = q.referenceClaims.map(writeClaim);
    if (hallucinate) sentences.splice(rng.int(sentences.length + 1), 0, writeClaim(hallucinatedSentence(scene, rng)));
    parts.push(...sentences, writeClaim({ kind: 'environment', background: scene.background }));
  } else {
    parts.push(q.reference);
    const extra = rng.shuffle(elaborations(scene, rng, q)).slice(0, 1 + rng.int(2)).map(writeClaim);
    if (hallucinate) extra.splice(rng.int(extra.length + 1), 0, writeClaim(hallucinatedSentence(scene, rng)));
    parts.push(...extra);
  }
  return parts.join(' ');
}

/** Writes the short VQA-style answer: the reference answer alone, with nothing added. */
export function vqaAnswer(q: Question): string {
  return q.reference;
}

/**
 * Returns n SFT examples drawn from training seeds; the same seed and mixture give the same
 * examples. Question types are balanced.
 */
export function makeSftData(n: number, seed: number, mix: SftMixture = SFT_MIXTURE): SftExample[] {
  const rng = new Rng(seed);
  const out: SftExample[] = [];
  while (out.length < n) {
    const scene = sampleScene(trainSeed(rng));
    const type = QUESTION_TYPES[out.length % QUESTION_TYPES.length] as QuestionType;
    const q = makeQuestion(scene, type, rng);
    if (!q) continue;
    const withFacts = rng.chance(mix.factsShare);
    const source = rng.chance(mix.vqaShare) ? 'vqa' : 'synthetic';
    const hallucinate = source === 'synthetic' && !withFacts && rng.chance(mix.hallucinationRate);
    const response = source === 'vqa' ? vqaAnswer(q) : syntheticAnswer(scene, q, rng, hallucinate, mix.fillerRate);
    const ex: SftExample = { scene, type, question: q.text, response, source, hallucinated: hallucinate };
    if (withFacts) ex.facts = factSentences(scene);
    out.push(ex);
  }
  return out;
}
