// The core grammar (docs/design.md, section 1): the writer and the parser agree on every claim and
// question, responses split into sentences as documented, and the vocabulary covers every
// word the grammar, the facts, the questions and the filler can produce.

import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/world/rng';
import { BACKGROUNDS, COLORS, SHAPES, SIZES } from '../../src/engine/world/scene';
import { sampleScene } from '../../src/engine/world/sampler';
import { factSentences } from '../../src/engine/world/facts';
import type { Claim } from '../../src/engine/language/claims';
import { COMPARISONS, FILLER, NUMBERS, PLACES, RELATIONS, plural, type ObjectRef, type Place } from '../../src/engine/language/phrases';
import { writeAnswerWith, writeClaim } from '../../src/engine/language/writer';
import { parseResponse, parseSentenceWords, words } from '../../src/engine/language/parser';
import { parseQuestion, writeQuestion, type QuestionSpec } from '../../src/engine/language/question';
import { BOS, decode, encode, EOS, FACTS, inVocab, PAD, SEP, SPECIALS, UNK, VOCAB } from '../../src/engine/language/vocab';

/** The words of a sentence without its final "." (what parseSentenceWords takes). */
function sentenceWords(sentence: string): string[] {
  const ws = words(sentence);
  expect(ws[ws.length - 1], `"${sentence}" ends in " ."`).toBe('.');
  return ws.slice(0, -1);
}

function randomRef(rng: Rng, needShape = false): ObjectRef {
  const ref: ObjectRef = {};
  if (rng.chance(0.5)) ref.size = rng.pick(SIZES);
  if (rng.chance(0.6)) ref.color = rng.pick(COLORS);
  if (needShape || rng.chance(0.7)) ref.shape = rng.pick(SHAPES);
  return ref;
}

function randomPlace(rng: Rng): Place {
  const p = rng.pick(PLACES);
  return { row: p.row, col: p.col };
}

/** A random claim of any kind, in the shape the parser produces (no undefined keys). */
function randomClaim(rng: Rng): Claim {
  switch (rng.int(9)) {
    case 0:
      return rng.chance(0.5) ? { kind: 'exists', obj: randomRef(rng), place: randomPlace(rng) } : { kind: 'exists', obj: randomRef(rng) };
    case 1:
      return { kind: 'absent', obj: randomRef(rng) };
    case 2:
      return { kind: 'count', obj: randomRef(rng), n: rng.int(NUMBERS.length) };
    case 3: {
      const which = rng.int(3);
      const obj = randomRef(rng);
      if (which === 0) return { kind: 'attribute', obj, color: rng.pick(COLORS) };
      if (which === 1) return { kind: 'attribute', obj, size: rng.pick(SIZES) };
      return { kind: 'attribute', obj, place: randomPlace(rng) };
    }
    case 4:
      return { kind: 'relation', a: randomRef(rng), rel: rng.pick(RELATIONS), b: randomRef(rng) };
    case 5:
      return { kind: 'compare', a: randomRef(rng), rel: rng.pick(COMPARISONS), b: randomRef(rng) };
    case 6:
      return { kind: 'environment', background: rng.pick(BACKGROUNDS) };
    case 7:
      return { kind: 'answer', yes: rng.chance(0.5) };
    default:
      return { kind: 'unsure' };
  }
}

function randomQuestion(rng: Rng): QuestionSpec {
  switch (rng.int(8)) {
    case 0:
      return { kind: 'exists', obj: randomRef(rng) };
    case 1:
      return { kind: 'attr', attr: rng.pick(['color', 'size', 'shape'] as const), obj: randomRef(rng) };
    case 2:
      return { kind: 'where', obj: randomRef(rng) };
    case 3:
      return { kind: 'relation', a: randomRef(rng), rel: rng.pick(RELATIONS), b: randomRef(rng) };
    case 4:
      return { kind: 'bigger', a: randomRef(rng), b: randomRef(rng) };
    case 5:
      return { kind: 'count', obj: randomRef(rng) };
    case 6:
      return { kind: 'environment' };
    default:
      return { kind: 'describe' };
  }
}

