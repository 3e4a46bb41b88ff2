// Simulated markers: read an answer sentence by sentence as the judge does, mark the false ones
// (missing some, by their settings) and write for each the true sentence about the same thing,
// built from the scene: the right place, colour, size, count, relation or background, the fact
// about the object that is there, or "there is no ..." for an object that is not. Each answer's
// draws have their own seed (marker seed × answer content), so a mark is the same on every run.

import type { Scene, SceneObject } from '../world/scene';
import { Rng, subSeed } from '../world/rng';
import type { Claim } from '../language/claims';
import { parseResponse, type ParsedSentence } from '../language/parser';
import { parseQuestion, type QuestionSpec } from '../language/question';
import { fullRef, RELATIONS, type ObjectRef, type Relation } from '../language/phrases';
import { writeClaim } from '../language/writer';
import { claimTruth, matching, relationHolds } from '../judge/truth';
import type { MarkerSettings } from './marker-settings';
import { makeMark, type MarkedSentence, type Marker, type MarkRecord } from './mark';
import { canonicalScene, hash64, promptKey, type PreferenceRecord } from './record';

/** A sentence as the judge reads it: false when some claim is false; checkable when some claim is true. */
export interface JudgedSentence {
  parsed: ParsedSentence;
  false: boolean;
  checkable: boolean;
}

/** Returns each sentence of the answer with the judge's reading of it (the question decides yes and no). */
export function judgeSentences(scene: Scene, q: QuestionSpec | undefined, answer: string): JudgedSentence[] {
  return parseResponse(answer).map((parsed) => {
    const truths = (parsed.claims ?? []).map((c) => claimTruth(scene, c, q));
    return { parsed, false: truths.includes(false), checkable: truths.includes(true) };
  });
}

/** The fact about an object: "there is a small red circle at the top left ." as a claim. */
const fact = (o: SceneObject): Claim => ({ kind: 'exists', obj: fullRef(o), place: { row: o.row, col: o.col } });

/** The first pair of distinct objects named by a and b (reading order), if any. */
function firstPair(scene: Scene, a: ObjectRef, b: ObjectRef): [SceneObject, SceneObject] | undefined {
  for (const x of matching(scene, a)) for (const y of matching(scene, b)) if (x !== y) return [x, y];
  return undefined;
}

/** What stands instead of a claim about two objects when no pair of them is there: the absent one, or the fact of the one there is. */
function missingPart(scene: Scene, a: ObjectRef, b: ObjectRef): Claim {
  const as = matching(scene, a);
  if (as.length === 0) return { kind: 'absent', obj: a };
  if (matching(scene, b).length === 0) return { kind: 'absent', obj: b };
  return fact(as[0] as SceneObject);
}

/**
 * Returns a true claim about what a false claim was about; changes nothing. A claim that is not
 * false is returned as it is.
 */
export function correctClaim(scene: Scene, c: Claim, q?: QuestionSpec): Claim {
  if (claimTruth(scene, c, q) !== false) return c;
  switch (c.kind) {
    case 'exists': {
      const named = matching(scene, c.obj)[0];
      if (named) return fact(named); // the object is there, elsewhere
      const there = c.place && scene.objects.find((o) => o.row === c.place?.row && o.col === c.place?.col);
      return there ? fact(there) : { kind: 'absent', obj: c.obj };
    }
    case 'absent':
      return fact(matching(scene, c.obj)[0] as SceneObject);
    case 'count': {
      const n = matching(scene, c.obj).length;
      return n === 0 ? { kind: 'absent', obj: c.obj } : { kind: 'count', obj: c.obj, n };
    }
    case 'attribute': {
      const o = matching(scene, c.obj)[0];
      if (!o) return { kind: 'absent', obj: c.obj };
      // "the red circle is blue .": the phrase fixes what is claimed, so the object's fact stands instead.
      if ((c.color && c.obj.color) || (c.size && c.obj.size)) return fact(o);
      return c.color ? { kind: 'attribute', obj: c.obj, color: o.color } : c.size ? { kind: 'attribute', obj: c.obj, size: o.size } : { kind: 'attribute', obj: c.obj, place: { row: o.row, col: o.col } };
    }
    case 'relation': {
      const pair = firstPair(scene, c.a, c.b);
      if (!pair) return missingPart(scene, c.a, c.b);
      // Two objects in different cells: some relation holds, by column if not by row.
      const rel = RELATIONS.find((r) => relationHolds(pair[0], r, pair[1])) as Relation;
      return { kind: 'relation', a: c.a, rel, b: c.b };
    }
    case 'compare': {
      const pair = firstPair(scene, c.a, c.b);
      if (!pair) return missingPart(scene, c.a, c.b);
      const [x, y] = pair;
      return { kind: 'compare', a: c.a, rel: x.size === y.size ? 'same size' : x.size === 'large' ? 'bigger' : 'smaller', b: c.b };
    }
    case 'environment':
      return { kind: 'environment', background: scene.background };
    case 'answer':
      return { kind: 'answer', yes: !c.yes };
    case 'unsure':
      return c;
  }
}

