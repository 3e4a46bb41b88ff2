// Simulated markers against hand-worked cases: on a scene of a large red circle (top left), a small
// blue square (right) and a large yellow triangle (bottom), careful marks exactly the false
// sentences and each correction is judged true; lenient leaves the false sentence about the small
// square; noisy with miss share 1 marks nothing and with 0 marks as careful; the same seed gives
// the same marks.
import { describe, expect, it } from 'vitest';
import type { Scene } from '../../src/engine/world/scene';
import { Rng } from '../../src/engine/world/rng';
import { judge } from '../../src/engine/judge/judge';
import { parseQuestion } from '../../src/engine/language/question';
import { parseResponse } from '../../src/engine/language/parser';
import { MARKER_PRESETS, validateMarkerSettings, type MarkerSettings } from '../../src/engine/prefs/marker-settings';
import { aboutSmall, correctSentence, markAnswer, markSentences, simulatedMarker } from '../../src/engine/prefs/marker';
import { DEFAULT_PERCEPTION } from '../../src/engine/world/render';
import { markSummary } from '../../src/engine/prefs/mark-job';

const SCENE: Scene = {
  background: 'day',
  objects: [
    { shape: 'circle', color: 'red', size: 'large', row: 0, col: 0 },
    { shape: 'square', color: 'blue', size: 'small', row: 1, col: 2 },
    { shape: 'triangle', color: 'yellow', size: 'large', row: 2, col: 1 },
  ],
};
const DESCRIBE = 'describe the image .';

/** Marks with a preset (or settings) and seed 1. */
const marks = (settings: MarkerSettings, answer: string, question = DESCRIBE) =>
  markSentences(settings, SCENE, question, answer, new Rng(1));

/** Whether the judge finds nothing false in a sentence (and can read it). */
const judgedTrue = (sentence: string, question = DESCRIBE) => {
  const v = judge(SCENE, question, sentence);
  return !v.hallucination && !v.unparseable;
};

describe('careful', () => {
  it('marks exactly the one false sentence among true ones, and its correction is judged true', () => {
    const answer = 'there is a large red circle at the top left . the triangle is green . it is day .';
    const m = marks(MARKER_PRESETS.careful, answer);
    expect(m).toEqual([
      { text: 'there is a large red circle at the top left .', false: false },
      { text: 'the triangle is green .', false: true, correction: 'the triangle is yellow .' },
      { text: 'it is day .', false: false },
    ]);
    expect(judgedTrue(m[1]!.correction!)).toBe(true);
  });

  it('writes the true sentence about the same thing for each kind of claim', () => {
    const cases: [string, string, string][] = [
      // [question, false sentence, correction worked by hand]
      [DESCRIBE, 'there is a green circle at the top left .', 'there is a large red circle at the top left .'],
      [DESCRIBE, 'there is a red circle at the bottom .', 'there is a large red circle at the top left .'],
      [DESCRIBE, 'there is a purple cross .', 'there is no purple cross .'],
      [DESCRIBE, 'there is no square .', 'there is a small blue square on the right .'],
      [DESCRIBE, 'there are two circles .', 'there is one circle .'],
      [DESCRIBE, 'there are three crosses .', 'there is no cross .'],
      [DESCRIBE, 'the blue square is large .', 'the blue square is small .'],
      [DESCRIBE, 'the red circle is blue .', 'there is a large red circle at the top left .'],
      [DESCRIBE, 'the square is at the top .', 'the square is on the right .'],
      [DESCRIBE, 'the green cross is red .', 'there is no green cross .'],
      [DESCRIBE, 'the red circle is right of the yellow triangle .', 'the red circle is left of the yellow triangle .'],
      [DESCRIBE, 'the red circle is smaller than the blue square .', 'the red circle is bigger than the blue square .'],
      [DESCRIBE, 'the red circle and the blue square are the same size .', 'the red circle is bigger than the blue square .'],
      [DESCRIBE, 'it is night .', 'it is day .'],
      ['is there a red circle in the image ?', 'no .', 'yes .'],
      ['is there a red circle in the image ?', 'no , there is no red circle .', 'yes , there is a large red circle at the top left .'],
      ['is there a green cross in the image ?', 'yes , there is a green cross .', 'no , there is no green cross .'],
    ];
    for (const [question, sentence, correction] of cases) {
      expect(judgedTrue(sentence, question), sentence).toBe(false);
      const s = parseResponse(sentence)[0]!;
      expect(correctSentence(SCENE, parseQuestion(question), s), sentence).toBe(correction);
      expect(judgedTrue(correction, question), correction).toBe(true);
    }
  });

  it('leaves filler and sentences outside the grammar unmarked', () => {
    expect(marks(MARKER_PRESETS.careful, 'the image is clear . the circle is')).toEqual([
      { text: 'the image is clear .', false: false },
      { text: 'the circle is', false: false },
    ]);
  });
});

