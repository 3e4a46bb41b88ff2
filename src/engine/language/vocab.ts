// The word-level vocabulary and tokenizer. Every word the grammar, the questions and the
// facts can use has an id; anything else maps to <unk>. Changing the list changes the version.

import { COLORS, SHAPES, SIZES } from '../world/scene';
import { FILLER, NUMBERS, PLACES, plural } from './phrases';

export const TOKENIZER_VERSION = 'shapes-words-v1';

export const SPECIALS = ['<pad>', '<bos>', '<eos>', '<sep>', '<unk>', '<facts>'] as const;
export const PAD = 0;
export const BOS = 1;
export const EOS = 2;
export const SEP = 3;
export const UNK = 4;
export const FACTS = 5;

const GRAMMAR_WORDS = [
  '.', ',', '?', 'there', 'is', 'are', 'a', 'the', 'no', 'yes', 'one', 'object', 'objects',
  'of', 'above', 'below', 'bigger', 'smaller', 'than', 'and', 'same', 'size', 'it', 'day', 'night',
  'i', 'am', 'not', 'sure', 'what', 'color', 'shape', 'where', 'which', 'how', 'many', 'in', 'image', 'or', 'describe',
];

function buildWords(): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const add = (w: string) => {
    if (!seen.has(w)) {
      seen.add(w);
      out.push(w);
    }
  };
  for (const w of SPECIALS) add(w);
  for (const w of GRAMMAR_WORDS) add(w);
  for (const w of [...SIZES, ...COLORS, ...SHAPES, ...SHAPES.map(plural), ...NUMBERS]) add(w);
  for (const p of PLACES) for (const w of p.text.split(' ')) add(w);
  for (const f of FILLER) for (const w of f.split(' ')) add(w);
  return out;
}

/** The vocabulary, in id order. */
export const VOCAB: readonly string[] = buildWords();
const IDS = new Map(VOCAB.map((w, i) => [w, i]));

/** Returns the token ids of a text (words split on white space; unknown words become <unk>). */
export function encode(text: string): number[] {
  return text
    .trim()
    .split(/\s+/)
    .filter((w) => w.length > 0)
    .map((w) => IDS.get(w) ?? UNK);
}

/** Returns the text of token ids, stopping at <eos> and dropping <pad>. */
export function decode(ids: ArrayLike<number>): string {
  const out: string[] = [];
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] as number;
    if (id === EOS) break;
    if (id === PAD) continue;
    out.push(VOCAB[id] ?? '<unk>');
  }
  return out.join(' ');
}

/** Returns true when every word of the text is in the vocabulary. */
export function inVocab(text: string): boolean {
  return encode(text).every((id) => id !== UNK);
}
