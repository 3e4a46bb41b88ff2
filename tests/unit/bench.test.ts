// The benchmarks (docs/design.md, section 2): POPE metrics against hand-worked confusion matrices,
// the three POPE splits doing what their names say, POPE split by the truth against hand counts,
// ShapesHal-Bench's item set, and CHAIR against hand counts.

import { describe, expect, it } from 'vitest';
import type { Scene } from '../../src/engine/world/scene';
import { BENCH_SEED_BASE, categoryKey, sceneCategories, trainingStats } from '../../src/engine/world/sampler';
import { factSentences } from '../../src/engine/world/facts';
import { parseQuestion, QUESTION_TYPES } from '../../src/engine/language/question';
import { matching } from '../../src/engine/judge/truth';
import { popeByTruth, popeItems, popeMetrics, popeTruth, POPE_SPLITS, readYesNo, scorePope, type PopeItem, type PopeSplit } from '../../src/engine/bench/pope';
import { sampleAnswers, scoreShapesHal, shapesHalItems } from '../../src/engine/bench/shapes-hal';
import { chairItems, scoreChair, type ChairItem } from '../../src/engine/bench/chair';
import { allPrompts, benchSuite, scoreBench } from '../../src/engine/bench/report';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('popeMetrics', () => {
  it('matches a confusion matrix worked by hand', () => {
    // tp 40, fp 10, tn 30, fn 20: n = 100; accuracy (40+30)/100; precision 40/50; recall 40/60;
    // yes-ratio (40+10)/100.
    const m = popeMetrics({ tp: 40, fp: 10, tn: 30, fn: 20 }, 3);
    expect(m.n).toBe(100);
    expect(m.unclear).toBe(3);
    expect(m.accuracy).toBeCloseTo(0.7, 12);
    expect(m.precision).toBeCloseTo(0.8, 12);
    expect(m.recall).toBeCloseTo(2 / 3, 12);
    expect(m.f1).toBeCloseTo((2 * 0.8 * (2 / 3)) / (0.8 + 2 / 3), 12);
    expect(m.f1).toBeCloseTo(0.727272727, 8);
    expect(m.yesRatio).toBeCloseTo(0.5, 12);
  });

  it('a second matrix: tp 9, fp 1, tn 0, fn 0', () => {
    const m = popeMetrics({ tp: 9, fp: 1, tn: 0, fn: 0 });
    expect(m.accuracy).toBeCloseTo(0.9, 12);
    expect(m.precision).toBeCloseTo(0.9, 12);
    expect(m.recall).toBe(1);
    expect(m.f1).toBeCloseTo(1.8 / 1.9, 12);
    expect(m.yesRatio).toBe(1);
    expect(m.unclear).toBe(0);
  });

  it('gives 0 where a ratio divides by zero', () => {
    expect(popeMetrics({ tp: 0, fp: 0, tn: 0, fn: 0 })).toStrictEqual({ accuracy: 0, precision: 0, recall: 0, f1: 0, yesRatio: 0, n: 0, unclear: 0 });
    // Never says yes: precision and recall undefined or zero; f1 0.
    expect(popeMetrics({ tp: 0, fp: 0, tn: 5, fn: 5 })).toMatchObject({ accuracy: 0.5, precision: 0, recall: 0, f1: 0, yesRatio: 0 });
    // Nothing present, always yes: recall undefined (0), precision 0.
    expect(popeMetrics({ tp: 0, fp: 4, tn: 0, fn: 0 })).toMatchObject({ accuracy: 0, precision: 0, recall: 0, f1: 0, yesRatio: 1 });
    // Only true negatives.
    expect(popeMetrics({ tp: 0, fp: 0, tn: 7, fn: 0 })).toMatchObject({ accuracy: 1, precision: 0, recall: 0, f1: 0, yesRatio: 0 });
  });
});