// One claim of every kind (and every variant of the written form), with the text the grammar
// of docs/design.md section 1 gives it.
const CLAIM_TABLE: [Claim, string][] = [
  [{ kind: 'exists', obj: { size: 'small', color: 'red', shape: 'circle' }, place: { row: 0, col: 0 } }, 'there is a small red circle at the top left .'],
  [{ kind: 'exists', obj: { color: 'blue', shape: 'cross' } }, 'there is a blue cross .'],
  [{ kind: 'exists', obj: { color: 'green' }, place: { row: 2, col: 2 } }, 'there is a green object at the bottom right .'],
  [{ kind: 'exists', obj: { size: 'large', shape: 'diamond' }, place: { row: 0, col: 1 } }, 'there is a large diamond at the top .'],
  [{ kind: 'absent', obj: { shape: 'triangle' } }, 'there is no triangle .'],
  [{ kind: 'absent', obj: { color: 'purple', shape: 'square' } }, 'there is no purple square .'],
  [{ kind: 'absent', obj: {} }, 'there is no object .'],
  [{ kind: 'count', obj: { shape: 'circle' }, n: 2 }, 'there are two circles .'],
  [{ kind: 'count', obj: { shape: 'cross' }, n: 3 }, 'there are three crosses .'],
  [{ kind: 'count', obj: {}, n: 5 }, 'there are five objects .'],
  [{ kind: 'count', obj: { color: 'red' }, n: 0 }, 'there are zero red objects .'],
  [{ kind: 'count', obj: { color: 'red', shape: 'circle' }, n: 1 }, 'there is one red circle .'],
  [{ kind: 'count', obj: {}, n: 1 }, 'there is one object .'],
  [{ kind: 'attribute', obj: { shape: 'circle' }, color: 'red' }, 'the circle is red .'],
  [{ kind: 'attribute', obj: { color: 'red', shape: 'circle' }, size: 'small' }, 'the red circle is small .'],
  [{ kind: 'attribute', obj: { color: 'red', shape: 'circle' }, place: { row: 1, col: 1 } }, 'the red circle is in the center .'],
  [{ kind: 'attribute', obj: { color: 'orange' }, place: { row: 1, col: 0 } }, 'the orange object is on the left .'],
  [{ kind: 'relation', a: { color: 'red', shape: 'circle' }, rel: 'left of', b: { color: 'blue', shape: 'square' } }, 'the red circle is left of the blue square .'],
  [{ kind: 'relation', a: { shape: 'cross' }, rel: 'right of', b: { shape: 'circle' } }, 'the cross is right of the circle .'],
  [{ kind: 'relation', a: { size: 'small', shape: 'cross' }, rel: 'above', b: { color: 'green' } }, 'the small cross is above the green object .'],
  [{ kind: 'relation', a: { shape: 'diamond' }, rel: 'below', b: { shape: 'triangle' } }, 'the diamond is below the triangle .'],
  [{ kind: 'compare', a: { shape: 'circle' }, rel: 'bigger', b: { shape: 'square' } }, 'the circle is bigger than the square .'],
  [{ kind: 'compare', a: { color: 'red' }, rel: 'smaller', b: { color: 'blue', shape: 'cross' } }, 'the red object is smaller than the blue cross .'],
  [{ kind: 'compare', a: { shape: 'circle' }, rel: 'same size', b: { shape: 'square' } }, 'the circle and the square are the same size .'],
  [{ kind: 'environment', background: 'day' }, 'it is day .'],
  [{ kind: 'environment', background: 'night' }, 'it is night .'],
  [{ kind: 'answer', yes: true }, 'yes .'],
  [{ kind: 'answer', yes: false }, 'no .'],
  [{ kind: 'unsure' }, 'i am not sure .'],
];

describe('writer and parser', () => {
  it('the table covers every claim kind', () => {
    const kinds = new Set(CLAIM_TABLE.map(([c]) => c.kind));
    expect([...kinds].sort()).toEqual(['absent', 'answer', 'attribute', 'compare', 'count', 'environment', 'exists', 'relation', 'unsure']);
  });

  it.each(CLAIM_TABLE.map(([c, text]) => [text, c] as const))('writes and reads back "%s"', (text, c) => {
    expect(writeClaim(c)).toBe(text);
    expect(parseSentenceWords(sentenceWords(text))).toStrictEqual([c]);
    const parsed = parseResponse(text);
    expect(parsed).toHaveLength(1);
    expect(parsed[0]!.claims).toStrictEqual([c]);
    expect(parsed[0]!.filler).toBe(false);
  });

  it('round-trips 3,000 random claims', () => {
    const rng = new Rng(12345);
    const seenKinds = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const c = randomClaim(rng);
      seenKinds.add(c.kind);
      const text = writeClaim(c);
      expect(parseSentenceWords(sentenceWords(text)), text).toStrictEqual([c]);
    }
    expect(seenKinds.size).toBe(9);
  });

  it('writes plurals as the grammar says (crosses for cross)', () => {
    expect(SHAPES.map(plural)).toEqual(['circles', 'squares', 'triangles', 'diamonds', 'crosses']);
  });

  it('reads a yes/no answer followed by a supporting claim', () => {
    const support: Claim = { kind: 'exists', obj: { color: 'red', shape: 'circle' } };
    const text = writeAnswerWith(true, support);
    expect(text).toBe('yes , there is a red circle .');
    expect(parseSentenceWords(sentenceWords(text))).toStrictEqual([{ kind: 'answer', yes: true }, support]);
    const no = writeAnswerWith(false, { kind: 'absent', obj: { shape: 'cross' } });
    expect(no).toBe('no , there is no cross .');
    expect(parseSentenceWords(sentenceWords(no))).toStrictEqual([
      { kind: 'answer', yes: false },
      { kind: 'absent', obj: { shape: 'cross' } },
    ]);
  });

  it.each([
    'there is a red .',
    'there is red circle .',
    'there are 2 circles .',
    'there are two circle .',
    'the red circle is .',
    'the red circle is left the blue square .',
    'the circle is bigger the square .',
    'the circle and the square are the same .',
    'it is dusk .',
    'there is a red circle at the middle .',
    'yes there is a red circle .',
    'circle .',
    'there is a red circle at the top left left .',
    'THERE IS A RED CIRCLE .',
  ])('rejects "%s"', (text) => {
    expect(parseSentenceWords(sentenceWords(text))).toBeNull();
    expect(parseResponse(text)[0]!.claims).toBeNull();
  });
});

