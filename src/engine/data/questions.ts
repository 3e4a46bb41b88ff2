// Question generators for the eight MMHal-Bench types, each with a reference answer that is
// short and correct. Both the SFT data and the benchmarks are built from these.

import { Rng } from '../world/rng';
import type { Scene, SceneObject } from '../world/scene';
import { categoryKey, drawCategory, partnersOf, sceneCategories, type Category } from '../world/sampler';
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

function build(type: QuestionType, spec: QuestionSpec, claims: Claim[], reference?: string): Question {
  return { type, spec, text: writeQuestion(spec), reference: reference ?? claims.map(writeClaim).join(' '), referenceClaims: claims };
}

/** Objects in random order that have a unique phrase avoiding the given attributes. */
function nameable(scene: Scene, rng: Rng, avoid: ('size' | 'color' | 'shape')[] = []): { o: SceneObject; ref: ObjectRef }[] {
  return rng.shuffle(scene.objects).flatMap((o) => {
    const ref = uniqueRef(scene, o, avoid);
    return ref ? [{ o, ref }] : [];
  });
}

function existsQuestion(type: QuestionType, scene: Scene, cat: Category): Question {
  const obj = catRef(cat);
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
const GENERATORS: Record<QuestionType, (scene: Scene, rng: Rng) => Question | undefined> = {
  attribute(scene, rng) {
    const attr = rng.pick(['color', 'size', 'shape'] as const);
    const pick = nameable(scene, rng, [attr])[0];
    if (!pick) return undefined;
    const { o, ref } = pick;
    const spec: QuestionSpec = { kind: 'attr', attr, obj: ref };
    if (attr === 'shape') return build('attribute', spec, [{ kind: 'exists', obj: { ...ref, shape: o.shape } }]);
    return build('attribute', spec, [attr === 'color' ? { kind: 'attribute', obj: ref, color: o.color } : { kind: 'attribute', obj: ref, size: o.size }]);
  },
  adversarial(scene, rng) {
    return existsQuestion('adversarial', scene, absentPartner(scene, rng));
  },
  comparison(scene, rng) {
    const [a, b] = nameable(scene, rng, ['size']);
    if (!a || !b) return undefined;
    const spec: QuestionSpec = { kind: 'bigger', a: a.ref, b: b.ref };
    if (a.o.size === b.o.size) return build('comparison', spec, [{ kind: 'compare', a: a.ref, rel: 'same size', b: b.ref }]);
    const [big, small] = a.o.size === 'large' ? [a, b] : [b, a];
    return build('comparison', spec, [{ kind: 'compare', a: big.ref, rel: 'bigger', b: small.ref }]);
  },
  counting(scene, rng) {
    const o = rng.pick(scene.objects);
    const obj: ObjectRef = rng.pick([{ shape: o.shape }, { color: o.color, shape: o.shape }, { color: o.color }, {}]);
    const n = matching(scene, obj).length;
    return build('counting', { kind: 'count', obj }, [{ kind: 'count', obj, n }]);
  },
  spatial(scene, rng) {
    const named = nameable(scene, rng);
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
 */
export function makeQuestion(scene: Scene, type: QuestionType, rng: Rng): Question | undefined {
  for (let attempt = 0; attempt < 4; attempt++) {
    const q = GENERATORS[type](scene, rng);
    if (q) return q;
  }
  return undefined;
}
