// Question generators for the eight MMHal-Bench types, each with a reference answer that is
// short and correct. Both the SFT data and the benchmarks are built from these.

import { Rng } from '../world/rng';
import { COLORS, SHAPES, type Scene, type SceneObject } from '../world/scene';
import { CATEGORIES, categoryKey, drawCategory, partnersOf, sceneCategories, trainingStats, type Category } from '../world/sampler';
import type { Claim } from '../language/claims';
import { fullRef, type ObjectRef, RELATIONS } from '../language/phrases';
import { writeQuestion, type QuestionSpec, type QuestionType } from '../language/question';
import { writeAnswerWith, writeClaim } from '../language/writer';
import { factSentences } from '../world/facts';
import { matching, relationHolds } from '../judge/truth';
import { uniqueRef } from './refs';

export interface Question {
  type: QuestionType;
  spec: QuestionSpec;
  text: string;
  /** A short, correct answer in the core grammar. */
  reference: string;
  /** The claims of the reference answer (for writers that elaborate on it). */
  referenceClaims: Claim[];
}

const place = (o: SceneObject) => ({ row: o.row, col: o.col });
const catRef = (c: Category): ObjectRef => ({ color: c.color, shape: c.shape });

/** An absent category, preferring the prior's partners of present objects (the adversarial choice). */
export function absentPartner(scene: Scene, rng: Rng): Category {
  const present = new Set(sceneCategories(scene).map(categoryKey));
  const partners = sceneCategories(scene)
    .flatMap(partnersOf)
    .filter((c) => !present.has(categoryKey(c)));
  if (partners.length > 0) return rng.pick(partners);
  for (;;) {
    const c = drawCategory(rng);
    if (!present.has(categoryKey(c))) return c;
  }
}

/** Where the absent object of an existence question comes from, as POPE draws them. */
export const ABSENT_POOLS = ['random', 'popular', 'cooccurring'] as const;
export type AbsentPool = (typeof ABSENT_POOLS)[number];

/**
 * An absent category drawn from a pool: `random`, any absent category; `popular`, one of the three
 * absent categories most frequent in training scenes; `cooccurring`, one of the three absent
 * categories most often seen beside the scene's objects (POPE's adversarial choice).
 */
export function absentFrom(scene: Scene, pool: AbsentPool, rng: Rng): Category {
  const present = sceneCategories(scene);
  const have = new Set(present.map(categoryKey));
  const absent = CATEGORIES.filter((c) => !have.has(categoryKey(c)));
  if (pool === 'random') return rng.pick(absent);
  const stats = trainingStats();
  const weight = (c: Category) =>
    pool === 'popular' ? (stats.frequency.get(categoryKey(c)) ?? 0) : present.reduce((s, p) => s + (stats.together.get(`${categoryKey(p)}|${categoryKey(c)}`) ?? 0), 0);
  return rng.pick(
    rng
      .shuffle(absent)
      .sort((a, b) => weight(b) - weight(a))
      .slice(0, 3),
  );
}

/** An existence question ("is there a X in the image ?") about a present category (one of the scene's) or an absent one from a pool. */
export function existenceQuestion(scene: Scene, target: 'present' | AbsentPool, rng: Rng, focus?: (o: SceneObject) => boolean): Question {
  if (target === 'present') {
    const wanted = focus ? scene.objects.filter(focus) : [];
    const o = rng.pick(wanted.length > 0 ? wanted : scene.objects);
    return existsQuestion('other', scene, { color: o.color, shape: o.shape });
  }
  return existsQuestion(target === 'cooccurring' ? 'adversarial' : 'other', scene, absentFrom(scene, target, rng));
}

/**
 * An existence question about one attribute alone, a colour ("is there a red object in the image ?")
 * or a shape ("is there a circle in the image ?"), present or absent in the scene: the easier half
 * of "is there a red circle ?", which asks for both on one object. Undefined when no value fits.
 */
export function attributeExistenceQuestion(scene: Scene, present: boolean, attr: 'color' | 'shape', rng: Rng): Question | undefined {
  const values: readonly string[] = attr === 'color' ? COLORS : SHAPES;
  const have = new Set(scene.objects.map((o) => o[attr]));
  const pool = values.filter((v) => have.has(v as never) === present);
  if (pool.length === 0) return undefined;
  const v = rng.pick(pool);
  return existsQuestion('other', scene, attr === 'color' ? { color: v as Category['color'] } : { shape: v as Category['shape'] });
}

function build(type: QuestionType, spec: QuestionSpec, claims: Claim[], reference?: string): Question {
  return { type, spec, text: writeQuestion(spec), reference: reference ?? claims.map(writeClaim).join(' '), referenceClaims: claims };
}

/** Which objects a question should be about when it can (the others still serve as second objects). */
export type Focus = (o: SceneObject) => boolean;

/** Objects in random order (those in focus first) that have a unique phrase avoiding the given attributes. */
function nameable(scene: Scene, rng: Rng, avoid: ('size' | 'color' | 'shape')[] = [], focus?: Focus): { o: SceneObject; ref: ObjectRef }[] {
  const order = rng.shuffle(scene.objects);
  const ranked = focus ? [...order.filter(focus), ...order.filter((o) => !focus(o))] : order;
  return ranked.flatMap((o) => {
    const ref = uniqueRef(scene, o, avoid);
    return ref ? [{ o, ref }] : [];
  });
}