describe('readYesNo', () => {
  const redCircle = { color: 'red', shape: 'circle' } as const;
  it.each([
    ['yes .', true],
    ['no .', false],
    ['no , there is no red circle .', false],
    ['yes , there is a red circle at the top left .', true],
    ['there is a red circle at the top left .', true],
    ['there is a small red circle .', true],
    ['there is no circle .', false],
    ['there is no red circle .', false],
    ['the picture looks nice . there is a red circle .', true],
    ['i am not sure .', undefined],
    ['there is a red object .', undefined],
    ['there is no small red circle .', undefined],
    ['there is a blue circle .', undefined],
    ['it is day .', undefined],
    ['blah .', undefined],
    ['', undefined],
  ] as const)('reads %j as %s (asked: red circle)', (response, expected) => {
    expect(readYesNo(response, redCircle)).toBe(expected);
  });
});

describe('POPE items', () => {
  const items = popeItems();
  const bySplit = (s: string) => items.filter((it) => it.split === s);

  it('asks about 3 present and 3 absent objects per scene, and knows which', () => {
    expect(new Set(items.map((it) => it.id)).size).toBe(items.length);
    expect(items).toHaveLength(3 * 30 * 6);
    for (const split of POPE_SPLITS) {
      const scenes = new Map<Scene, PopeItem[]>();
      for (const it of bySplit(split)) scenes.set(it.scene, [...(scenes.get(it.scene) ?? []), it]);
      expect(scenes.size).toBe(30);
      for (const [scene, asked] of scenes) {
        expect(scene.seed!).toBeGreaterThanOrEqual(BENCH_SEED_BASE);
        expect(asked).toHaveLength(6);
        expect(asked.filter((a) => a.present)).toHaveLength(3);
        expect(new Set(asked.map((a) => categoryKey(a.object))).size).toBe(6);
        for (const a of asked) {
          const obj = { color: a.object.color, shape: a.object.shape };
          expect(matching(scene, obj).length > 0).toBe(a.present);
          expect(a.question).toBe(`is there a ${a.object.color} ${a.object.shape} in the image ?`);
          expect(parseQuestion(a.question)).toStrictEqual({ kind: 'exists', obj });
        }
      }
    }
  });

  it('is the same on every call', () => {
    expect(popeItems()).toStrictEqual(items);
  });

  it('the popular split asks about more frequent absent objects than the random split', () => {
    const { frequency } = trainingStats();
    const avgFreq = (s: string) => mean(bySplit(s).filter((it) => !it.present).map((it) => frequency.get(categoryKey(it.object)) ?? 0));
    const random = avgFreq('random');
    const popular = avgFreq('popular');
    // Measured: random 0.095, popular 0.188 (the prior's ten categories are drawn twice as often).
    expect(popular).toBeGreaterThan(random * 1.3);
  });

  it('the adversarial split asks about absent objects that co-occur more with the present ones', () => {
    const { together } = trainingStats();
    const avgTogether = (s: string) =>
      mean(
        bySplit(s)
          .filter((it) => !it.present)
          .map((it) => sceneCategories(it.scene).reduce((sum, p) => sum + (together.get(`${categoryKey(p)}|${categoryKey(it.object)}`) ?? 0), 0)),
      );
    // Measured (training scenes holding both, summed over the scene's categories): random 850,
    // popular 1716, adversarial 1950.
    expect(avgTogether('adversarial')).toBeGreaterThan(avgTogether('random') * 1.5);
    expect(avgTogether('adversarial')).toBeGreaterThan(avgTogether('popular'));
  });
});