describe('parseResponse', () => {
  it('splits at "." and leaves an unterminated tail unparsed', () => {
    const out = parseResponse('there is a red circle . it is day');
    expect(out).toHaveLength(2);
    expect(out[0]).toStrictEqual({ text: 'there is a red circle .', claims: [{ kind: 'exists', obj: { color: 'red', shape: 'circle' } }], filler: false });
    // "it is day" would be a claim with its "."; without it the sentence is not finished.
    expect(out[1]).toStrictEqual({ text: 'it is day', claims: null, filler: false });
  });

  it('recognises every filler sentence as claiming nothing', () => {
    for (const f of FILLER) {
      expect(parseResponse(f), f).toStrictEqual([{ text: f, claims: [], filler: true }]);
    }
  });

  it('keeps sentences in order, with filler and unparsed ones in place', () => {
    const out = parseResponse('the picture looks nice . there are two squares . blah blah . it is night .');
    expect(out.map((s) => s.text)).toEqual(['the picture looks nice .', 'there are two squares .', 'blah blah .', 'it is night .']);
    expect(out.map((s) => s.filler)).toEqual([true, false, false, false]);
    expect(out[1]!.claims).toStrictEqual([{ kind: 'count', obj: { shape: 'square' }, n: 2 }]);
    expect(out[2]!.claims).toBeNull();
    expect(out[3]!.claims).toStrictEqual([{ kind: 'environment', background: 'night' }]);
  });

  it('tolerates extra white space and reports an empty sentence as unparsed', () => {
    expect(parseResponse('  it   is day   .  ')).toStrictEqual([{ text: 'it is day .', claims: [{ kind: 'environment', background: 'day' }], filler: false }]);
    expect(parseResponse('')).toStrictEqual([]);
    expect(parseResponse('it is day . .')[1]).toStrictEqual({ text: '.', claims: null, filler: false });
  });

  it('does not treat a near-filler sentence as filler', () => {
    const out = parseResponse('the picture looks very nice .');
    expect(out).toStrictEqual([{ text: 'the picture looks very nice .', claims: null, filler: false }]);
  });
});

