// Informativeness: which of the facts a question asks for a response states correctly.
// Each question kind names its targets; a true claim covers a target when it states it.

import type { Scene, SceneObject } from '../world/scene';
import type { Claim } from '../language/claims';
import { refEquals, refImplies, refMatches, type ObjectRef } from '../language/phrases';
import type { QuestionSpec } from '../language/question';
import { matching } from './truth';

const at = (o: SceneObject, p: { row: number; col: number } | undefined) => !p || (o.row === p.row && o.col === p.col);

/** The phrase a claim describes plus what it says of it, as one ref with a place. */
function described(c: Claim): { ref: ObjectRef; place?: { row: number; col: number } } | undefined {
  if (c.kind === 'exists') return { ref: c.obj, ...(c.place ? { place: c.place } : {}) };
  if (c.kind === 'attribute') {
    const ref: ObjectRef = { ...c.obj };
    if (c.color) ref.color = c.color;
    if (c.size) ref.size = c.size;
    return { ref, ...(c.place ? { place: c.place } : {}) };
  }
  return undefined;
}

/** True when some object matches both the asked phrase and what the claim describes. */
function describesAsked(scene: Scene, asked: ObjectRef, c: Claim): boolean {
  const d = described(c);
  if (!d) return false;
  return scene.objects.some((o) => refMatches(asked, o) && refMatches(d.ref, o) && at(o, d.place));
}

/** True when the claim names the given attribute: in its phrase, or as the value it asserts. */
function statesAttr(c: Claim, attr: 'color' | 'size' | 'shape'): boolean {
  if (c.kind === 'exists') return c.obj[attr] !== undefined;
  if (c.kind !== 'attribute') return false;
  return attr === 'color' ? c.color !== undefined : attr === 'size' ? c.size !== undefined : c.obj.shape !== undefined;
}

/** True when the claim names a place for its object. */
function statesPlace(c: Claim): boolean {
  return (c.kind === 'exists' || c.kind === 'attribute') && c.place !== undefined;
}

/** True when a true absent claim rules out the asked phrase. */
function deniesAsked(asked: ObjectRef, c: Claim): boolean {
  return c.kind === 'absent' && refImplies(asked, c.obj);
}

/** True when a two-phrase claim is about the two asked phrases, in either order. */
function aboutPair(scene: Scene, a: ObjectRef, b: ObjectRef, ca: ObjectRef, cb: ObjectRef): boolean {
  const meets = (x: ObjectRef, y: ObjectRef) => matching(scene, x).some((o) => refMatches(y, o));
  return (meets(a, ca) && meets(b, cb)) || (meets(a, cb) && meets(b, ca));
}

/**
 * Returns the share of asked facts that the true claims state, in [0, 1].
 * `trueClaims` must hold only claims already checked true against the scene.
 */
export function informativeness(scene: Scene, q: QuestionSpec, trueClaims: Claim[]): number {
  const any = (f: (c: Claim) => boolean) => (trueClaims.some(f) ? 1 : 0);
  switch (q.kind) {
    case 'exists':
      return any((c) => c.kind === 'answer' || (c.kind === 'exists' && refImplies(c.obj, q.obj)) || deniesAsked(q.obj, c));
    case 'attr': {
      if (matching(scene, q.obj).length === 0) return any((c) => deniesAsked(q.obj, c));
      return any((c) => statesAttr(c, q.attr) && describesAsked(scene, q.obj, c));
    }
    case 'where':
      if (matching(scene, q.obj).length === 0) return any((c) => deniesAsked(q.obj, c));
      return any((c) => statesPlace(c) && describesAsked(scene, q.obj, c));
    case 'relation':
      return any((c) => c.kind === 'answer' || (c.kind === 'relation' && aboutPair(scene, q.a, q.b, c.a, c.b)));
    case 'bigger':
      return any((c) => c.kind === 'compare' && aboutPair(scene, q.a, q.b, c.a, c.b));
    case 'count':
      return any((c) => (c.kind === 'count' && refEquals(c.obj, q.obj)) || deniesAsked(q.obj, c));
    case 'environment':
      return any((c) => c.kind === 'environment');
    case 'describe': {
      if (scene.objects.length === 0) return 1;
      const covered = new Set<SceneObject>();
      for (const c of trueClaims) {
        if (c.kind !== 'exists' || !c.obj.shape) continue;
        const o = scene.objects.find((x) => !covered.has(x) && refMatches(c.obj, x) && at(x, c.place));
        if (o) covered.add(o);
      }
      return covered.size / scene.objects.length;
    }
  }
}
