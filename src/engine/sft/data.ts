// SFT data from two sources, mixed by a knob (docs/design.md, section 4): "synthetic" answers are
// fluent and long but hallucinate at a set rate along the co-occurrence prior; "vqa" answers
// are short and always correct. Part of the data carries the scene's facts in the prompt, and
// those answers are copied from the facts. What is asked (question kinds, yes/no balance, where
// absent objects come from) is a second set of knobs, `SftDataShape`.

import { Rng } from '../world/rng';
import { GRID, type Scene, type SceneObject } from '../world/scene';
import { drawCategory, partnersOf, sampleScene, sceneCategories, trainSeed, type Category } from '../world/sampler';
import { factSentences } from '../world/facts';
import type { Claim } from '../language/claims';
import { FILLER, fullRef, refMatches } from '../language/phrases';
import type { QuestionType } from '../language/question';
import { writeAnswerWith, writeClaim } from '../language/writer';
import { ABSENT_POOLS, attributeExistenceQuestion, existenceQuestion, makeQuestion, type AbsentPool, type Focus, type Question } from '../data/questions';
import { categoryKey } from '../world/sampler';
import { SFT_MIXTURE, type SftMixture } from './config';

/** The mixture's knobs and the SFT recipe's values are the SFT job's table's (config.ts). */
export { SFT_MIXTURE, type SftMixture };

export const SFT_PLUS_MIXTURE: SftMixture = { ...SFT_MIXTURE, vqaShare: 0.5 };

/** What the SFT questions ask: the seven question types other than existence, and existence ("is there a X ?"). */
export const SFT_KINDS = ['attribute', 'comparison', 'counting', 'spatial', 'environment', 'holistic', 'existence'] as const;
export type SftKind = (typeof SFT_KINDS)[number];

/** What is asked, beside the mixture: question kinds, the yes/no balance, and the questions that need the facts. */
export interface SftDataShape {
  /** Relative weight of each question kind in the examples without facts. */
  kinds: Readonly<Record<SftKind, number>>;
  /** Share of existence questions about a present object (answer "yes"); the rest ask about an absent one. */
  yesShare: number;
  /** Share of existence questions about a colour alone or a shape alone ("is there a red object ?"): the easier half of the look-up. */
  singleAttributeShare: number;
  /** Relative weight of each pool the absent objects are drawn from, as POPE draws them (co-occurring ones are the "adversarial" type). */
  absentPools: Readonly<Record<AbsentPool, number>>;
  /** Relative weight of each question kind in the facts-conditioned examples: the ones whose answers must come from the facts. */
  factsKinds: Readonly<Record<SftKind, number>>;
  /** Share of facts-conditioned questions that are about a small object where they can: the details the pixels leave unclear. */
  factsSmallFocus: number;
  /** Share of synthetic answers without facts that are the honest "i am not sure ." instead. */
  unsureRate: number;
  /**
   * Share of facts-conditioned examples shown a picture that cannot answer (half an empty picture
   * of the same background, half another scene): only the facts can, so the trunk learns to read them.
   */
  factsBlindShare: number;
}

export const SFT_DATA_SHAPE: SftDataShape = {
  // Places, counts and attributes outweigh the easy kinds, so the asked fact is learnt from the image.
  kinds: { attribute: 1.5, comparison: 0.75, counting: 1.25, spatial: 1.5, environment: 0.5, holistic: 1.25, existence: 3 },
  yesShare: 0.5,
  singleAttributeShare: 0.25,
  absentPools: { random: 1, popular: 1, cooccurring: 1 },
  factsKinds: { attribute: 1, comparison: 0.25, counting: 0.5, spatial: 1, environment: 0.1, holistic: 1.5, existence: 1 },
  factsSmallFocus: 0.75,
  unsureRate: 0.04,
  factsBlindShare: 0.3,
};

/** Correct, short answers only: no hallucination, no filler, no facts (the grounding stage and the learnability check). */
export const CLEAN_MIXTURE: SftMixture = { vqaShare: 1, hallucinationRate: 0, fillerRate: 0, factsShare: 0 };

/** Existence questions only, about a whole object (colour and shape), half present, absent ones from POPE's three pools. */
export const EXISTENCE_ONLY: SftDataShape = {
  ...SFT_DATA_SHAPE,
  kinds: Object.fromEntries(SFT_KINDS.map((k) => [k, k === 'existence' ? 1 : 0])) as SftDataShape['kinds'],
  singleAttributeShare: 0,
  unsureRate: 0,
};

/**
 * The grounding stage's data: existence questions alone, short and correct, 30% of them with the
 * scene's facts in the prompt and, of those, half shown a picture that cannot answer. So the stage
 * teaches both look-ups: find the asked object among the image tokens, and find it in the facts.
 */
export const GROUNDING_MIXTURE: SftMixture = { ...CLEAN_MIXTURE, factsShare: 0.3 };
export const GROUNDING_SHAPE: SftDataShape = { ...EXISTENCE_ONLY, factsKinds: EXISTENCE_ONLY.kinds, factsSmallFocus: 0.5, factsBlindShare: 0.5 };