describe('scorePope', () => {
  const items = popeItems();

  it('all "yes ." : recall 1, precision and accuracy 0.5, yes-ratio 1', () => {
    const rep = scorePope(items, new Map(items.map((it) => [it.id, 'yes .'])));
    for (const split of POPE_SPLITS) {
      expect(rep[split].recall).toBe(1);
      expect(rep[split].precision).toBe(0.5);
      expect(rep[split].accuracy).toBe(0.5);
      expect(rep[split].yesRatio).toBe(1);
      expect(rep[split].n).toBe(180);
    }
  });

  it('the truth: accuracy, precision, recall and f1 1, yes-ratio 0.5', () => {
    const rep = scorePope(items, new Map(items.map((it) => [it.id, it.present ? 'yes .' : 'no , there is no such object .'.replace('such object', `${it.object.color} ${it.object.shape}`)])));
    for (const split of POPE_SPLITS) {
      expect(rep[split]).toMatchObject({ accuracy: 1, precision: 1, recall: 1, f1: 1, yesRatio: 0.5, n: 180, unclear: 0 });
    }
  });

  it('unclear answers count as "no", and unanswered items are left out', () => {
    const random = items.filter((it) => it.split === 'random');
    const responses = new Map(random.map((it) => [it.id, 'i am not sure .']));
    const rep = scorePope(items, responses);
    expect(rep.random).toMatchObject({ n: 180, unclear: 180, accuracy: 0.5, recall: 0, yesRatio: 0 });
    expect(rep.popular.n).toBe(0);
    expect(rep.adversarial.n).toBe(0);
  });
});

describe('popeByTruth', () => {
  // A red circle both small and large, a small blue square beside a large blue circle and a large
  // red square (same colour or same shape is not the asked object), a large yellow triangle.
  const scene: Scene = {
    background: 'day',
    objects: [
      { shape: 'circle', color: 'red', size: 'small', row: 0, col: 0 },
      { shape: 'circle', color: 'red', size: 'large', row: 1, col: 1 },
      { shape: 'square', color: 'blue', size: 'small', row: 0, col: 2 },
      { shape: 'circle', color: 'blue', size: 'large', row: 2, col: 2 },
      { shape: 'square', color: 'red', size: 'large', row: 2, col: 1 },
      { shape: 'triangle', color: 'yellow', size: 'large', row: 2, col: 0 },
    ],
  };
  const item = (id: string, split: PopeSplit, color: 'red' | 'green' | 'blue' | 'yellow', shape: 'circle' | 'square' | 'triangle' | 'cross', present: boolean): PopeItem => ({
    id, split, scene, question: `is there a ${color} ${shape} in the image ?`, object: { color, shape }, present,
  });
  const items = [
    item('a', 'random', 'red', 'circle', true), // one instance large: present large
    item('b', 'random', 'blue', 'square', true), // only small: present small
    item('c', 'random', 'green', 'cross', false),
    item('d', 'popular', 'yellow', 'triangle', true),
    item('e', 'popular', 'green', 'circle', false),
    item('f', 'adversarial', 'yellow', 'circle', false),
    item('g', 'adversarial', 'blue', 'square', true),
    item('h', 'adversarial', 'green', 'cross', false),
  ];

  it('reads the truth from the scene: large if any instance of the asked colour and shape is large', () => {
    expect(items.map(popeTruth)).toEqual(['present-large', 'present-small', 'absent', 'present-large', 'absent', 'absent', 'present-small', 'absent']);
  });

  it('counts "yes" per truth and absent pool; an unclear answer is "no", an item without a response is left out', () => {
    const responses = new Map([
      ['a', 'yes .'],
      ['b', 'no .'],
      ['c', 'there is a green cross .'], // a claim of presence: yes
      ['d', 'there is a blue square .'], // about another object: unclear, so no
      ['e', 'no .'],
      ['f', 'yes .'],
      ['g', 'there are two blue squares .'], // a count above zero: yes
      // h: no response
    ]);
    expect(popeByTruth(items, responses)).toStrictEqual({
      presentLarge: { n: 2, yes: 1 },
      presentSmall: { n: 2, yes: 1 },
      absent: { random: { n: 1, yes: 1 }, popular: { n: 1, yes: 0 }, adversarial: { n: 1, yes: 1 } },
    });
  });

  it('a policy that says yes to everything scores every group full; one that says no, every group empty', () => {
    const all = (r: string) => new Map(items.map((it) => [it.id, r]));
    const yes = popeByTruth(items, all('yes .'));
    expect([yes.presentLarge, yes.presentSmall, ...POPE_SPLITS.map((s) => yes.absent[s])]).toStrictEqual([{ n: 2, yes: 2 }, { n: 2, yes: 2 }, { n: 1, yes: 1 }, { n: 1, yes: 1 }, { n: 2, yes: 2 }]);
    const no = popeByTruth(items, all('no .'));
    expect([no.presentLarge, no.presentSmall, ...POPE_SPLITS.map((s) => no.absent[s])].map((c) => c.yes)).toEqual([0, 0, 0, 0, 0]);
  });
});

