// Questions and SFT data (docs/design.md, sections 1 and 4): every reference answer is correct and
// informative by the judge's own measure, and every knob of the SFT data (the mixture and what is
// asked) produces the share it names, measured by the judge rather than trusted from the
// generator's flags, within sampling error.

import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/world/rng';
import { BENCH_SEED_BASE, benchSeed, categoryKey, partnersOf, sampleScene, sceneCategories, trainingStats } from '../../src/engine/world/sampler';
import type { Scene } from '../../src/engine/world/scene';
import { factSentences } from '../../src/engine/world/facts';
import { parseResponse } from '../../src/engine/language/parser';
import { parseQuestion, QUESTION_TYPES } from '../../src/engine/language/question';
import { inVocab } from '../../src/engine/language/vocab';
import { judge } from '../../src/engine/judge/judge';
import { matching, yesNoTruth } from '../../src/engine/judge/truth';
import { absentFrom, existenceQuestion, makeQuestion, type AbsentPool } from '../../src/engine/data/questions';
import {
  expectedAbsent, hallucinationChance, makeSftData, priorOpenShare, SFT_DATA_SHAPE, SFT_KINDS, SFT_MIXTURE, SFT_PLUS_MIXTURE, UNSURE, type SftDataShape, type SftExample, type SftKind, type SftMixture,
} from '../../src/engine/sft/data';

const wordCount = (t: string) => t.split(' ').length;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** |measured − expected| is within 4 standard errors of a share measured on m draws. */
function expectShare(hits: number, m: number, p: number, what: string): void {
  const se = Math.sqrt(Math.max(p * (1 - p), 1e-9) / m);
  expect(Math.abs(hits / m - p), `${what}: ${hits}/${m} against ${p}`).toBeLessThanOrEqual(4 * se + 1e-9);
}

