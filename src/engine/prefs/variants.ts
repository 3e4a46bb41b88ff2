// Answer variants written from a scene's truth: padded, hallucinating, honest and broken
// versions of an answer. The reward-model probes score them; `label --mix` pairs a policy
// answer with its hallucinating copy.

import { Rng } from '../world/rng';
import { COLORS, GRID, SHAPES, type Color, type Scene, type SceneObject, type Shape } from '../world/scene';
import { DEFAULT_PERCEPTION, PALETTE, renderScene, type Perception } from '../world/render';
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

/** Pixels of the centre cell of a scene holding one small object there, drawn without noise. */
function smallCell(shape: Shape, color: Color, background: 'day' | 'night', perception: Perception): number[] {
  const img = renderScene({ background, objects: [{ shape, color, size: 'small', row: 1, col: 1 }] }, { ...perception, noise: 0 });
  const out: number[] = [];
  const cell = img.width / GRID;
  for (let y = cell; y < 2 * cell; y++) for (let x = cell; x < 2 * cell; x++) for (let c = 0; c < 3; c++) out.push(img.data[(y * img.width + x) * 3 + c] as number);
  return out;
}

const sqDist = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, i) => s + (v - (b[i] as number)) ** 2, 0);

/** For each key, the other one at the smallest distance. */
function nearest<K extends string>(keys: readonly K[], dist: (a: K, b: K) => number): Record<K, K> {
  return Object.fromEntries(keys.map((a) => [a, keys.filter((b) => b !== a).reduce((best, b) => (dist(a, b) < dist(a, best) ? b : best))])) as Record<K, K>;
}

/**
 * What a small object is most easily mistaken for: for each shape, the shape whose small, blurred
 * picture is nearest in pixels (summed over colours, by day and night); for each colour, the
 * nearest palette colour. Under the default perception this is where the vision encoder errs.
 */
export function lookalikes(perception: Perception = DEFAULT_PERCEPTION): { shape: Record<Shape, Shape>; color: Record<Color, Color> } {
  const key = JSON.stringify(perception);
  const hit = lookalikeCache.get(key);
  if (hit) return hit;
  const cells = new Map<string, number[]>();
  for (const shape of SHAPES) for (const color of COLORS) for (const bg of ['day', 'night'] as const) cells.set(`${shape} ${color} ${bg}`, smallCell(shape, color, bg, perception));
  const shapeDist = (a: Shape, b: Shape) => COLORS.reduce((s, c) => s + sqDist(cells.get(`${a} ${c} day`)!, cells.get(`${b} ${c} day`)!) + sqDist(cells.get(`${a} ${c} night`)!, cells.get(`${b} ${c} night`)!), 0);
  const colorDist = (a: Color, b: Color) => sqDist(PALETTE.day.colors[a], PALETTE.day.colors[b]) + sqDist(PALETTE.night.colors[a], PALETTE.night.colors[b]);
  const out = { shape: nearest(SHAPES, shapeDist), color: nearest(COLORS, colorDist) };
  lookalikeCache.set(key, out);
  return out;
}

const lookalikeCache = new Map<string, ReturnType<typeof lookalikes>>();

/**
 * A same-length pair about one small object of the scene: the answer with a true sentence about
 * it (or, when the answer already describes it, the answer itself), and the same text with that
 * object's shape, or its colour, swapped for its lookalike, which makes the one sentence false.
 * Undefined when the scene has no small object.
 */
export function smallDetailPair(scene: Scene, answer: string, rng: Rng, perception: Perception = DEFAULT_PERCEPTION): { truth: string; lie: string } | undefined {
  const smalls = scene.objects.filter((o) => o.size === 'small');
  if (smalls.length === 0) return undefined;
  const o = rng.pick(smalls);
  const sentence = writeClaim({ kind: 'exists', obj: fullRef(o), place: { row: o.row, col: o.col } });
  const look = lookalikes(perception);
  const swapped: SceneObject = rng.chance(0.5) ? { ...o, shape: look.shape[o.shape] } : { ...o, color: look.color[o.color] };
  const lie = writeClaim({ kind: 'exists', obj: fullRef(swapped), place: { row: o.row, col: o.col } });
  const parts = sentencesOf(answer);
  const at = parts.indexOf(sentence);
  const truth = at >= 0 ? parts : [...parts, sentence];
  const k = at >= 0 ? at : parts.length;
  return { truth: truth.join(' '), lie: truth.map((p, i) => (i === k ? lie : p)).join(' ') };
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
  /** No answer at all: what a policy says when silence pays. A reward model never shown one must still score it low. */
  empty: string;
  /** The reference and a true sentence about a small object (empty when the scene has none). */
  smallTrue: string;
  /** The same, that object's shape or colour swapped for its lookalike: same length, one false claim the pixels barely show. */
  smallFalse: string;
}

/**
 * Writes the probe variants of a question's answer; the same rng state gives the same texts. The
 * small-object pair is drawn last, so the other variants are those of earlier versions.
 */
export function answerVariants(scene: Scene, q: Question, rng: Rng, perception: Perception = DEFAULT_PERCEPTION): AnswerVariants {
  const extras = rng.shuffle(trueExtras(scene, q)).slice(0, 2);
  while (extras.length < 2) extras.push(rng.pick(FILLER));
  const filler = rng.pick(FILLER);
  const lie = writeClaim(hallucinatedClaim(scene, rng));
  const small = smallDetailPair(scene, q.reference, rng, perception);
  return {
    shortCorrect: q.reference,
    longCorrect: [q.reference, extras[0], extras[1], filler].join(' '),
    longHallucinated: [q.reference, extras[0], lie, filler].join(' '),
    unsure: 'i am not sure .',
    ungrammatical: scrambled(q.reference),
    empty: '',
    smallTrue: small?.truth ?? '',
    smallFalse: small?.lie ?? '',
  };
}