describe('ShapesHal-Bench items', () => {
  const items = shapesHalItems();

  it('has 96 items, 12 per type, unique ids, benchmark scenes, questions the judge reads', () => {
    expect(items).toHaveLength(96);
    for (const t of QUESTION_TYPES) expect(items.filter((it) => it.type === t)).toHaveLength(12);
    expect(new Set(items.map((it) => it.id)).size).toBe(96);
    for (const it of items) {
      expect(it.scene.seed!).toBeGreaterThanOrEqual(BENCH_SEED_BASE);
      expect(parseQuestion(it.question), it.question).toBeDefined();
    }
  });

  it('is the same on every call', () => {
    expect(shapesHalItems()).toStrictEqual(items);
    expect(shapesHalItems('standard')).toStrictEqual(items);
  });

  it('the large size has 100 items per type', () => {
    const large = shapesHalItems('large');
    expect(large).toHaveLength(800);
    for (const t of QUESTION_TYPES) expect(large.filter((it) => it.type === t)).toHaveLength(100);
    expect(new Set(large.map((it) => it.id)).size).toBe(800);
    for (const it of large) expect(it.scene.seed!).toBeGreaterThanOrEqual(BENCH_SEED_BASE);
  });
});

describe('scoreShapesHal', () => {
  const items = shapesHalItems();

  it('the reference answers: no hallucination, full informativeness, score at least 5', () => {
    const rep = scoreShapesHal(items, new Map(items.map((it) => [it.id, it.reference])));
    expect(rep.n).toBe(96);
    expect(rep.hallucinationRate).toBe(0);
    expect(rep.informativeness).toBe(1);
    expect(rep.trueInformative).toBe(1);
    expect(rep.noAnswerRate).toBe(0);
    expect(rep.score).toBeGreaterThanOrEqual(5);
    for (const t of QUESTION_TYPES) expect(rep.byType[t]).toMatchObject({ n: 12, hallucinationRate: 0, informativeness: 1 });
  });

  it('an answer that is always false: hallucination rate 1', () => {
    // One of the two is false in every scene.
    const rep = scoreShapesHal(items, new Map(items.map((it) => [it.id, 'it is day . it is night .'])));
    expect(rep.hallucinationRate).toBe(1);
    expect(rep.score).toBeLessThan(3);
    for (const t of QUESTION_TYPES) expect(rep.byType[t]!.hallucinationRate).toBe(1);
  });

  it('"i am not sure ." everywhere: score exactly 3, no hallucination, no information', () => {
    const rep = scoreShapesHal(items, new Map(items.map((it) => [it.id, 'i am not sure .'])));
    expect(rep).toMatchObject({ score: 3, hallucinationRate: 0, informativeness: 0, trueInformative: 0, noAnswerRate: 0, n: 96 });
  });

  it('silence everywhere: no hallucination and the same score 3, but nothing true and informative, all "no answer"', () => {
    const rep = scoreShapesHal(items, new Map(items.map((it) => [it.id, ''])));
    expect(rep).toMatchObject({ score: 3, hallucinationRate: 0, informativeness: 0, trueInformative: 0, noAnswerRate: 1, n: 96 });
  });

  it('true and informative counts answers with no false claim and some asked fact: reference on half the items, silence on a quarter, a false claim on the rest', () => {
    const responses = new Map(items.map((it, i) => [it.id, i % 4 < 2 ? it.reference : i % 4 === 2 ? '' : 'it is day . it is night .']));
    const rep = scoreShapesHal(items, responses);
    expect(rep.trueInformative).toBe(0.5);
    expect(rep.noAnswerRate).toBe(0.25);
    expect(rep.hallucinationRate).toBe(0.25);
  });

  it('sampleAnswers: the first three items of each type with the judge\'s verdict in words', () => {
    const responses = new Map(items.map((it, i) => [it.id, i % 3 === 0 ? it.reference : i % 3 === 1 ? '' : 'i am not sure .']));
    const got = sampleAnswers(items, responses);
    expect(got).toHaveLength(3 * QUESTION_TYPES.length);
    for (const t of QUESTION_TYPES) {
      const first = items.filter((it) => it.type === t).slice(0, 3);
      expect(got.filter((x) => x.type === t).map((x) => x.question)).toEqual(first.map((it) => it.question));
    }
    const byAnswer = (a: string) => new Set(got.filter((x) => x.answer === a).map((x) => x.verdict));
    expect(byAnswer('')).toEqual(new Set(['no answer']));
    expect(byAnswer('i am not sure .')).toEqual(new Set(['true, not informative']));
    expect(new Set(got.filter((x) => x.answer !== '' && x.answer !== 'i am not sure .').map((x) => x.verdict))).toEqual(new Set(['true and informative']));
    expect(sampleAnswers(items, new Map(items.map((it) => [it.id, 'it is day . it is night .'])), 1).every((x) => x.verdict === 'hallucinates')).toBe(true);
  });

  it('leaves out items without a response and averages the rest', () => {
    const holistic = items.filter((it) => it.type === 'holistic');
    const env = items.filter((it) => it.type === 'environment');
    const responses = new Map<string, string>([
      ...holistic.map((it) => [it.id, 'i am not sure .'] as [string, string]),
      ...env.map((it) => [it.id, `it is ${it.scene.background === 'day' ? 'night' : 'day'} .`] as [string, string]),
    ]);
    const rep = scoreShapesHal(items, responses);
    expect(rep.n).toBe(24);
    // 12 scores of 3 and 12 of 0 (false, not informative).
    expect(rep.score).toBe(1.5);
    expect(rep.hallucinationRate).toBe(0.5);
    expect(rep.trueInformative).toBe(0);
    expect(rep.byType.environment).toMatchObject({ n: 12, score: 0, hallucinationRate: 1, trueInformative: 0 });
    expect(rep.byType.holistic).toMatchObject({ n: 12, score: 3, hallucinationRate: 0, trueInformative: 0 });
    expect(rep.byType.counting).toMatchObject({ n: 0, score: 0 });
  });
});

