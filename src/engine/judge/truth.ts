// Checks one claim against a scene. Definite phrases presume their object exists; where a
// phrase names several objects, a claim holds if it holds for at least one of them.

import type { Scene, SceneObject } from '../world/scene';
import type { Claim } from '../language/claims';
import { refMatches, type ObjectRef, type Relation } from '../language/phrases';
import type { QuestionSpec } from '../language/question';

/** Returns the objects of the scene that a phrase names. */
export function matching(scene: Scene, ref: ObjectRef): SceneObject[] {
  return scene.objects.filter((o) => refMatches(ref, o));
}

/** Returns whether a holds the relation to b on the grid, strictly by column or row. */
export function relationHolds(a: SceneObject, rel: Relation, b: SceneObject): boolean {
  switch (rel) {
    case 'left of':
      return a.col < b.col;
    case 'right of':
      return a.col > b.col;
    case 'above':
      return a.row < b.row;
    case 'below':
      return a.row > b.row;
  }
}

function somePair(scene: Scene, a: ObjectRef, b: ObjectRef, test: (x: SceneObject, y: SceneObject) => boolean): boolean {
  const as = matching(scene, a);
  const bs = matching(scene, b);
  return as.some((x) => bs.some((y) => x !== y && test(x, y)));
}

/** The yes/no truth of a yes/no question, or undefined for questions that are not yes/no. */
export function yesNoTruth(scene: Scene, q: QuestionSpec | undefined): boolean | undefined {
  if (q?.kind === 'exists') return matching(scene, q.obj).length > 0;
  if (q?.kind === 'relation') return somePair(scene, q.a, q.b, (x, y) => relationHolds(x, q.rel, y));
  return undefined;
}

/**
 * Returns the truth of a claim: true, false, or null for claims that assert nothing
 * ("i am not sure", or a yes/no that answers no yes/no question).
 */
export function claimTruth(scene: Scene, c: Claim, q?: QuestionSpec): boolean | null {
  switch (c.kind) {
    case 'exists':
      return scene.objects.some((o) => refMatches(c.obj, o) && (!c.place || (o.row === c.place.row && o.col === c.place.col)));
    case 'absent':
      return matching(scene, c.obj).length === 0;
    case 'count':
      return matching(scene, c.obj).length === c.n;
    case 'attribute':
      return matching(scene, c.obj).some(
        (o) =>
          (!c.color || o.color === c.color) &&
          (!c.size || o.size === c.size) &&
          (!c.place || (o.row === c.place.row && o.col === c.place.col)),
      );
    case 'relation':
      return somePair(scene, c.a, c.b, (x, y) => relationHolds(x, c.rel, y));
    case 'compare':
      return somePair(scene, c.a, c.b, (x, y) =>
        c.rel === 'same size' ? x.size === y.size : c.rel === 'bigger' ? x.size === 'large' && y.size === 'small' : x.size === 'small' && y.size === 'large',
      );
    case 'environment':
      return scene.background === c.background;
    case 'answer': {
      const t = yesNoTruth(scene, q);
      return t === undefined ? null : t === c.yes;
    }
    case 'unsure':
      return null;
  }
}