/**
 * Returns the true sentence that stands instead of a false one: each false claim corrected, the
 * rest kept ("no , there is ..." for "yes , there is ..."); undefined for a sentence the parser
 * cannot read, or when what is written is not judged true (it always is; the check keeps it so).
 */
export function correctSentence(scene: Scene, q: QuestionSpec | undefined, s: ParsedSentence): string | undefined {
  if (!s.claims || s.claims.length === 0) return undefined;
  const claims = s.claims.map((c) => correctClaim(scene, c, q));
  const [first, ...rest] = claims as [Claim, ...Claim[]];
  const text = first.kind === 'answer' && rest.length > 0 ? `${first.yes ? 'yes' : 'no'} , ${rest.map(writeClaim).join(' ')}` : claims.map(writeClaim).join(' ');
  const read = parseResponse(text);
  const ok = read.length === 1 && read[0]?.claims && read[0].claims.every((c) => claimTruth(scene, c, q) !== false);
  return ok ? text : undefined;
}

/** The phrases a claim names objects by. */
function refsOf(c: Claim): ObjectRef[] {
  switch (c.kind) {
    case 'exists':
    case 'absent':
    case 'count':
    case 'attribute':
      return [c.obj];
    case 'relation':
    case 'compare':
      return [c.a, c.b];
    default:
      return [];
  }
}

/**
 * Whether a sentence is about a small object: an object of the scene it names is small, or, where
 * a phrase names nothing there, the phrase says "small" (what a person looking would not see).
 */
export function aboutSmall(scene: Scene, claims: readonly Claim[]): boolean {
  return claims.flatMap(refsOf).some((ref) => {
    const named = matching(scene, ref);
    return named.length ? named.some((o) => o.size === 'small') : ref.size === 'small';
  });
}

/**
 * Marks an answer's sentences with a marker of these settings, drawing from `rng` (two draws per
 * sentence, whatever the settings, so one knob's change leaves the other draws alone). Returns the
 * sentences in order; changes nothing else.
 */
export function markSentences(s: MarkerSettings, scene: Scene, question: string, answer: string, rng: Rng): MarkedSentence[] {
  const q = parseQuestion(question);
  return judgeSentences(scene, q, answer).map(({ parsed, false: isFalse, checkable }) => {
    const u = rng.next();
    const w = rng.next();
    if (isFalse) {
      const small = aboutSmall(scene, parsed.claims ?? []);
      const miss = 1 - (1 - s.missShare) * (1 - (small ? s.smallMissShare : 0));
      if (u < miss) return { text: parsed.text, false: false };
      const correction = w < s.correctShare ? correctSentence(scene, q, parsed) : undefined;
      return { text: parsed.text, false: true, ...(correction !== undefined ? { correction } : {}) };
    }
    return { text: parsed.text, false: checkable && u < s.falseAlarmShare };
  });
}

/** The marker entry of a simulated marker. */
export function simulatedMarker(name: string, settings: MarkerSettings, seed: number): Marker & { kind: 'simulated' } {
  return { kind: 'simulated', name, settings: { ...settings }, seed };
}

/** An answer ready for a marker: everything of a mark but the marks and who made them. */
export type UnmarkedAnswer = Pick<PreferenceRecord, 'scene' | 'image' | 'question' | 'questionType'> & { answer: string };

/** The seed of one answer's draws: the marker's seed mixed with the answer's prompt and text. */
export function markDrawSeed(seed: number, a: UnmarkedAnswer): number {
  return subSeed(seed, parseInt(hash64(JSON.stringify([promptKey(a), a.answer])).slice(0, 8), 16));
}

/** Marks one answer with a simulated marker; returns the new mark. */
export function markAnswer(a: UnmarkedAnswer, marker: Marker & { kind: 'simulated' }, policyVersion: string, at: string): MarkRecord {
  return makeMark({
    scene: canonicalScene(a.scene),
    image: { perception: { ...a.image.perception }, noiseSeed: a.image.noiseSeed },
    question: a.question,
    ...(a.questionType ? { questionType: a.questionType } : {}),
    answer: a.answer,
    sentences: markSentences(marker.settings, a.scene, a.question, a.answer, new Rng(markDrawSeed(marker.seed, a))),
    markedBy: marker,
    markedAt: at,
    policyVersion,
  });
}