describe('CHAIR', () => {
  const scene: Scene = {
    background: 'day',
    objects: [
      { shape: 'circle', color: 'red', size: 'small', row: 0, col: 0 },
      { shape: 'square', color: 'blue', size: 'large', row: 1, col: 1 },
    ],
  };
  const items: ChairItem[] = [
    { id: 'a', scene, question: 'describe the image .' },
    { id: 'b', scene, question: 'describe the image .' },
  ];

  it('3 mentions, 1 of them absent: CHAIR_i 1/3, CHAIR_s 1', () => {
    const rep = scoreChair(items, new Map([['a', 'there is a red circle . there is a blue square at the bottom right . there is a green cross .']]));
    expect(rep).toStrictEqual({ chairI: 1 / 3, chairS: 1, mentions: 3, n: 1 });
  });

  it('counts both phrases of a relation; absence, counts and shapeless phrases mention nothing', () => {
    const rep = scoreChair(
      items,
      new Map([
        // mentions: blue square, red circle (relation), yellow triangle; not: "no green cross", the count, "red object".
        ['a', 'the blue square is below the red circle . there is no green cross . there are two circles . there is a red object . there is a yellow triangle .'],
        // mentions: red circle, blue square: none hallucinated.
        ['b', 'there is a small red circle at the top left . the blue square is large .'],
      ]),
    );
    expect(rep.mentions).toBe(5);
    expect(rep.chairI).toBeCloseTo(1 / 5, 12);
    expect(rep.chairS).toBe(0.5);
    expect(rep.n).toBe(2);
  });

  it('gives 0 with no mentions or no responses', () => {
    expect(scoreChair(items, new Map([['a', 'i am not sure .']]))).toStrictEqual({ chairI: 0, chairS: 0, mentions: 0, n: 1 });
    expect(scoreChair(items, new Map())).toStrictEqual({ chairI: 0, chairS: 0, mentions: 0, n: 0 });
  });

  it('the standard items: 50 descriptions of benchmark scenes; the facts score 0', () => {
    const all = chairItems();
    expect(all).toHaveLength(50);
    expect(new Set(all.map((it) => it.id)).size).toBe(50);
    for (const it of all) {
      expect(it.question).toBe('describe the image .');
      expect(it.scene.seed!).toBeGreaterThanOrEqual(BENCH_SEED_BASE);
    }
    const rep = scoreChair(all, new Map(all.map((it) => [it.id, factSentences(it.scene).join(' ')])));
    expect(rep.chairI).toBe(0);
    expect(rep.chairS).toBe(0);
    expect(rep.mentions).toBe(all.reduce((s, it) => s + it.scene.objects.length, 0));
  });
});

