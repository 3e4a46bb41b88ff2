// SFT data from two sources, mixed by a knob (DESIGN.md, section 2): "synthetic" answers are
// fluent and long but hallucinate at a set rate along the co-occurrence prior; "vqa" answers
// are short and always correct. Part of the data carries the scene's facts in the prompt, and
// those answers are copied from the facts. What is asked (question kinds, yes/no balance, where
// absent objects come from) is a second set of knobs, `SftDataShape`.

import { Rng } from '../world/rng';
import { GRID, type Scene, type SceneObject } from '../world/scene';
import { sampleScene, trainSeed, type Category } from '../world/sampler';
import { factSentences } from '../world/facts';
import type { Claim } from '../language/claims';
import { FILLER, fullRef } from '../language/phrases';
import type { QuestionType } from '../language/question';
import { writeAnswerWith, writeClaim } from '../language/writer';
import { ABSENT_POOLS, absentPartner, existenceQuestion, makeQuestion, type AbsentPool, type Focus, type Question } from '../data/questions';

/** The four knobs of the page's data mixture. */
export interface SftMixture {
  /** Share of examples from the short, correct VQA-style source (0 = plain SFT; the "SFT+" recipe adds it). */
  vqaShare: number;
  /** Share of synthetic answers (without facts in the prompt, and not "i am not sure") that hallucinate. */
  hallucinationRate: number;
  /** Share of synthetic answers padded with a filler sentence. */
  fillerRate: number;
  /** Share of examples whose prompt carries the scene's facts (those answers are copied from the facts and never hallucinate). */
  factsShare: number;
}

export const SFT_MIXTURE: SftMixture = { vqaShare: 0, hallucinationRate: 0.4, fillerRate: 0.3, factsShare: 0.25 };
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
  /** Relative weight of each pool the absent objects are drawn from, as POPE draws them (co-occurring ones are the "adversarial" type). */
  absentPools: Readonly<Record<AbsentPool, number>>;
  /** Relative weight of each question kind in the facts-conditioned examples: the ones whose answers must come from the facts. */
  factsKinds: Readonly<Record<SftKind, number>>;
  /** Share of facts-conditioned questions that are about a small object where they can: the details the pixels leave unclear. */
  factsSmallFocus: number;
  /** Share of synthetic answers without facts that are the honest "i am not sure ." instead. */
  unsureRate: number;
}

export const SFT_DATA_SHAPE: SftDataShape = {
  // Places, counts and attributes outweigh the easy kinds, so the asked fact is learnt from the image.
  kinds: { attribute: 1.5, comparison: 0.75, counting: 1.25, spatial: 1.5, environment: 0.5, holistic: 1.25, existence: 2 },
  yesShare: 0.5,
  absentPools: { random: 1, popular: 1, cooccurring: 1 },
  factsKinds: { attribute: 1, comparison: 0.25, counting: 0.5, spatial: 1, environment: 0.1, holistic: 1.5, existence: 0.5 },
  factsSmallFocus: 0.75,
  unsureRate: 0.04,
};

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
  /** For existence questions: whether the asked object is there, and if not, the pool it came from. */
  asked?: 'present' | AbsentPool;
}

/** The honest, uninformative answer. */
export const UNSURE = 'i am not sure .';

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
  const absentAsked = q.spec.kind === 'exists' && q.referenceClaims.some((c) => c.kind === 'answer' && !c.yes);
  if (hallucinate && q.type === 'adversarial' && absentAsked && q.spec.kind === 'exists') {
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
  const asked = rng.chance(shape.yesShare) ? 'present' : (ABSENT_POOLS[rng.weighted(ABSENT_POOLS.map((p) => shape.absentPools[p]))] as AbsentPool);
  return { q: existenceQuestion(scene, asked, rng, focus), asked };
}

/**
 * Returns n SFT examples drawn from training seeds; the same seed, mixture and shape give the
 * same examples. Each example draws, in order: facts or not (factsShare); the question kind, by
 * the weights of examples with or without facts; then scenes until one supports the question
 * (so every kind gets its share); the source (vqaShare); and for a synthetic answer without
 * facts, "i am not sure ." (unsureRate) or else whether it hallucinates (hallucinationRate).
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
    const hallucinate = source === 'synthetic' && !withFacts && !unsure && rng.chance(mix.hallucinationRate);
    const response = unsure ? UNSURE : source === 'vqa' ? vqaAnswer(q) : syntheticAnswer(scene, q, rng, hallucinate, mix.fillerRate);
    const ex: SftExample = { scene, type: q.type, question: q.text, response, source, hallucinated: hallucinate };
    if (got.asked) ex.asked = got.asked;
    if (withFacts) ex.facts = factSentences(scene);
    out.push(ex);
  }
  return out;
}
