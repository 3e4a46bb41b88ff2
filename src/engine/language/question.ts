// Questions: the eight MMHal-Bench types, what each asks in a form the judge can check,
// and how each is written and read. The judge reads the text alone, so tools outside the
// project can ask questions too.

import { bareNoun, objectPhrase, type ObjectRef, type Relation } from './phrases';
import { Words, readNoun, readPhrase, words } from './parser';

export const QUESTION_TYPES = [
  'attribute',
  'adversarial',
  'comparison',
  'counting',
  'spatial',
  'environment',
  'holistic',
  'other',
] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

/** What a question asks, independent of its wording. */
export type QuestionSpec =
  /** "is there a [size] [colour] shape in the image ?" */
  | { kind: 'exists'; obj: ObjectRef }
  /** "what color is the X ?" / "what size is the X ?" / "what shape is the X object ?" */
  | { kind: 'attr'; attr: 'color' | 'size' | 'shape'; obj: ObjectRef }
  /** "where is the X ?" */
  | { kind: 'where'; obj: ObjectRef }
  /** "is the X left of the Y ?" */
  | { kind: 'relation'; a: ObjectRef; rel: Relation; b: ObjectRef }
  /** "which is bigger , the X or the Y ?" */
  | { kind: 'bigger'; a: ObjectRef; b: ObjectRef }
  /** "how many X are there ?" (no shape: objects) */
  | { kind: 'count'; obj: ObjectRef }
  /** "is it day or night ?" */
  | { kind: 'environment' }
  /** "describe the image ." */
  | { kind: 'describe' };

/** Returns the text of a question. */
export function writeQuestion(q: QuestionSpec): string {
  switch (q.kind) {
    case 'exists':
      return `is there ${objectPhrase(q.obj, 'a')} in the image ?`;
    case 'attr':
      return `what ${q.attr} is ${objectPhrase(q.obj, 'the')} ?`;
    case 'where':
      return `where is ${objectPhrase(q.obj, 'the')} ?`;
    case 'relation':
      return `is ${objectPhrase(q.a, 'the')} ${q.rel} ${objectPhrase(q.b, 'the')} ?`;
    case 'bigger':
      return `which is bigger , ${objectPhrase(q.a, 'the')} or ${objectPhrase(q.b, 'the')} ?`;
    case 'count':
      return `how many ${bareNoun(q.obj, true)} are there ?`;
    case 'environment':
      return 'is it day or night ?';
    case 'describe':
      return 'describe the image .';
  }
}

/** Reads a question; returns undefined when it is not one the judge understands. */
export function parseQuestion(text: string): QuestionSpec | undefined {
  const all = words(text);
  const last = all[all.length - 1];
  if (all.join(' ') === 'describe the image .') return { kind: 'describe' };
  if (last !== '?') return undefined;
  const w = new Words(all.slice(0, -1));
  const q = readQuestion(w);
  return q && w.done ? q : undefined;
}

function readQuestion(w: Words): QuestionSpec | undefined {
  if (w.eat('is', 'it', 'day', 'or', 'night')) return { kind: 'environment' };
  if (w.eat('is', 'there')) {
    const obj = readPhrase(w, 'a');
    return obj && w.eat('in', 'the', 'image') ? { kind: 'exists', obj } : undefined;
  }
  if (w.eat('is')) {
    const a = readPhrase(w, 'the');
    if (!a) return undefined;
    let rel: Relation | undefined;
    if (w.eat('left', 'of')) rel = 'left of';
    else if (w.eat('right', 'of')) rel = 'right of';
    else if (w.eat('above')) rel = 'above';
    else if (w.eat('below')) rel = 'below';
    const b = rel ? readPhrase(w, 'the') : undefined;
    return rel && b ? { kind: 'relation', a, rel, b } : undefined;
  }
  if (w.eat('what')) {
    const attr = w.oneOf(['color', 'size', 'shape'] as const);
    if (!attr || !w.eat('is')) return undefined;
    const obj = readPhrase(w, 'the');
    return obj ? { kind: 'attr', attr, obj } : undefined;
  }
  if (w.eat('where', 'is')) {
    const obj = readPhrase(w, 'the');
    return obj ? { kind: 'where', obj } : undefined;
  }
  if (w.eat('which', 'is', 'bigger', ',')) {
    const a = readPhrase(w, 'the');
    const b = a && w.eat('or') ? readPhrase(w, 'the') : undefined;
    return a && b ? { kind: 'bigger', a, b } : undefined;
  }
  if (w.eat('how', 'many')) {
    const obj = readNoun(w, true);
    return obj && w.eat('are', 'there') ? { kind: 'count', obj } : undefined;
  }
  return undefined;
}