describe('benchSuite and scoreBench', () => {
  it('the ids of all three benchmarks are unique together', () => {
    const s = benchSuite();
    const ids = [...s.shapesHal, ...s.pope, ...s.chair].map((it) => it.id);
    expect(new Set(ids).size).toBe(96 + 540 + 50);
  });

  it('scores the right answers as perfect on all three', () => {
    const s = benchSuite();
    const responses = new Map<string, string>([
      ...s.shapesHal.map((it) => [it.id, it.reference] as [string, string]),
      ...s.pope.map((it) => [it.id, it.present ? 'yes .' : 'no .'] as [string, string]),
      ...s.chair.map((it) => [it.id, factSentences(it.scene).join(' ')] as [string, string]),
    ]);
    const rep = scoreBench(s, responses);
    expect(rep.shapesHal.hallucinationRate).toBe(0);
    for (const split of POPE_SPLITS) expect(rep.pope[split].accuracy).toBe(1);
    expect(rep.chair).toMatchObject({ chairI: 0, chairS: 0, n: 50 });
    // By the truth: yes to every present object, to no absent one; every POPE item counted once.
    const t = rep.popeByTruth;
    expect(t.presentLarge.yes).toBe(t.presentLarge.n);
    expect(t.presentSmall.yes).toBe(t.presentSmall.n);
    expect(t.presentLarge.n).toBeGreaterThan(0);
    expect(t.presentSmall.n).toBeGreaterThan(0);
    for (const split of POPE_SPLITS) expect(t.absent[split]).toStrictEqual({ n: 90, yes: 0 });
    expect(t.presentLarge.n + t.presentSmall.n).toBe(270);
  });

  it('puts each scene\'s facts in front of every question with facts, and none without', () => {
    const s = benchSuite();
    const plain = allPrompts(s);
    const told = allPrompts(s, true);
    expect(told.map((p) => p.id)).toEqual(plain.map((p) => p.id));
    expect(plain.every((p) => p.facts === undefined)).toBe(true);
    for (const p of told) expect(p.facts).toEqual(factSentences(p.scene));
  });
});

describe('readYesNo reads counts and definite phrases as presence', () => {
  it('takes a count above zero as yes, zero as no, and a definite phrase as yes', () => {
    const asked = { color: 'red', shape: 'circle' } as const;
    expect(readYesNo('there are two red circles .', asked)).toBe(true);
    expect(readYesNo('there are zero red circles .', asked)).toBe(false);
    expect(readYesNo('the red circle is small .', asked)).toBe(true);
    expect(readYesNo('there are two blue circles .', asked)).toBeUndefined();
  });
});