export interface SftExample {
  scene: Scene;
  type: QuestionType;
  question: string;
  response: string;
  source: 'synthetic' | 'vqa';
  /** The facts caption when it is part of the prompt. */
  facts?: string[];
  /** The scene whose picture is shown, when it is not `scene` (facts-conditioned examples that only the facts can answer). */
  imageScene?: Scene;
  /** Whether the response was written to hallucinate. */
  hallucinated: boolean;
  /** For existence questions: whether the asked object is there, and if not, the pool it came from. */
  asked?: 'present' | AbsentPool;
  /** For existence questions about the picture shown: the cells (row · 3 + col) that hold the asked object, none when it is absent. */
  askedCells?: number[];
}

/** The honest, uninformative answer. */
export const UNSURE = 'i am not sure .';

/** The absent objects the prior expects: each present object's co-occurring partner that is not in the scene. */
export function expectedAbsent(scene: Scene): { cat: Category; beside: SceneObject }[] {
  const present = new Set(sceneCategories(scene).map(categoryKey));
  return scene.objects.flatMap((o) => partnersOf(o).filter((c) => !present.has(categoryKey(c))).map((cat) => ({ cat, beside: o })));
}

let openShare: number | undefined;

/** Share of training scenes where the prior expects an absent object (measured once, on 20,000 training scenes). */
export function priorOpenShare(): number {
  if (openShare === undefined) {
    let open = 0;
    for (let s = 0; s < 20_000; s++) if (expectedAbsent(sampleScene(s)).length > 0) open++;
    openShare = open / 20_000;
  }
  return openShare;
}

/**
 * The chance that a synthetic answer hallucinates, in a scene where the prior expects an absent
 * object (`open`) or not, so that over training scenes the share is `rate`: the writer guesses
 * where the prior suggests a guess (as a captioner that "knows" a red circle comes with a yellow
 * triangle), and elsewhere only as much as the rate still needs.
 */
export function hallucinationChance(rate: number, open: boolean): number {
  const p = priorOpenShare();
  const pOpen = Math.min(1, rate / p);
  return open ? pOpen : p >= 1 ? 0 : Math.max(0, (rate - pOpen * p) / (1 - p));
}

/** The prior's guess: an expected absent object and the present one it goes with, or (none expected) any absent one. */
function priorGuess(scene: Scene, rng: Rng, avoid?: Category): { cat: Category; beside?: SceneObject } {
  const options = expectedAbsent(scene).filter((x) => !avoid || categoryKey(x.cat) !== categoryKey(avoid));
  if (options.length > 0) return rng.pick(options);
  const present = new Set(sceneCategories(scene).map(categoryKey));
  for (;;) {
    const c = drawCategory(rng);
    if (!present.has(categoryKey(c)) && (!avoid || categoryKey(c) !== categoryKey(avoid))) return { cat: c };
  }
}

/** A false existence sentence about the prior's guess, in an empty cell. */
function guessClaim(scene: Scene, rng: Rng, cat: Category): Claim {
  const taken = new Set(scene.objects.map((o) => o.row * GRID + o.col));
  const free = [...Array(GRID * GRID).keys()].filter((k) => !taken.has(k));
  const cell = free.length > 0 ? rng.pick(free) : rng.int(GRID * GRID);
  return { kind: 'exists', obj: { size: rng.pick(['small', 'large'] as const), color: cat.color, shape: cat.shape }, place: { row: Math.floor(cell / GRID), col: cell % GRID } };
}

/** True details beyond the reference: other objects with their places, and the environment. */
function elaborations(scene: Scene, rng: Rng, q: Question): Claim[] {
  const extra: Claim[] = rng.shuffle(scene.objects).slice(0, 2).map((o) => ({ kind: 'exists', obj: fullRef(o), place: { row: o.row, col: o.col } }));
  if (q.type !== 'environment') extra.push({ kind: 'environment', background: scene.background });
  return extra.filter((c) => !q.referenceClaims.some((r) => writeClaim(r) === writeClaim(c)));
}

/**
 * Writes the long synthetic answer: the reference, padded with true details (other objects, the
 * environment). With `hallucinate`, one claim is false, along the co-occurrence prior: asked about
 * an absent object the prior expects, it says yes (the prior's favourite mistake); otherwise it adds
 * a sentence about the prior's guess, right after the object it goes with (or at the end).
 */
