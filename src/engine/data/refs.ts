// Picking phrases that name exactly one object, so that a question about "the red circle"
// has one right answer.

import type { Scene, SceneObject } from '../world/scene';
import { refMatches, type ObjectRef } from '../language/phrases';

type Attr = 'size' | 'color' | 'shape';

/** The attribute sets tried, shortest first. */
const TRIES: readonly Attr[][] = [['shape'], ['color', 'shape'], ['size', 'shape'], ['size', 'color', 'shape'], ['color'], ['size', 'color']];

/**
 * Returns the shortest phrase that names this object and no other, never using the
 * attributes in `avoid` (the ones a question asks about); undefined if there is none.
 */
export function uniqueRef(scene: Scene, o: SceneObject, avoid: readonly Attr[] = []): ObjectRef | undefined {
  for (const attrs of TRIES) {
    if (attrs.some((a) => avoid.includes(a))) continue;
    const ref: ObjectRef = {};
    for (const a of attrs) {
      if (a === 'size') ref.size = o.size;
      if (a === 'color') ref.color = o.color;
      if (a === 'shape') ref.shape = o.shape;
    }
    if (scene.objects.filter((x) => refMatches(ref, x)).length === 1) return ref;
  }
  return undefined;
}
