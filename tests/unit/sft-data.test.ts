// Questions and SFT data (DESIGN.md section 2): every reference answer is correct and
// informative by the judge's own measure, and the SFT mixture's knobs do what they say,
// measured by the judge rather than trusted from the generator's flags.

import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/world/rng';
import { BENCH_SEED_BASE, benchSeed, sampleScene } from '../../src/engine/world/sampler';
import type { Scene } from '../../src/engine/world/scene';
import { factSentences } from '../../src/engine/world/facts';
import { parseResponse } from '../../src/engine/language/parser';
import { parseQuestion, QUESTION_TYPES, type QuestionType } from '../../src/engine/language/question';
import { inVocab } from '../../src/engine/language/vocab';
import { judge } from '../../src/engine/judge/judge';
import { matching } from '../../src/engine/judge/truth';
import { makeQuestion } from '../../src/engine/data/questions';
import { makeSftData, SFT_MIXTURE, SFT_PLUS_MIXTURE, type SftExample, type SftMixture } from '../../src/engine/sft/data';

const wordCount = (t: string) => t.split(' ').length;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('makeQuestion', () => {
  const scenes: Scene[] = [...Array.from({ length: 300 }, (_, s) => sampleScene(s)), ...Array.from({ length: 100 }, (_, i) => sampleScene(benchSeed(3, i)))];

  it.each(QUESTION_TYPES.map((t) => [t]))('%s: the reference answer is true, parseable and fully informative', (type) => {
    const rng = new Rng(31 + QUESTION_TYPES.indexOf(type));
    let made = 0;
    for (const scene of scenes) {
      const q = makeQuestion(scene, type, rng);
      if (!q) continue;
      made++;
      expect(q.type).toBe(type);
      expect(parseQuestion(q.text), q.text).toStrictEqual(q.spec);
      const v = judge(scene, q.text, q.reference);
      const ctx = `${JSON.stringify(scene)}\n${q.text} -> ${q.reference}`;
      expect(v.questionUnderstood, ctx).toBe(true);
      expect(v.unparseable, ctx).toBe(false);
      expect(v.hallucination, ctx).toBe(false);
      expect(v.informativeness, ctx).toBe(1);
      expect(v.score, ctx).toBeGreaterThanOrEqual(5);
      expect(inVocab(q.text) && inVocab(q.reference), ctx).toBe(true);
    }
    // Comparison needs two objects that can be named apart; every other type fits almost any scene.
    expect(made).toBeGreaterThanOrEqual(type === 'comparison' ? 250 : 390);
  });

  it('adversarial questions ask about an absent object, and the answer is no', () => {
    const rng = new Rng(5);
    for (const scene of scenes) {
      const q = makeQuestion(scene, 'adversarial', rng)!;
      expect(q.spec.kind).toBe('exists');
      if (q.spec.kind === 'exists') expect(matching(scene, q.spec.obj)).toHaveLength(0);
      expect(q.reference.startsWith('no , there is no ')).toBe(true);
    }
  });

  it('"other" questions ask about present and absent objects alike', () => {
    const rng = new Rng(6);
    const answers = scenes.map((s) => makeQuestion(s, 'other', rng)!.reference.split(' ')[0]);
    const yes = answers.filter((a) => a === 'yes').length;
    expect(yes + answers.filter((a) => a === 'no').length).toBe(scenes.length);
    expect(yes).toBeGreaterThan(scenes.length * 0.35);
    expect(yes).toBeLessThan(scenes.length * 0.65);
  });

  it('is deterministic for the same scene and generator seed', () => {
    for (const type of QUESTION_TYPES) {
      const a = makeQuestion(sampleScene(11), type, new Rng(3));
      const b = makeQuestion(sampleScene(11), type, new Rng(3));
      expect(a).toStrictEqual(b);
    }
  });
});

