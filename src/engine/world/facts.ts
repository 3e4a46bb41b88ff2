// The facts caption of a scene: one sentence per object, in reading order, then the
// environment. This is what the Fact-RM reads, as the paper's reward model reads captions.

import type { Scene } from './scene';
import { fullRef } from '../language/phrases';
import { writeClaim } from '../language/writer';

/** Returns the fact sentences, objects top-left to bottom-right, then "it is day|night .". */
export function factSentences(scene: Scene): string[] {
  const objs = [...scene.objects].sort((a, b) => a.row - b.row || a.col - b.col);
  return [
    ...objs.map((o) => writeClaim({ kind: 'exists', obj: fullRef(o), place: { row: o.row, col: o.col } })),
    writeClaim({ kind: 'environment', background: scene.background }),
  ];
}

/** Returns the facts caption as one text. */
export function factsText(scene: Scene): string {
  return factSentences(scene).join(' ');
}
