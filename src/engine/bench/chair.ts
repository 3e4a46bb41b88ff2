// CHAIR on descriptions: CHAIR_i = hallucinated object mentions / all object mentions;
// CHAIR_s = descriptions with at least one hallucinated mention / all descriptions.
// A mention is a phrase naming a shape in a positive claim; it is hallucinated when no
// object of the scene fits it.

import type { Scene } from '../world/scene';
import { benchSeed, sampleScene } from '../world/sampler';
import { parseResponse } from '../language/parser';
import type { Claim } from '../language/claims';
import type { ObjectRef } from '../language/phrases';
import { writeQuestion } from '../language/question';
import { matching } from '../judge/truth';

export interface ChairItem {
  id: string;
  scene: Scene;
  question: string;
}

export const CHAIR_SIZES = { standard: 50, large: 300 } as const;

/** Returns the CHAIR items (one "describe the image ." per scene); fixed for a given size. */
export function chairItems(size: keyof typeof CHAIR_SIZES = 'standard'): ChairItem[] {
  return Array.from({ length: CHAIR_SIZES[size] }, (_, i) => ({
    id: `chair-${String(i).padStart(3, '0')}`,
    scene: sampleScene(benchSeed(12, i)),
    question: writeQuestion({ kind: 'describe' }),
  }));
}

/** The object phrases a claim says are there (absence and counts mention nothing). */
export function mentions(c: Claim): ObjectRef[] {
  switch (c.kind) {
    case 'exists':
    case 'attribute':
      return [c.obj];
    case 'relation':
    case 'compare':
      return [c.a, c.b];
    default:
      return [];
  }
}

export interface ChairReport {
  chairI: number;
  chairS: number;
  mentions: number;
  n: number;
}

/** Scores descriptions (by item id); items without a response are left out. */
export function scoreChair(items: ChairItem[], responses: ReadonlyMap<string, string>): ChairReport {
  let all = 0;
  let bad = 0;
  let badDescriptions = 0;
  let n = 0;
  for (const it of items) {
    const r = responses.get(it.id);
    if (r === undefined) continue;
    n++;
    let here = 0;
    for (const s of parseResponse(r)) {
      for (const ref of (s.claims ?? []).flatMap(mentions)) {
        if (!ref.shape) continue;
        all++;
        if (matching(it.scene, ref).length === 0) here++;
      }
    }
    bad += here;
    if (here > 0) badDescriptions++;
  }
  return { chairI: all === 0 ? 0 : bad / all, chairS: n === 0 ? 0 : badDescriptions / n, mentions: all, n };
}
