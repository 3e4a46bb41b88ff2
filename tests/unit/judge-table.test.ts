// Independent, hand-labelled table for the judge. The expected values in
// judge-table.data.ts are the reference, worked out from docs/design.md, sections 1 and 2.

import { describe, expect, it } from 'vitest';
import { judge, trueAndInformative } from '../../src/engine/judge/judge';
import { CASES, SCENE_A, SCENE_E } from './judge-table.data';

describe('judge: hand-labelled table', () => {
  it('has enough cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(90);
    expect(new Set(CASES.map((k) => k.name)).size).toBe(CASES.length);
  });

  it.each(CASES.map((k, i) => [`#${String(i + 1).padStart(3, '0')} ${k.name}`, k] as const))('%s', (_name, k) => {
    const v = judge(k.scene, k.question, k.response);
    expect(v.questionUnderstood, 'questionUnderstood').toBe(true);
    expect(v.unparseable, 'unparseable').toBe(k.unparseable);
    if (k.truths) {
      expect(
        v.claims.map((cl) => cl.truth),
        `claim truths (claims: ${JSON.stringify(v.claims)})`,
      ).toEqual(k.truths);
    }
    if (k.kinds) {
      expect(v.claims.map((cl) => cl.kind), 'claim kinds').toEqual(k.kinds);
    }
    expect(v.hallucination, 'hallucination').toBe(k.hallucination);
    expect(v.informativeness, 'informativeness').toBeCloseTo(k.informativeness, 6);
    expect(v.score, 'score').toBe(k.score);
    if (k.unparsedCount !== undefined) {
      expect(v.unparsed, 'unparsed').toHaveLength(k.unparsedCount);
    } else if (k.unparseable) {
      expect(v.unparsed.length, 'unparsed').toBeGreaterThanOrEqual(1);
    }
    // truth values are consistent with the hallucination flag
    expect(v.hallucination).toBe(v.claims.some((cl) => cl.truth === false));
  });
});

describe('judge: robustness', () => {
  const odd = ['', ' ', '.', ' .', 'yes', 'no ,', 'yes , .', 'there is a', 'the the the .', 'there is a red circle .  .', 'THERE IS A RED CIRCLE .', '? ? ?', 'there are -1 circles .'];
  it.each(odd)('never throws on %j', (r) => {
    for (const scene of [SCENE_A, SCENE_E]) {
      const v = judge(scene, 'describe the image .', r);
      expect(v.score).toBeGreaterThanOrEqual(0);
      expect(v.score).toBeLessThanOrEqual(6);
      expect(Number.isInteger(v.score)).toBe(true);
      expect(v.informativeness).toBeGreaterThanOrEqual(0);
      expect(v.informativeness).toBeLessThanOrEqual(1);
    }
  });

  it('gives an empty answer its own verdict, "no answer": nothing false, nothing informative, scored 3 as the rubric says, and unparseable (no sentence)', () => {
    for (const r of ['', '   ']) {
      const v = judge(SCENE_A, 'describe the image .', r);
      expect(v).toMatchObject({ noAnswer: true, hallucination: false, informativeness: 0, score: 3, unparseable: true });
      expect(trueAndInformative(v)).toBe(false);
    }
    for (const r of ['.', 'i am not sure .', 'it is day .']) expect(judge(SCENE_A, 'describe the image .', r).noAnswer).toBe(false);
    // "i am not sure ." is true but not informative; a true fact that was asked is both.
    expect(trueAndInformative(judge(SCENE_A, 'is it day or night ?', 'i am not sure .'))).toBe(false);
    expect(trueAndInformative(judge(SCENE_A, 'is it day or night ?', `it is ${SCENE_A.background} .`))).toBe(true);
    expect(trueAndInformative(judge(SCENE_A, 'is it day or night ?', `it is ${SCENE_A.background === 'day' ? 'night' : 'day'} .`))).toBe(false);
  });

  it('reports an unknown question and still checks the claims', () => {
    const ok = judge(SCENE_A, 'what is the meaning of life ?', 'it is day .');
    expect(ok.questionUnderstood).toBe(false);
    expect(ok.claims.map((cl) => cl.truth)).toEqual([true]);
    expect(ok.hallucination).toBe(false);
    const bad = judge(SCENE_A, 'what is the meaning of life ?', 'there is a purple cross .');
    expect(bad.questionUnderstood).toBe(false);
    expect(bad.hallucination).toBe(true);
    expect(bad.score).toBeLessThan(3);
  });
});