describe('lenient', () => {
  it('skips a false sentence about a small object and marks one about a large one', () => {
    const answer = 'the blue square is large . the triangle is green . there is a small green cross .';
    expect(aboutSmall(SCENE, parseResponse('the blue square is large .')[0]!.claims!)).toBe(true);
    expect(aboutSmall(SCENE, parseResponse('there is a small green cross .')[0]!.claims!)).toBe(true);
    expect(aboutSmall(SCENE, parseResponse('the triangle is green .')[0]!.claims!)).toBe(false);
    expect(marks(MARKER_PRESETS.lenient, answer)).toEqual([
      { text: 'the blue square is large .', false: false },
      { text: 'the triangle is green .', false: true, correction: 'the triangle is yellow .' },
      { text: 'there is a small green cross .', false: false },
    ]);
    expect(marks(MARKER_PRESETS.careful, answer).map((s) => s.false)).toEqual([true, true, true]);
  });
});

describe('noisy', () => {
  const answer = 'the blue square is large . the triangle is green . it is night . there is a large red circle at the top left .';
  it('with miss share 1 (and no false alarms) marks nothing; with 0, as careful', () => {
    const none = marks({ ...MARKER_PRESETS.noisy, missShare: 1, falseAlarmShare: 0 }, answer);
    expect(none.map((s) => s.false)).toEqual([false, false, false, false]);
    expect(none.some((s) => s.correction !== undefined)).toBe(false);
    expect(marks({ ...MARKER_PRESETS.noisy, missShare: 0, falseAlarmShare: 0 }, answer)).toEqual(marks(MARKER_PRESETS.careful, answer));
  });

  it('with false-alarm share 1 marks every true sentence false, with no correction', () => {
    const m = marks({ ...MARKER_PRESETS.careful, falseAlarmShare: 1 }, answer);
    expect(m[3]).toEqual({ text: 'there is a large red circle at the top left .', false: true });
  });

  it('with correct share 0 marks without corrections', () => {
    const m = marks({ ...MARKER_PRESETS.careful, correctShare: 0 }, answer);
    expect(m.map((s) => [s.false, s.correction])).toEqual([[true, undefined], [true, undefined], [true, undefined], [false, undefined]]);
  });

  it('misses about its share over many sentences, the same on every run with the same seed', () => {
    const many = Array.from({ length: 30 }, () => 'it is night .').join(' ');
    const m = marks(MARKER_PRESETS.noisy, many);
    const missed = m.filter((s) => !s.false).length;
    expect(missed).toBeGreaterThan(2);
    expect(missed).toBeLessThan(20);
    expect(marks(MARKER_PRESETS.noisy, many)).toEqual(m);
  });
});

describe('marking an answer', () => {
  it('writes a mark with the simulated marker, seeded by the answer', () => {
    const a = { scene: SCENE, image: { perception: { ...DEFAULT_PERCEPTION }, noiseSeed: 5 }, question: DESCRIBE, questionType: 'holistic' as const, answer: 'the triangle is green .' };
    const marker = simulatedMarker('careful', MARKER_PRESETS.careful, 9);
    const m = markAnswer(a, marker, 'sft@0badf00d', '2025-03-01T12:00:00.000Z');
    expect(m).toMatchObject({ format: 'rlhf-playground/mark', version: 1, answer: a.answer, markedBy: marker, sentences: [{ text: 'the triangle is green .', false: true, correction: 'the triangle is yellow .' }] });
    expect(markAnswer(a, marker, 'sft@0badf00d', '2025-03-01T12:00:00.000Z')).toEqual(m);
  });

  it('checks settings by field', () => {
    expect(validateMarkerSettings({ ...MARKER_PRESETS.noisy, smallMissShare: -0.5 })).toEqual({ errors: [{ field: 'smallMissShare', message: 'must be a number from 0 to 1; got -0.5' }] });
    expect(validateMarkerSettings(MARKER_PRESETS.lenient)).toEqual({ settings: MARKER_PRESETS.lenient });
  });
});

describe('the figures of a set of marks', () => {
  it('counts what was marked and what the judge finds false, worked by hand', () => {
    const base = { scene: SCENE, image: { perception: { ...DEFAULT_PERCEPTION }, noiseSeed: 5 }, question: DESCRIBE };
    const at = '2025-03-01T12:00:00.000Z';
    const lenient = simulatedMarker('lenient', MARKER_PRESETS.lenient, 2);
    const marks = [
      // two false sentences, the one about the small square missed: 3 sentences, 1 marked and corrected, 1 missed
      markAnswer({ ...base, answer: 'the blue square is large . the triangle is green . it is day .' }, lenient, 'p', at),
      // nothing false: 2 sentences
      markAnswer({ ...base, answer: 'it is day . the image is clear .' }, lenient, 'p', at),
      // one false sentence about nothing small: marked and corrected
      markAnswer({ ...base, answer: 'it is night .' }, lenient, 'p', at),
      // silence: no sentence
      markAnswer({ ...base, answer: '' }, lenient, 'p', at),
    ];
    expect(markSummary(marks)).toEqual({
      answers: 4, sentences: 6, markedFalse: 2, corrected: 2, falseSentences: 3, falseSentenceShare: 0.5,
      answersWithFalse: 0.5, answersMarked: 0.5, rightlyMarked: 2, missed: 1,
    });
    expect(markSummary([])).toMatchObject({ answers: 0, falseSentenceShare: 0, answersWithFalse: 0 });
  });
});
