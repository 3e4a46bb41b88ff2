// Reads responses in the core grammar into claims, sentence by sentence. Never throws:
// a sentence it cannot read is returned as unparsed, for the judge to report.

import { COLORS, SHAPES, SIZES, type Color, type Shape, type Size } from '../world/scene';
import type { Claim } from './claims';
import { FILLER, NUMBERS, PLACES, type ObjectRef, type Place, type Relation } from './phrases';

/** One sentence of a response and what it means. */
export interface ParsedSentence {
  text: string;
  /** null when the sentence is not in the grammar. */
  claims: Claim[] | null;
  filler: boolean;
}

/** A cursor over the words of one sentence (without its final "."). */
export class Words {
  constructor(
    readonly words: readonly string[],
    public i = 0,
  ) {}

  get done(): boolean {
    return this.i >= this.words.length;
  }

  peek(k = 0): string | undefined {
    return this.words[this.i + k];
  }

  /** Consumes the given words if they come next; returns whether they did. */
  eat(...expected: string[]): boolean {
    for (let k = 0; k < expected.length; k++) if (this.words[this.i + k] !== expected[k]) return false;
    this.i += expected.length;
    return true;
  }

  /** Consumes one word if it is in the list and returns it. */
  oneOf<T extends string>(list: readonly T[]): T | undefined {
    const w = this.words[this.i];
    if (w !== undefined && (list as readonly string[]).includes(w)) {
      this.i++;
      return w as T;
    }
    return undefined;
  }
}

const PLURAL_SHAPES = new Map<string, Shape>(SHAPES.map((s) => [s === 'cross' ? 'crosses' : `${s}s`, s]));

/** Reads "[size] [colour] shape|object" (or the plural form); returns undefined if absent. */
export function readNoun(w: Words, pluralForm = false): ObjectRef | undefined {
  const start = w.i;
  const size = w.oneOf<Size>(SIZES);
  const color = w.oneOf<Color>(COLORS);
  const ref: ObjectRef = {};
  if (size) ref.size = size;
  if (color) ref.color = color;
  const head = w.peek();
  if (pluralForm) {
    if (head === 'objects') {
      w.i++;
      return ref;
    }
    const s = head === undefined ? undefined : PLURAL_SHAPES.get(head);
    if (s) {
      w.i++;
      ref.shape = s;
      return ref;
    }
  } else {
    if (head === 'object') {
      w.i++;
      return ref;
    }
    const s = w.oneOf<Shape>(SHAPES);
    if (s) {
      ref.shape = s;
      return ref;
    }
  }
  w.i = start;
  return undefined;
}

/** Reads "the|a [size] [colour] shape". */
export function readPhrase(w: Words, det: 'a' | 'the'): ObjectRef | undefined {
  const start = w.i;
  if (!w.eat(det)) return undefined;
  const ref = readNoun(w);
  if (!ref) w.i = start;
  return ref;
}

/** Reads one of the nine places ("at the top left"). Longest match first. */
export function readPlace(w: Words): Place | undefined {
  const sorted = [...PLACES].sort((a, b) => b.text.length - a.text.length);
  for (const p of sorted) {
    if (w.eat(...p.text.split(' '))) return { row: p.row, col: p.col };
  }
  return undefined;
}

function readRelation(w: Words): Relation | undefined {
  if (w.eat('left', 'of')) return 'left of';
  if (w.eat('right', 'of')) return 'right of';
  if (w.eat('above')) return 'above';
  if (w.eat('below')) return 'below';
  return undefined;
}

/** Parses the words of one sentence (final "." removed) into claims, or null. */
export function parseSentenceWords(words: readonly string[]): Claim[] | null {
  const w = new Words(words);
  const claims = readClause(w);
  return claims && w.done ? claims : null;
}

function readClause(w: Words): Claim[] | null {
  // Yes/no answers, alone or followed by a supporting clause.
  const yn = w.oneOf(['yes', 'no'] as const);
  if (yn) {
    const answer: Claim = { kind: 'answer', yes: yn === 'yes' };
    if (w.done) return [answer];
    if (!w.eat(',')) return null;
    const rest = readClause(w);
    return rest ? [answer, ...rest] : null;
  }
  if (w.eat('i', 'am', 'not', 'sure')) return [{ kind: 'unsure' }];
  if (w.eat('it', 'is')) {
    const bg = w.oneOf(['day', 'night'] as const);
    return bg ? [{ kind: 'environment', background: bg }] : null;
  }
  if (w.eat('there', 'is')) {
    if (w.eat('no')) {
      const obj = readNoun(w);
      return obj ? [{ kind: 'absent', obj }] : null;
    }
    if (w.eat('one')) {
      const obj = readNoun(w);
      return obj ? [{ kind: 'count', obj, n: 1 }] : null;
    }
    const obj = readPhrase(w, 'a');
    if (!obj) return null;
    const place = readPlace(w);
    return [place ? { kind: 'exists', obj, place } : { kind: 'exists', obj }];
  }
  if (w.eat('there', 'are')) {
    if (w.eat('no')) {
      const obj = readNoun(w, true);
      return obj ? [{ kind: 'absent', obj }] : null;
    }
    const num = w.oneOf(NUMBERS);
    if (!num) return null;
    const obj = readNoun(w, true);
    return obj ? [{ kind: 'count', obj, n: NUMBERS.indexOf(num) }] : null;
  }
  const a = readPhrase(w, 'the');
  if (!a) return null;
  if (w.eat('and')) {
    const b = readPhrase(w, 'the');
    return b && w.eat('are', 'the', 'same', 'size') ? [{ kind: 'compare', a, rel: 'same size', b }] : null;
  }
  if (!w.eat('is')) return null;
  const color = w.oneOf(COLORS);
  if (color) return [{ kind: 'attribute', obj: a, color }];
  const size = w.oneOf(SIZES);
  if (size) return [{ kind: 'attribute', obj: a, size }];
  const rel = readRelation(w);
  if (rel) {
    const b = readPhrase(w, 'the');
    return b ? [{ kind: 'relation', a, rel, b }] : null;
  }
  const cmp = w.oneOf(['bigger', 'smaller'] as const);
  if (cmp) {
    const b = w.eat('than') ? readPhrase(w, 'the') : undefined;
    return b ? [{ kind: 'compare', a, rel: cmp, b }] : null;
  }
  const place = readPlace(w);
  return place ? [{ kind: 'attribute', obj: a, place }] : null;
}

/** Splits text into words on white space. */
export function words(text: string): string[] {
  return text.trim().split(/\s+/).filter((x) => x.length > 0);
}

/**
 * Splits a response into sentences at "." and parses each.
 * Returns one entry per sentence; text after the last "." is an unparsed sentence.
 */
export function parseResponse(text: string): ParsedSentence[] {
  const all = words(text);
  const out: ParsedSentence[] = [];
  let start = 0;
  for (let i = 0; i <= all.length; i++) {
    const end = i === all.length;
    if (!end && all[i] !== '.') continue;
    const ws = all.slice(start, i);
    start = i + 1;
    if (end && ws.length === 0) break;
    const sentence = end ? ws.join(' ') : [...ws, '.'].join(' ');
    if (end || ws.length === 0) {
      out.push({ text: sentence, claims: null, filler: false });
      continue;
    }
    if ((FILLER as readonly string[]).includes(sentence)) {
      out.push({ text: sentence, claims: [], filler: true });
      continue;
    }
    out.push({ text: sentence, claims: parseSentenceWords(ws), filler: false });
  }
  return out;
}