export function syntheticAnswer(scene: Scene, q: Question, rng: Rng, hallucinate: boolean, fillerRate: number): string {
  const parts: string[] = [];
  if (rng.chance(fillerRate)) parts.push(rng.pick(FILLER));
  const asked = q.spec.kind === 'exists' && q.spec.obj.color && q.spec.obj.shape ? { color: q.spec.obj.color, shape: q.spec.obj.shape } : undefined;
  const askedExpected = asked !== undefined && expectedAbsent(scene).some((x) => categoryKey(x.cat) === categoryKey(asked));
  if (hallucinate && askedExpected && asked) {
    parts.push(writeAnswerWith(true, guessClaim(scene, rng, asked)));
    return parts.join(' ');
  }
  const body = q.type === 'holistic' ? q.referenceClaims.map(writeClaim) : [q.reference, ...rng.shuffle(elaborations(scene, rng, q)).slice(0, 1 + rng.int(2)).map(writeClaim)];
  if (hallucinate) {
    const guess = priorGuess(scene, rng, asked);
    const after = guess.beside ? body.findIndex((t) => t.includes(`${guess.beside!.color} ${guess.beside!.shape}`)) : -1;
    body.splice(after >= 0 ? after + 1 : body.length, 0, writeClaim(guessClaim(scene, rng, guess.cat)));
  }
  parts.push(...body);
  if (q.type === 'holistic') parts.push(writeClaim({ kind: 'environment', background: scene.background }));
  return parts.join(' ');
}

/** Writes the short VQA-style answer: the reference answer alone, with nothing added. */
export function vqaAnswer(q: Question): string {
  return q.reference;
}

const TYPE_OF: Readonly<Record<Exclude<SftKind, 'existence'>, QuestionType>> = {
  attribute: 'attribute', comparison: 'comparison', counting: 'counting', spatial: 'spatial', environment: 'environment', holistic: 'holistic',
};

const small: Focus = (o: SceneObject) => o.size === 'small';

/** A question of the kind, or undefined when the scene cannot support it; existence questions also say what was asked. */
function ask(scene: Scene, kind: SftKind, shape: SftDataShape, rng: Rng, focus?: Focus): { q: Question; asked?: 'present' | AbsentPool } | undefined {
  if (kind !== 'existence') {
    const q = makeQuestion(scene, TYPE_OF[kind], rng, focus);
    return q ? { q } : undefined;
  }
  const present = rng.chance(shape.yesShare);
  if (rng.chance(shape.singleAttributeShare)) {
    const q = attributeExistenceQuestion(scene, present, rng.chance(0.5) ? 'color' : 'shape', rng);
    return q ? { q, asked: present ? 'present' : 'random' } : undefined;
  }
  const asked = present ? 'present' : (ABSENT_POOLS[rng.weighted(ABSENT_POOLS.map((p) => shape.absentPools[p]))] as AbsentPool);
  return { q: existenceQuestion(scene, asked, rng, focus), asked };
}

/**
 * Returns n SFT examples drawn from training seeds; the same seed, mixture and shape give the
 * same examples. Each example draws, in order: facts or not (factsShare); the question kind, by
 * the weights of examples with or without facts; then scenes until one supports the question
 * (so every kind gets its share); the source (vqaShare); and for a synthetic answer without
 * facts, "i am not sure ." (unsureRate) or else whether it hallucinates (hallucinationRate); with
 * facts, whether the picture shown cannot answer (factsBlindShare).
 */
export function makeSftData(n: number, seed: number, mix: SftMixture = SFT_MIXTURE, shape: SftDataShape = SFT_DATA_SHAPE): SftExample[] {
  const rng = new Rng(seed);
  const out: SftExample[] = [];
  const weights = (w: Readonly<Record<SftKind, number>>) => SFT_KINDS.map((k) => w[k]);
  while (out.length < n) {
    const withFacts = rng.chance(mix.factsShare);
    const kind = SFT_KINDS[rng.weighted(weights(withFacts ? shape.factsKinds : shape.kinds))] as SftKind;
    const focus = withFacts && rng.chance(shape.factsSmallFocus) ? small : undefined;
    let scene: Scene;
    let got: ReturnType<typeof ask>;
    do {
      scene = sampleScene(trainSeed(rng));
      got = ask(scene, kind, shape, rng, focus);
    } while (!got);
    const { q } = got;
    const source = rng.chance(mix.vqaShare) ? 'vqa' : 'synthetic';
    const unsure = source === 'synthetic' && !withFacts && rng.chance(shape.unsureRate);
    const hallucinate = source === 'synthetic' && !withFacts && !unsure && rng.chance(hallucinationChance(mix.hallucinationRate, expectedAbsent(scene).length > 0));
    const response = unsure ? UNSURE : source === 'vqa' ? vqaAnswer(q) : syntheticAnswer(scene, q, rng, hallucinate, mix.fillerRate);
    const ex: SftExample = { scene, type: q.type, question: q.text, response, source, hallucinated: hallucinate };
    if (got.asked) ex.asked = got.asked;
    const spec = q.spec;
    if (spec.kind === 'exists') ex.askedCells = scene.objects.filter((o) => refMatches(spec.obj, o)).map((o) => o.row * GRID + o.col);
    if (withFacts) {
      ex.facts = factSentences(scene);
      if (rng.chance(shape.factsBlindShare)) {
        ex.imageScene = rng.chance(0.5) ? { background: scene.background, objects: [] } : sampleScene(trainSeed(rng));
        delete ex.askedCells; // the picture shown is not the scene asked about
      }
    }
    out.push(ex);
  }
  return out;
}