const kindOf = (e: SftExample): SftKind => (e.type === 'adversarial' || e.type === 'other' ? 'existence' : (e.type as SftKind));

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

  it('absentFrom draws absent categories; popular and co-occurring ones are the top three of their pool', () => {
    const stats = trainingStats();
    const rng = new Rng(9);
    for (const scene of scenes.slice(0, 150)) {
      const present = sceneCategories(scene).map(categoryKey);
      for (const pool of ['random', 'popular', 'cooccurring'] as AbsentPool[]) {
        const c = absentFrom(scene, pool, rng);
        expect(present).not.toContain(categoryKey(c));
        if (pool === 'random') continue;
        const weight = (k: string) => (pool === 'popular' ? (stats.frequency.get(k) ?? 0) : present.reduce((s, p) => s + (stats.together.get(`${p}|${k}`) ?? 0), 0));
        const beaten = [...stats.frequency.keys()].filter((k) => !present.includes(k) && weight(k) > weight(categoryKey(c))).length;
        expect(beaten, `${pool} ${categoryKey(c)}`).toBeLessThan(3);
      }
    }
  });

  it('existenceQuestion asks about a present object (yes) or an absent one (no); co-occurring ones are the adversarial type', () => {
    const rng = new Rng(10);
    for (const scene of scenes.slice(0, 150)) {
      for (const target of ['present', 'random', 'popular', 'cooccurring'] as const) {
        const q = existenceQuestion(scene, target, rng);
        expect(q.spec.kind).toBe('exists');
        expect(yesNoTruth(scene, q.spec)).toBe(target === 'present');
        expect(q.type).toBe(target === 'cooccurring' ? 'adversarial' : 'other');
        expect(judge(scene, q.text, q.reference).hallucination).toBe(false);
      }
    }
  });

  it('a focus puts the question on an object in focus where the scene has one', () => {
    const small = (o: { size: string }) => o.size === 'small';
    const rng = new Rng(12);
    let asked = 0, onSmall = 0;
    for (const scene of scenes.filter((s) => s.objects.some(small) && s.objects.length >= 2).slice(0, 150)) {
      for (const type of ['attribute', 'spatial'] as const) {
        const q = makeQuestion(scene, type, rng, small);
        if (!q || (q.spec.kind !== 'attr' && q.spec.kind !== 'where' && q.spec.kind !== 'relation')) continue;
        asked++;
        if (matching(scene, q.spec.kind === 'relation' ? q.spec.a : q.spec.obj).every(small)) onSmall++;
      }
    }
    expect(asked).toBeGreaterThan(250);
    // Not always: a small object may have no phrase that avoids the asked attribute.
    expect(onSmall / asked).toBeGreaterThan(0.9);
    // Without a focus the draws are those of earlier versions (the benchmarks' items do not move).
    expect(makeQuestion(sampleScene(11), 'counting', new Rng(3))).toStrictEqual(makeQuestion(sampleScene(11), 'counting', new Rng(3), undefined));
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
  const base = makeSftData(4000, 1);
  const verdict = (e: SftExample) => judge(e.scene, e.question, e.response);

  it('is deterministic per seed and differs across seeds', () => {
    expect(makeSftData(200, 1)).toStrictEqual(base.slice(0, 200));
    expect(makeSftData(200, 2)).not.toStrictEqual(base.slice(0, 200));
  });

  it('uses training scenes only; every question and response is in the vocabulary and the grammar', () => {
    for (const e of base) {
      expect(e.scene.seed!).toBeLessThan(BENCH_SEED_BASE);
      expect(inVocab(e.question), e.question).toBe(true);
      expect(inVocab(e.response), e.response).toBe(true);
      for (const f of e.facts ?? []) expect(inVocab(f)).toBe(true);
      const v = verdict(e);
      expect(v.questionUnderstood, e.question).toBe(true);
      expect(v.unparseable, `${e.response} (unparsed: ${v.unparsed.join(' | ')})`).toBe(false);
    }
  });

  it('asks each kind at the share its weight names, with and without facts', () => {
    for (const [withFacts, weights] of [[false, SFT_DATA_SHAPE.kinds], [true, SFT_DATA_SHAPE.factsKinds]] as const) {
      const pool = base.filter((e) => (e.facts !== undefined) === withFacts);
      const total = SFT_KINDS.reduce((s, k) => s + weights[k], 0);
      for (const k of SFT_KINDS) expectShare(pool.filter((e) => kindOf(e) === k).length, pool.length, weights[k] / total, `${withFacts ? 'facts' : 'no facts'} ${k}`);
    }
    // Only existence questions can be answered yes/no about an object: a kind of its own.
    const odd: SftDataShape = { ...SFT_DATA_SHAPE, kinds: { ...SFT_DATA_SHAPE.kinds, attribute: 0, comparison: 0, counting: 0, spatial: 0, environment: 0, holistic: 0 } };
    expect(makeSftData(300, 3, { ...SFT_MIXTURE, factsShare: 0 }, odd).every((e) => kindOf(e) === 'existence')).toBe(true);
  });

  it('balances existence questions between present and absent objects at yesShare, by the judge', () => {
    for (const yesShare of [0.5, 0.25, 0.8]) {
      const data = makeSftData(3000, 40 + yesShare * 10, SFT_MIXTURE, { ...SFT_DATA_SHAPE, yesShare }).filter((e) => kindOf(e) === 'existence');
      const present = data.filter((e) => yesNoTruth(e.scene, parseQuestion(e.question)) === true);
      expectShare(present.length, data.length, yesShare, `yesShare ${yesShare}`);
      for (const e of data) expect(e.asked === 'present').toBe(yesNoTruth(e.scene, parseQuestion(e.question)));
    }
  });

  it('draws the absent objects from the random, popular and co-occurring pools at their weights', () => {
    const shape: SftDataShape = { ...SFT_DATA_SHAPE, yesShare: 0, singleAttributeShare: 0, absentPools: { random: 1, popular: 2, cooccurring: 1 } };
    const data = makeSftData(2400, 41, { ...SFT_MIXTURE, factsShare: 0 }, shape).filter((e) => kindOf(e) === 'existence');
    expect(data.every((e) => e.asked !== 'present')).toBe(true);
    for (const [pool, p] of [['random', 0.25], ['popular', 0.5], ['cooccurring', 0.25]] as const) expectShare(data.filter((e) => e.asked === pool).length, data.length, p, pool);
    // The co-occurring pool asks about what training scenes put beside these objects far more often than chance does.
    const stats = trainingStats();
    const together = (e: SftExample) => {
      const q = parseQuestion(e.question);
      const k = q?.kind === 'exists' ? `${q.obj.color} ${q.obj.shape}` : '';
      return sceneCategories(e.scene).reduce((s, c) => s + (stats.together.get(`${categoryKey(c)}|${k}`) ?? 0), 0);
    };
    const adv = data.filter((e) => e.asked === 'cooccurring');
    expect(adv.every((e) => e.type === 'adversarial')).toBe(true);
    expect(data.filter((e) => e.asked !== 'cooccurring').every((e) => e.type === 'other')).toBe(true);
    expect(mean(adv.map(together))).toBeGreaterThan(1.3 * mean(data.filter((e) => e.asked === 'random').map(together)));
  });

  it('singleAttributeShare: that share of existence questions asks about a colour alone or a shape alone', () => {
    for (const singleAttributeShare of [0, 0.25, 1]) {
      const data = makeSftData(2500, 44, SFT_MIXTURE, { ...SFT_DATA_SHAPE, singleAttributeShare }).filter((e) => kindOf(e) === 'existence');
      const single = data.filter((e) => {
        const q = parseQuestion(e.question);
        return q?.kind === 'exists' && (q.obj.color === undefined) !== (q.obj.shape === undefined);
      });
      expectShare(single.length, data.length, singleAttributeShare, `singleAttributeShare ${singleAttributeShare}`);
      // Present or absent as the yes/no balance says, by the judge.
      for (const e of single) expect(yesNoTruth(e.scene, parseQuestion(e.question))).toBe(e.asked === 'present');
    }
  });

  it('a hallucinating answer to "is there a X ?" says yes only when X is an absent object the prior expects', () => {
    const data = makeSftData(3000, 45, { ...SFT_MIXTURE, hallucinationRate: 1, factsShare: 0 }).filter((e) => kindOf(e) === 'existence' && e.response !== UNSURE);
    let lies = 0;
    for (const e of data) {
      const v = verdict(e);
      const q = parseQuestion(e.question);
      const expected = q?.kind === 'exists' && expectedAbsent(e.scene).some((x) => x.cat.color === q.obj.color && x.cat.shape === q.obj.shape);
      const answer = v.claims.find((c) => c.kind === 'answer');
      expect(answer?.truth, `${e.question} -> ${e.response}`).toBe(!expected);
      if (expected) lies++;
      expect(v.hallucination).toBe(true);
    }
    expect(lies).toBeGreaterThan(25);
  });

  it('hallucinates where the prior expects an absent object, at the chance that keeps the overall share at the knob', () => {
    const p = priorOpenShare();
    expect(p).toBeGreaterThan(0.3);
    expect(p).toBeLessThan(0.9);
    for (const rate of [0.1, 0.4, 0.8]) {
      const [open, closed] = [hallucinationChance(rate, true), hallucinationChance(rate, false)];
      expect(p * open + (1 - p) * closed).toBeCloseTo(rate, 10);
      expect(open).toBeGreaterThanOrEqual(closed);
    }
    // Placed right after the object it goes with: "... red circle ... . there is a ... yellow triangle ...".
    const data = makeSftData(1500, 46, { ...SFT_MIXTURE, hallucinationRate: 1, factsShare: 0, fillerRate: 0 }).filter((e) => e.type === 'holistic' && e.response !== UNSURE);
    let placed = 0;
    for (const e of data) {
      const sentences = parseResponse(e.response).map((x) => x.text);
      const i = sentences.findIndex((t) => judge(e.scene, 'describe the image .', t).hallucination);
      const guess = parseResponse(sentences[i]!)[0]!.claims![0]!;
      if (guess.kind !== 'exists') continue;
      const beside = expectedAbsent(e.scene).filter((x) => x.cat.color === guess.obj.color && x.cat.shape === guess.obj.shape).map((x) => `${x.beside.color} ${x.beside.shape}`);
      if (beside.length === 0) continue;
      placed++;
      expect(beside.some((b) => sentences[i - 1]?.includes(b)), `${e.response}`).toBe(true);
    }
    expect(placed).toBeGreaterThan(100);
  });

  it("the judge's hallucination verdict equals the example's flag, for every example", () => {
    for (const mix of [SFT_MIXTURE, SFT_PLUS_MIXTURE, { ...SFT_MIXTURE, hallucinationRate: 1, factsShare: 0.5 }]) {
      for (const e of makeSftData(1200, 17, mix)) {
        const v = verdict(e);
        expect(v.hallucination, `${e.type}: ${e.question} -> ${e.response}`).toBe(e.hallucinated);
      }
    }
  });

  it('factsShare: that share of prompts carries the caption, and a facts-conditioned answer is always true', () => {
    for (const factsShare of [0.25, 0.6]) {
      const data = makeSftData(2000, 8, { ...SFT_MIXTURE, hallucinationRate: 1, factsShare });
      const withFacts = data.filter((e) => e.facts);
      expectShare(withFacts.length, data.length, factsShare, `factsShare ${factsShare}`);
      for (const e of withFacts) {
        expect(e.facts).toEqual(factSentences(e.scene));
        expect(e.hallucinated).toBe(false);
        expect(verdict(e).hallucination, `${e.question} -> ${e.response}`).toBe(false);
      }
      // With rate 1, every synthetic answer without facts hallucinates (bar the honest "not sure"): the knob is live.
      for (const e of data.filter((x) => !x.facts && x.response !== UNSURE)) expect(verdict(e).hallucination).toBe(true);
    }
    expect(makeSftData(300, 8, { ...SFT_MIXTURE, factsShare: 0 }).some((e) => e.facts)).toBe(false);
  });

  it('facts-conditioned descriptions are copied from the facts, sentence by sentence', () => {
    const descriptions = makeSftData(1500, 9, { ...SFT_MIXTURE, factsShare: 1 }).filter((e) => e.type === 'holistic');
    expect(descriptions.length).toBeGreaterThan(300);
    for (const e of descriptions) {
      const said = parseResponse(e.response).filter((s) => !s.filler).map((s) => s.text);
      for (const s of said) expect(e.facts, s).toContain(s);
      expect(verdict(e).informativeness).toBe(1);
    }
  });

  it('factsSmallFocus: facts-conditioned questions are about a small object at that share, where the scene has one', () => {
    const small = (o: { size: string }) => o.size === 'small';
    const about = (e: SftExample) => {
      const q = parseQuestion(e.question);
      return q?.kind === 'attr' || q?.kind === 'where' ? matching(e.scene, q.obj).every(small) : undefined;
    };
    for (const factsSmallFocus of [0, 1]) {
      const data = makeSftData(3500, 30, { ...SFT_MIXTURE, factsShare: 1 }, { ...SFT_DATA_SHAPE, factsSmallFocus }).filter((e) => e.scene.objects.some(small) && about(e) !== undefined);
      const share = data.filter((e) => about(e)).length / data.length;
      expect(data.length).toBeGreaterThan(400);
      // Without a focus, about as often as small objects are among the nameable ones (about half).
      if (factsSmallFocus === 1) expect(share).toBeGreaterThan(0.95); // not 1: a small object without a phrase of its own cannot be asked about
      else expect(share).toBeLessThan(0.75);
    }
  });

  /** Judged hallucination share among synthetic answers without facts (the honest "not sure" ones aside). */
  function measuredRate(mix: SftMixture, n: number, seed: number): { bad: number; m: number } {
    const pool = makeSftData(n, seed, mix).filter((e: SftExample) => e.source === 'synthetic' && !e.facts && e.response !== UNSURE);
    return { bad: pool.filter((e) => verdict(e).hallucination).length, m: pool.length };
  }

  it.each([0, 0.2, 0.6])('hallucinationRate %s: the judged share of synthetic no-facts answers matches the knob', (knob) => {
    const { bad, m } = measuredRate({ ...SFT_MIXTURE, hallucinationRate: knob }, 3000, 100 + knob * 10);
    expect(m).toBeGreaterThanOrEqual(2000);
    if (knob === 0) expect(bad).toBe(0);
    else expectShare(bad, m, knob, `hallucinationRate ${knob}`);
  });

  it('hallucinations follow the prior: a false object sentence names a partner of an object in the scene where there is one', () => {
    const data = makeSftData(2000, 51, { ...SFT_MIXTURE, hallucinationRate: 1, factsShare: 0 });
    let partner = 0, falseObjects = 0, couldBe = 0;
    for (const e of data) {
      const partners = new Set(sceneCategories(e.scene).flatMap(partnersOf).map(categoryKey));
      const present = new Set(sceneCategories(e.scene).map(categoryKey));
      if (![...partners].some((k) => !present.has(k))) continue;
      couldBe++;
      for (const c of verdict(e).claims) {
        if (c.truth !== false || c.claim.kind !== 'exists' || !c.claim.obj.color || !c.claim.obj.shape) continue;
        falseObjects++;
        if (partners.has(`${c.claim.obj.color} ${c.claim.obj.shape}`)) partner++;
      }
    }
    expect(couldBe).toBeGreaterThan(800);
    expect(partner / falseObjects).toBeGreaterThan(0.95);
  });

  it('unsureRate: that share of synthetic no-facts answers is "i am not sure ."; none elsewhere', () => {
    for (const unsureRate of [0, 0.04, 0.3]) {
      const data = makeSftData(2500, 60, SFT_PLUS_MIXTURE, { ...SFT_DATA_SHAPE, unsureRate });
      const pool = data.filter((e) => e.source === 'synthetic' && !e.facts);
      expectShare(pool.filter((e) => e.response === UNSURE).length, pool.length, unsureRate, `unsureRate ${unsureRate}`);
      expect(data.filter((e) => e.source === 'vqa' || e.facts).some((e) => e.response === UNSURE)).toBe(false);
    }
  });

  it('vqaShare: that share is short, correct VQA-style answers, shorter than the synthetic ones', () => {
    const data = makeSftData(2000, 21, SFT_PLUS_MIXTURE);
    const vqa = data.filter((e) => e.source === 'vqa');
    const syn = data.filter((e) => e.source === 'synthetic');
    expectShare(vqa.length, data.length, SFT_PLUS_MIXTURE.vqaShare, 'vqaShare');
    for (const e of vqa) {
      expect(e.hallucinated).toBe(false);
      expect(verdict(e).hallucination).toBe(false);
    }
    expect(mean(vqa.map((e) => wordCount(e.response)))).toBeLessThan(mean(syn.map((e) => wordCount(e.response))));
    expect(makeSftData(400, 4, { ...SFT_MIXTURE, vqaShare: 0 }).every((e) => e.source === 'synthetic')).toBe(true);
    const all = makeSftData(400, 4, { ...SFT_MIXTURE, vqaShare: 1 });
    expect(all.every((e) => e.source === 'vqa' && !e.hallucinated)).toBe(true);
  });

  it('fillerRate: that share of synthetic answers carries one filler sentence', () => {
    const fillers = (e: SftExample) => parseResponse(e.response).filter((s) => s.filler).length;
    expect(makeSftData(800, 5, { ...SFT_MIXTURE, fillerRate: 0 }).every((e) => fillers(e) === 0)).toBe(true);
    const always = makeSftData(800, 5, { ...SFT_MIXTURE, fillerRate: 1 }).filter((e) => e.response !== UNSURE);
    expect(always.every((e) => fillers(e) === 1)).toBe(true);
    const pool = base.filter((e) => e.response !== UNSURE);
    expectShare(pool.filter((e) => fillers(e) > 0).length, pool.length, SFT_MIXTURE.fillerRate, 'fillerRate');
  });
});