describe('makeSftData', () => {
  const base = makeSftData(2400, 1);

  it('is deterministic per seed and differs across seeds', () => {
    expect(makeSftData(200, 1)).toStrictEqual(base.slice(0, 200));
    expect(makeSftData(200, 2)).not.toStrictEqual(base.slice(0, 200));
  });

  it('balances the question types and uses training scenes only', () => {
    const byType = new Map<QuestionType, number>();
    for (const e of base) byType.set(e.type, (byType.get(e.type) ?? 0) + 1);
    expect([...byType.keys()].sort()).toEqual([...QUESTION_TYPES].sort());
    for (const t of QUESTION_TYPES) expect(byType.get(t)).toBe(2400 / 8);
    for (const e of base) expect(e.scene.seed!).toBeLessThan(BENCH_SEED_BASE);
  });

  it('every question and response is in the vocabulary and the grammar', () => {
    for (const e of base) {
      expect(inVocab(e.question), e.question).toBe(true);
      expect(inVocab(e.response), e.response).toBe(true);
      for (const f of e.facts ?? []) expect(inVocab(f)).toBe(true);
      const v = judge(e.scene, e.question, e.response);
      expect(v.questionUnderstood, e.question).toBe(true);
      expect(v.unparseable, `${e.response} (unparsed: ${v.unparsed.join(' | ')})`).toBe(false);
    }
  });

  it("the judge's hallucination verdict equals the example's flag, for every example", () => {
    for (const mix of [SFT_MIXTURE, SFT_PLUS_MIXTURE, { ...SFT_MIXTURE, hallucinationRate: 1, factsShare: 0.5 }]) {
      for (const e of makeSftData(1200, 17, mix)) {
        const v = judge(e.scene, e.question, e.response);
        expect(v.hallucination, `${e.type}: ${e.question} -> ${e.response}`).toBe(e.hallucinated);
      }
    }
  });

  it('facts, when present, are the scene caption, and those answers never hallucinate', () => {
    const data = makeSftData(1600, 8, { ...SFT_MIXTURE, hallucinationRate: 1, factsShare: 0.5 });
    const withFacts = data.filter((e) => e.facts);
    expect(withFacts.length).toBeGreaterThan(650);
    expect(withFacts.length).toBeLessThan(950);
    for (const e of withFacts) {
      expect(e.facts).toEqual(factSentences(e.scene));
      expect(e.hallucinated).toBe(false);
      expect(judge(e.scene, e.question, e.response).hallucination).toBe(false);
    }
    // With rate 1, every synthetic answer without facts hallucinates: the knob is live.
    for (const e of data.filter((x) => !x.facts)) expect(judge(e.scene, e.question, e.response).hallucination).toBe(true);
    expect(makeSftData(300, 8, { ...SFT_MIXTURE, factsShare: 0 }).some((e) => e.facts)).toBe(false);
  });

  /** Judged hallucination share among synthetic answers without facts. */
  function measuredRate(mix: SftMixture, n: number, seed: number): { rate: number; m: number } {
    const pool = makeSftData(n, seed, mix).filter((e: SftExample) => e.source === 'synthetic' && !e.facts);
    const bad = pool.filter((e) => judge(e.scene, e.question, e.response).hallucination).length;
    return { rate: bad / pool.length, m: pool.length };
  }

  it.each([0, 0.2, 0.6])('hallucinationRate %s: the judged share of synthetic no-facts answers matches the knob', (knob) => {
    const { rate, m } = measuredRate({ ...SFT_MIXTURE, hallucinationRate: knob }, 3000, 100 + knob * 10);
    expect(m).toBeGreaterThanOrEqual(2000);
    if (knob === 0) {
      expect(rate).toBe(0);
    } else {
      const se = Math.sqrt((knob * (1 - knob)) / m);
      expect(Math.abs(rate - knob), `measured ${rate} on ${m}`).toBeLessThan(4 * se);
    }
  });

  it('vqa answers are shorter than synthetic ones and never hallucinate', () => {
    const data = makeSftData(2000, 21, SFT_PLUS_MIXTURE);
    const vqa = data.filter((e) => e.source === 'vqa');
    const syn = data.filter((e) => e.source === 'synthetic');
    expect(vqa.length).toBeGreaterThan(800);
    expect(syn.length).toBeGreaterThan(800);
    for (const e of vqa) {
      expect(e.hallucinated).toBe(false);
      expect(judge(e.scene, e.question, e.response).hallucination).toBe(false);
    }
    const vqaLen = mean(vqa.map((e) => wordCount(e.response)));
    const synLen = mean(syn.map((e) => wordCount(e.response)));
    expect(vqaLen).toBeLessThan(synLen);
    // Synthetic answers hallucinate at about the default rate; vqa ones at zero.
    expect(syn.some((e) => judge(e.scene, e.question, e.response).hallucination)).toBe(true);
  });

  it('vqaShare 0 gives no vqa examples; 1 gives only vqa examples', () => {
    expect(makeSftData(400, 4, { ...SFT_MIXTURE, vqaShare: 0 }).every((e) => e.source === 'synthetic')).toBe(true);
    const all = makeSftData(400, 4, { ...SFT_MIXTURE, vqaShare: 1 });
    expect(all.every((e) => e.source === 'vqa')).toBe(true);
    expect(all.every((e) => !e.hallucinated)).toBe(true);
  });

  it('fillerRate 0 gives no filler sentences; 1 gives one in every synthetic answer', () => {
    const fillers = (e: SftExample) => parseResponse(e.response).filter((s) => s.filler).length;
    const none = makeSftData(800, 5, { ...SFT_MIXTURE, fillerRate: 0 });
    expect(none.map(fillers).every((k) => k === 0)).toBe(true);
    const always = makeSftData(800, 5, { ...SFT_MIXTURE, fillerRate: 1 });
    expect(always.map(fillers).every((k) => k === 1)).toBe(true);
    // The default mixture pads some answers, about 30% of them.
    const share = base.filter((e) => fillers(e) > 0).length / base.length;
    expect(share).toBeGreaterThan(0.22);
    expect(share).toBeLessThan(0.38);
  });
});