describe('questions', () => {
  const TABLE: [QuestionSpec, string][] = [
    [{ kind: 'exists', obj: { size: 'small', color: 'red', shape: 'circle' } }, 'is there a small red circle in the image ?'],
    [{ kind: 'exists', obj: { color: 'green' } }, 'is there a green object in the image ?'],
    [{ kind: 'attr', attr: 'color', obj: { shape: 'square' } }, 'what color is the square ?'],
    [{ kind: 'attr', attr: 'size', obj: { color: 'blue', shape: 'cross' } }, 'what size is the blue cross ?'],
    [{ kind: 'attr', attr: 'shape', obj: { color: 'yellow' } }, 'what shape is the yellow object ?'],
    [{ kind: 'where', obj: { color: 'red', shape: 'circle' } }, 'where is the red circle ?'],
    [{ kind: 'relation', a: { shape: 'circle' }, rel: 'left of', b: { shape: 'square' } }, 'is the circle left of the square ?'],
    [{ kind: 'relation', a: { shape: 'circle' }, rel: 'below', b: { color: 'red', shape: 'cross' } }, 'is the circle below the red cross ?'],
    [{ kind: 'bigger', a: { color: 'red', shape: 'circle' }, b: { shape: 'diamond' } }, 'which is bigger , the red circle or the diamond ?'],
    [{ kind: 'count', obj: { shape: 'cross' } }, 'how many crosses are there ?'],
    [{ kind: 'count', obj: {} }, 'how many objects are there ?'],
    [{ kind: 'count', obj: { color: 'red' } }, 'how many red objects are there ?'],
    [{ kind: 'environment' }, 'is it day or night ?'],
    [{ kind: 'describe' }, 'describe the image .'],
  ];

  it('the table covers every question kind', () => {
    expect(new Set(TABLE.map(([q]) => q.kind)).size).toBe(8);
  });

  it.each(TABLE.map(([q, text]) => [text, q] as const))('writes and reads back "%s"', (text, q) => {
    expect(writeQuestion(q)).toBe(text);
    expect(parseQuestion(text)).toStrictEqual(q);
  });

  it('round-trips 2,000 random questions', () => {
    const rng = new Rng(777);
    for (let i = 0; i < 2000; i++) {
      const q = randomQuestion(rng);
      const text = writeQuestion(q);
      expect(parseQuestion(text), text).toStrictEqual(q);
    }
  });

  it.each(['what is the meaning of life ?', 'is there a red circle ?', 'is there a red circle in the image', 'how many circle are there ?', 'where is the red circle', 'describe the image', 'is the circle near the square ?', ''])(
    'does not understand "%s"',
    (text) => {
      expect(parseQuestion(text)).toBeUndefined();
    },
  );
});

describe('vocabulary', () => {
  it('has no duplicate words and the special tokens at their ids', () => {
    expect(new Set(VOCAB).size).toBe(VOCAB.length);
    expect(VOCAB.slice(0, SPECIALS.length)).toEqual([...SPECIALS]);
    expect([VOCAB[PAD], VOCAB[BOS], VOCAB[EOS], VOCAB[SEP], VOCAB[UNK], VOCAB[FACTS]]).toEqual(['<pad>', '<bos>', '<eos>', '<sep>', '<unk>', '<facts>']);
  });

  it('is about 100 to 150 tokens (docs/design.md, section 1)', () => {
    expect(VOCAB.length).toBeGreaterThanOrEqual(90);
    expect(VOCAB.length).toBeLessThanOrEqual(160);
  });

  it('holds every word of the claims, questions, facts and filler', () => {
    const texts: string[] = [...FILLER, ...CLAIM_TABLE.map(([, t]) => t)];
    const rng = new Rng(4242);
    for (let i = 0; i < 2000; i++) texts.push(writeClaim(randomClaim(rng)), writeQuestion(randomQuestion(rng)));
    for (let s = 0; s < 300; s++) texts.push(...factSentences(sampleScene(s)));
    for (const p of PLACES) texts.push(p.text);
    texts.push(writeAnswerWith(true, { kind: 'exists', obj: { shape: 'circle' } }), NUMBERS.join(' '), SHAPES.map(plural).join(' '));
    const missing = new Set<string>();
    for (const t of texts) for (const w of words(t)) if (!VOCAB.includes(w)) missing.add(w);
    expect([...missing]).toEqual([]);
    for (const t of texts) expect(inVocab(t), t).toBe(true);
  });

  it('encodes and decodes a text back to itself', () => {
    const rng = new Rng(99);
    const texts = [...FILLER, 'which is bigger , the red circle or the diamond ?', 'yes , there is a small red circle at the top left .'];
    for (let i = 0; i < 500; i++) texts.push(writeClaim(randomClaim(rng)));
    for (const t of texts) {
      const ids = encode(t);
      expect(ids).toHaveLength(words(t).length);
      expect(ids.every((id) => Number.isInteger(id) && id > FACTS && id < VOCAB.length)).toBe(true);
      expect(decode(ids)).toBe(t);
    }
  });

  it('maps unknown words to <unk>', () => {
    const ids = encode('there is a pink circle .');
    expect(ids[3]).toBe(UNK);
    expect(ids.filter((id) => id === UNK)).toHaveLength(1);
    expect(decode(ids)).toBe('there is a <unk> circle .');
    expect(inVocab('there is a pink circle .')).toBe(false);
    expect(encode('Circle')).toEqual([UNK]);
    expect(encode('   ')).toEqual([]);
  });

  it('decode stops at <eos> and drops <pad>', () => {
    const ids = [PAD, ...encode('it is day .'), PAD, EOS, ...encode('it is night .')];
    expect(decode(ids)).toBe('it is day .');
    expect(decode(Int32Array.from(encode('no .')))).toBe('no .');
  });
});
