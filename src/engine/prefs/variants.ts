// Answer variants written from a scene's truth: padded, hallucinating, honest and broken
// versions of an answer. The reward-model probes score them; `label --mix` pairs a policy
// answer with its hallucinating copy.

import { Rng } from '../world/rng';
import { GRID, type Scene } from '../world/scene';
import type { Claim } from '../language/claims';
import { FILLER, fullRef } from '../language/phrases';
import { writeClaim } from '../language/writer';
import { parseResponse } from '../language/parser';
import { absentPartner, type Question } from '../data/questions';

/** A false existence claim: a likely but absent object (the prior's partner of one present) in an empty cell. */
export function hallucinatedClaim(scene: Scene, rng: Rng): Claim {
  const c = absentPartner(scene, rng);
  const taken = new Set(scene.objects.map((o) => o.row * GRID + o.col));
  const free = [...Array(GRID * GRID).keys()].filter((k) => !taken.has(k));
  // With every cell full the object is still absent by kind, so the claim stays false.
  const cell = free.length > 0 ? rng.pick(free) : rng.int(GRID * GRID);
  return { kind: 'exists', obj: { size: rng.pick(['small', 'large'] as const), color: c.color, shape: c.shape }, place: { row: Math.floor(cell / GRID), col: cell % GRID } };
}

/** True sentences beyond the reference answer: objects with their places, and the environment. */
export function trueExtras(scene: Scene, q: Question): string[] {
  const ref = new Set(q.referenceClaims.map(writeClaim));
  const claims: Claim[] = [
    ...scene.objects.map((o): Claim => ({ kind: 'exists', obj: fullRef(o), place: { row: o.row, col: o.col } })),
    { kind: 'environment', background: scene.background },
  ];
  return claims.map(writeClaim).filter((s) => !ref.has(s) && !q.reference.includes(s));
}

/** Splits an answer into its sentences (text after the last "." is one more). */
export function sentencesOf(response: string): string[] {
  return parseResponse(response).map((s) => s.text);
}

/**
 * Returns the answer with one hallucinated object sentence: inserted at a sentence boundary, or,
 * half the time when there are two or more sentences, put in place of one after the first, so
 * that the copy is not always the longer answer (a reward model should not learn "longer is worse").
 */
export function withHallucination(scene: Scene, response: string, rng: Rng): string {
  const parts = sentencesOf(response);
  const lie = writeClaim(hallucinatedClaim(scene, rng));
  // After the first sentence (so a yes/no still leads), and before any unfinished tail.
  const last = parts.length > 0 && !(parts[parts.length - 1] as string).endsWith('.') ? parts.length - 1 : parts.length;
  if (last >= 2 && rng.chance(0.5)) parts.splice(1 + rng.int(last - 1), 1, lie);
  else parts.splice(last === 0 ? 0 : 1 + rng.int(last), 0, lie);
  return parts.join(' ');
}

/**
 * Returns the answer's words in reverse order, ending in "." : the same words out of the grammar
 * (a reversed answer that still parses, such as "no .", gets a dangling "is the" as well).
 */
export function scrambled(response: string): string {
  const words = response.trim().split(/\s+/).filter((w) => w !== '.' && w !== ',').reverse();
  const text = [...words, '.'].join(' ');
  return parseResponse(text).every((s) => s.claims !== null) ? [...words, 'is', 'the', '.'].join(' ') : text;
}

/** The fixed answer variants of the reward-model probes. */
export interface AnswerVariants {
  /** The reference answer: short and correct. */
  shortCorrect: string;
  /** The reference, two true details and a filler sentence. */
  longCorrect: string;
  /** The long answer with one true detail swapped for a hallucinated object: same length, one false claim. */
  longHallucinated: string;
  /** "i am not sure .": honest, uninformative. */
  unsure: string;
  /** The reference's words reversed: out of the grammar. */
  ungrammatical: string;
}

/** Writes the probe variants of a question's answer; the same rng state gives the same texts. */
export function answerVariants(scene: Scene, q: Question, rng: Rng): AnswerVariants {
  const extras = rng.shuffle(trueExtras(scene, q)).slice(0, 2);
  while (extras.length < 2) extras.push(rng.pick(FILLER));
  const filler = rng.pick(FILLER);
  const lie = writeClaim(hallucinatedClaim(scene, rng));
  return {
    shortCorrect: q.reference,
    longCorrect: [q.reference, extras[0], extras[1], filler].join(' '),
    longHallucinated: [q.reference, extras[0], lie, filler].join(' '),
    unsure: 'i am not sure .',
    ungrammatical: scrambled(q.reference),
  };
}