function existsQuestion(type: QuestionType, scene: Scene, cat: Category | ObjectRef): Question {
  const obj: ObjectRef = 'color' in cat && 'shape' in cat && cat.color && cat.shape ? catRef(cat as Category) : { ...cat };
  const found = matching(scene, obj)[0];
  const spec: QuestionSpec = { kind: 'exists', obj };
  if (found) {
    const claim: Claim = { kind: 'exists', obj, place: place(found) };
    return build(type, spec, [{ kind: 'answer', yes: true }, claim], writeAnswerWith(true, claim));
  }
  const claim: Claim = { kind: 'absent', obj };
  return build(type, spec, [{ kind: 'answer', yes: false }, claim], writeAnswerWith(false, claim));
}

/** Generators by type; each returns undefined when the scene cannot support the question. */
const GENERATORS: Record<QuestionType, (scene: Scene, rng: Rng, focus?: Focus) => Question | undefined> = {
  attribute(scene, rng, focus) {
    const attr = rng.pick(['color', 'size', 'shape'] as const);
    const pick = nameable(scene, rng, [attr], focus)[0];
    if (!pick) return undefined;
    const { o, ref } = pick;
    const spec: QuestionSpec = { kind: 'attr', attr, obj: ref };
    if (attr === 'shape') return build('attribute', spec, [{ kind: 'exists', obj: { ...ref, shape: o.shape } }]);
    return build('attribute', spec, [attr === 'color' ? { kind: 'attribute', obj: ref, color: o.color } : { kind: 'attribute', obj: ref, size: o.size }]);
  },
  adversarial(scene, rng) {
    return existsQuestion('adversarial', scene, absentPartner(scene, rng));
  },
  comparison(scene, rng, focus) {
    const [a, b] = nameable(scene, rng, ['size'], focus);
    if (!a || !b) return undefined;
    const spec: QuestionSpec = { kind: 'bigger', a: a.ref, b: b.ref };
    if (a.o.size === b.o.size) return build('comparison', spec, [{ kind: 'compare', a: a.ref, rel: 'same size', b: b.ref }]);
    const [big, small] = a.o.size === 'large' ? [a, b] : [b, a];
    return build('comparison', spec, [{ kind: 'compare', a: big.ref, rel: 'bigger', b: small.ref }]);
  },
  counting(scene, rng, focus) {
    const wanted = focus ? scene.objects.filter(focus) : [];
    const o = rng.pick(wanted.length > 0 ? wanted : scene.objects);
    const obj: ObjectRef = rng.pick([{ shape: o.shape }, { color: o.color, shape: o.shape }, { color: o.color }, {}]);
    const n = matching(scene, obj).length;
    return build('counting', { kind: 'count', obj }, [{ kind: 'count', obj, n }]);
  },
  spatial(scene, rng, focus) {
    const named = nameable(scene, rng, [], focus);
    const [a, b] = named;
    if (!a) return undefined;
    if (!b || rng.chance(0.5)) return build('spatial', { kind: 'where', obj: a.ref }, [{ kind: 'attribute', obj: a.ref, place: place(a.o) }]);
    const rel = rng.pick(RELATIONS);
    const spec: QuestionSpec = { kind: 'relation', a: a.ref, rel, b: b.ref };
    if (relationHolds(a.o, rel, b.o)) {
      const claim: Claim = { kind: 'relation', a: a.ref, rel, b: b.ref };
      return build('spatial', spec, [{ kind: 'answer', yes: true }, claim], writeAnswerWith(true, claim));
    }
    const truer = RELATIONS.find((r) => (r === 'left of' || r === 'right of') === (rel === 'left of' || rel === 'right of') && relationHolds(a.o, r, b.o));
    if (!truer) return build('spatial', spec, [{ kind: 'answer', yes: false }]);
    const claim: Claim = { kind: 'relation', a: a.ref, rel: truer, b: b.ref };
    return build('spatial', spec, [{ kind: 'answer', yes: false }, claim], writeAnswerWith(false, claim));
  },
  environment(scene) {
    return build('environment', { kind: 'environment' }, [{ kind: 'environment', background: scene.background }]);
  },
  holistic(scene) {
    const claims: Claim[] = scene.objects.map((o) => ({ kind: 'exists', obj: fullRef(o), place: place(o) }));
    return build('holistic', { kind: 'describe' }, claims, factSentences(scene).slice(0, -1).join(' '));
  },
  other(scene, rng) {
    const present = rng.chance(0.5);
    const cat = present ? rng.pick(sceneCategories(scene)) : absentPartner(scene, rng);
    return existsQuestion('other', scene, cat);
  },
};

/**
 * Returns a question of the given type about the scene, or undefined when the scene cannot
 * support that type (comparison needs two objects that can be named apart, for example).
 * With `focus`, the question is about an object in focus where the type and scene allow
 * (attribute, comparison, counting, spatial); the other types ignore it. Without it the draws are
 * exactly those of earlier versions, so benchmark items do not move.
 */
export function makeQuestion(scene: Scene, type: QuestionType, rng: Rng, focus?: Focus): Question | undefined {
  for (let attempt = 0; attempt < 4; attempt++) {
    const q = GENERATORS[type](scene, rng, focus);
    if (q) return q;
  }
  return undefined;
}
