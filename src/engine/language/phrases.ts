// The words of the core grammar (docs/design.md, section 1): object phrases, places, numbers,
// plurals and filler. Both the writer and the parser read these tables, so they never drift.

import type { Color, SceneObject, Shape, Size } from '../world/scene';

/** A noun phrase naming objects: any attribute left out is unconstrained; no shape means "object". */
export interface ObjectRef {
  size?: Size;
  color?: Color;
  shape?: Shape;
}

export const PLACES: readonly { row: number; col: number; text: string }[] = [
  { row: 0, col: 0, text: 'at the top left' },
  { row: 0, col: 1, text: 'at the top' },
  { row: 0, col: 2, text: 'at the top right' },
  { row: 1, col: 0, text: 'on the left' },
  { row: 1, col: 1, text: 'in the center' },
  { row: 1, col: 2, text: 'on the right' },
  { row: 2, col: 0, text: 'at the bottom left' },
  { row: 2, col: 1, text: 'at the bottom' },
  { row: 2, col: 2, text: 'at the bottom right' },
];

export interface Place {
  row: number;
  col: number;
}

export const NUMBERS = ['zero', 'one', 'two', 'three', 'four', 'five'] as const;

/** Sentences that claim nothing; the judge knows exactly these. */
export const FILLER = [
  'this is a nice picture .',
  'the picture looks nice .',
  'the image is clear .',
  'i hope this helps .',
  'let me describe the image .',
  'the colors are bright .',
  'it is a simple picture .',
  'the shapes are easy to see .',
] as const;

export const RELATIONS = ['left of', 'right of', 'above', 'below'] as const;
export type Relation = (typeof RELATIONS)[number];

export const COMPARISONS = ['bigger', 'smaller', 'same size'] as const;
export type Comparison = (typeof COMPARISONS)[number];

/** Returns the text of a place ("at the top left"). */
export function placeText(p: Place): string {
  const found = PLACES.find((q) => q.row === p.row && q.col === p.col);
  if (!found) throw new Error(`no place at row ${p.row}, col ${p.col}`);
  return found.text;
}

/** Returns the plural of a shape word ("crosses" for cross). */
export function plural(shape: Shape): string {
  return shape === 'cross' ? 'crosses' : `${shape}s`;
}

/** Returns "[size] [colour] shape" without a determiner; "object" stands in for a missing shape. */
export function bareNoun(ref: ObjectRef, plural_ = false): string {
  const head = ref.shape ? (plural_ ? plural(ref.shape) : ref.shape) : plural_ ? 'objects' : 'object';
  return [ref.size, ref.color, head].filter(Boolean).join(' ');
}

/** Returns "a|the [size] [colour] shape". */
export function objectPhrase(ref: ObjectRef, det: 'a' | 'the'): string {
  return `${det} ${bareNoun(ref)}`;
}

/** Returns the ref that names an object fully (size, colour and shape). */
export function fullRef(o: SceneObject): ObjectRef {
  return { size: o.size, color: o.color, shape: o.shape };
}

/** Returns true when the object has every attribute the ref names. */
export function refMatches(ref: ObjectRef, o: SceneObject): boolean {
  return (!ref.size || ref.size === o.size) && (!ref.color || ref.color === o.color) && (!ref.shape || ref.shape === o.shape);
}

/** Returns true when every attribute that `general` names is named the same in `specific`. */
export function refImplies(specific: ObjectRef, general: ObjectRef): boolean {
  return (!general.size || general.size === specific.size) && (!general.color || general.color === specific.color) && (!general.shape || general.shape === specific.shape);
}

/** Returns true when two refs name the same attributes with the same values. */
export function refEquals(a: ObjectRef, b: ObjectRef): boolean {
  return a.size === b.size && a.color === b.color && a.shape === b.shape;
}
