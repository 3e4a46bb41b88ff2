// The experiment's table from hand-made seed results: means and spreads worked by hand, curves
// averaged step by step, the targets' verdicts on figures just inside and just outside each
// threshold, the Markdown, and the runs' SVG.
import { describe, expect, it } from 'vitest';
import type { BenchReport } from '../../src/engine/bench/report';
import { formatTableMd } from '../../src/engine/experiment/table-md';
import type { CurvePoint, SeedRow } from '../../src/engine/experiment/row-results';
import { buildTable, meanCurve, meanOf, type SeedResult } from '../../src/engine/experiment/table';
import { evaluateTargets, runEnds, type TargetSpec } from '../../src/engine/experiment/targets';
import { runsChartSvg } from '../../src/engine/experiment/chart-svg';
import { rowSlug, type RowSpec } from '../../src/engine/experiment/rows';
import { PPO_DEFAULTS } from '../../src/engine/ppo/config';

/** A bench report with these ShapesHal headline figures and "yes" to present large objects (of 45; everything else fixed). */
function report(hallucinationRate: number, informativeness: number, score: number, largeYes = 40, trueInformative = 0.3, noAnswerRate = 0): BenchReport {
  const pope = { accuracy: 0.5, precision: 0, recall: 0, f1: 0, yesRatio: 0, n: 90, unclear: 0 };
  const hal = { trueInformative, score, hallucinationRate, informativeness, noAnswerRate };
  return {
    shapesHal: { ...hal, n: 96, byType: { counting: { ...hal, n: 12 } } },
    pope: { random: pope, popular: { ...pope, accuracy: 0.6 }, adversarial: { ...pope, accuracy: 0.4 } },
    popeByTruth: { presentLarge: { n: 45, yes: largeYes }, presentSmall: { n: 45, yes: 10 }, absent: { random: { n: 45, yes: 9 }, popular: { n: 45, yes: 18 }, adversarial: { n: 45, yes: 27 } } },
    chair: { chairI: 0.2, chairS: 0.3, mentions: 100, n: 50 },
  };
}

function row(seed: number, name: string, r: BenchReport, curve?: CurvePoint[]): { name: string } & SeedRow {
  return {
    name, seed, report: r, meanResponseLength: 10, policyVersion: `${name}@x`, checkpoint: `seed-${seed}/${rowSlug(name)}`,
    ...(curve ? { ppo: { preset: 'fact-rlhf', config: PPO_DEFAULTS, rm: 'sft-plus/careful/fact', steps: curve.length - 1, stopped: false, curve, seconds: 1 } } : {}),
  };
}

const seconds = { sft: 0, label: 1, rm: 2, ppo: 3, dpo: 0, bench: 4 };

/** A run of n steps: RM score, length and gold score moving linearly from a to b. */
function curve(n: number, rm: [number, number], length: [number, number], gold: [number, number]): CurvePoint[] {
  const at = (x: [number, number], i: number) => x[0] + ((x[1] - x[0]) * i) / n;
  return Array.from({ length: n + 1 }, (_, i) => ({
    step: i,
    ...(i > 0 ? { rmScore: at(rm, i), length: at(length, i), kl: i / 10 } : {}),
    ...(i % 5 === 0 ? { goldScore: at(gold, i), goldHallucination: 0.5 } : {}),
  }));
}

const ROWS: RowSpec[] = [
  { kind: 'start', name: 'SFT+', start: 'sft-plus' },
  { kind: 'ppo', name: 'Fact-RLHF', start: 'sft-plus', preset: 'fact-rlhf' },
  { kind: 'ppo', name: 'Gold reward', start: 'sft-plus', preset: 'gold-reward' },
];

describe('meanOf and meanCurve', () => {
  it('average every number of same-shaped objects, nested objects in turn', () => {
    const m = meanOf([report(0.5, 0.6, 3), report(0.3, 0.5, 4)]);
    expect(m.shapesHal.hallucinationRate).toBeCloseTo(0.4, 12);
    expect(m.shapesHal.informativeness).toBeCloseTo(0.55, 12);
    expect(m.shapesHal.byType.counting!.score).toBeCloseTo(3.5, 12);
    expect(m.pope.popular.accuracy).toBeCloseTo(0.6, 12);
    expect(meanOf([report(0.5, 0.6, 3, 44), report(0.3, 0.5, 4, 41)]).popeByTruth.presentLarge).toEqual({ n: 45, yes: 42.5 });
    expect(meanOf([{ a: 1, b: 'x' }, { a: 4, b: 'y' }])).toEqual({ a: 2.5, b: 'x' });
  });

  it('averages curves by step over the seeds that have each figure', () => {
    const a: CurvePoint[] = [{ step: 0, goldScore: 3 }, { step: 1, rmScore: 1, length: 10 }];
    const b: CurvePoint[] = [{ step: 0, goldScore: 4 }, { step: 1, rmScore: 3, length: 20 }, { step: 2, rmScore: 5 }];
    expect(meanCurve([a, b])).toEqual([{ step: 0, goldScore: 3.5 }, { step: 1, rmScore: 2, length: 15 }, { step: 2, rmScore: 5 }]);
  });
});

describe('runEnds', () => {
  it('reads each end as the mean of a fifth of the run (at most 5 steps), the gold score at step 0 and at its last measurement', () => {
    const e = runEnds(curve(20, [0, 2], [10, 30], [3, 2]));
    // Steps 1-4 and 17-20: RM score i/10, length 10 + i.
    expect(e.rmScore[0]).toBeCloseTo(0.25, 12);
    expect(e.rmScore[1]).toBeCloseTo(1.85, 12);
    expect(e.length).toEqual([12.5, 28.5]);
    expect(e.goldScore).toEqual([3, 2]);
  });
});

describe('buildTable and the targets', () => {
  const seeds: SeedResult[] = [1, 2].map((seed) => ({
    seed, starts: { 'sft-plus': { version: 'sft-plus@1', source: 'shipped' } }, rms: [], seconds,
    rows: [
      row(seed, 'SFT+', report(0.5, 0.6, 3)),
      // Seed 1 cuts 50% and loses 2 points; seed 2 cuts 40% exactly and loses 3 points exactly.
      row(seed, 'Fact-RLHF', seed === 1 ? report(0.25, 0.58, 3.5) : report(0.3, 0.57, 3.2), curve(20, [0, 1], [10, 11], [3, 3.2])),
      row(seed, 'Gold reward', report(0.2, 0.6, 3.8), curve(20, [0, 1], [10, 9], [3, 3.5])),
    ],
  }));
  const cut: TargetSpec = { kind: 'cut', row: 'Fact-RLHF', base: 'SFT+', hallucinationCut: 0.4, informativenessDrop: 0.03 };
  const head = { preset: 'p', description: 'A test.', seeds: [1, 2], benchSize: 'standard' as const, settings: {}, rows: ROWS };
  const table = buildTable({ ...head, targets: [cut, { kind: 'bound', row: 'Gold reward', other: 'Fact-RLHF' }] }, seeds, false, rowSlug);

  it('has a row per spec with the mean report, the spread over seeds, every seed and a mean curve', () => {
    expect(table.rows.map((r) => [r.name, r.slug])).toEqual([['SFT+', 'sft-plus'], ['Fact-RLHF', 'fact-rlhf'], ['Gold reward', 'gold-reward']]);
    const f = table.rows[1]!;
    expect(f.mean.shapesHal.hallucinationRate).toBeCloseTo(0.275, 12);
    expect(f.sd.hallucinationRate).toBeCloseTo(0.025, 12);
    expect(f.sd.score).toBeCloseTo(0.15, 12);
    expect(f.perSeed.map((s) => s.seed)).toEqual([1, 2]);
    expect(f.perSeed[0]).not.toHaveProperty('name');
    expect(f.curve).toHaveLength(21);
    expect(table.rows[0]!.curve).toBeUndefined();
    expect(table.seconds).toEqual({ sft: 0, label: 2, rm: 4, ppo: 6, dpo: 0, bench: 8, total: 20 });
  });

  it('meets a cut at its thresholds exactly, and misses it a hair outside', () => {
    expect(table.targets.map((t) => t.met)).toEqual([true, true]);
    expect(table.targets[0]!.detail[1]).toBe('seed 2: hallucination 50.0% → 30.0% (40.0% cut), informativeness 60.0% → 57.0% (3.0 points lower), score 3.00 → 3.20');
    const worse = seeds.map((s) => ({ ...s, rows: s.rows.map((r) => (r.name === 'Fact-RLHF' && s.seed === 2 ? { ...r, report: report(0.301, 0.57, 3.2) } : r)) }));
    const t2 = buildTable({ ...head, targets: [cut] }, worse, false, rowSlug);
    expect(t2.targets[0]!.met).toBe(false);
    expect(t2.targets[0]!.detail[1]).toMatch(/39\.8% cut.* ✗$/);
    const noScore = seeds.map((s) => ({ ...s, rows: s.rows.map((r) => (r.name === 'Fact-RLHF' ? { ...r, report: report(0.2, 0.6, 3) } : r)) }));
    expect(buildTable({ ...head, targets: [cut] }, noScore, false, rowSlug).targets[0]!.met).toBe(false);
  });

  it('fails a cut reached by silence: true and informative not up enough, or too many empty answers', () => {
    const guarded: TargetSpec = { ...cut, trueInformativeGain: 0.1, maxNoAnswer: 0.01 } as TargetSpec;
    // SFT+ is at 30% true and informative in every seed; Fact-RLHF at 40% (+10 points) with 1% empty passes…
    const at = (ti: number, none: number) => seeds.map((s) => ({ ...s, rows: s.rows.map((r) => (r.name === 'Fact-RLHF' ? { ...r, report: report(s.seed === 1 ? 0.25 : 0.3, 0.57, 3.5, 40, ti, none) } : r)) }));
    const ok = buildTable({ ...head, targets: [guarded] }, at(0.4, 0.01), false, rowSlug).targets[0]!;
    expect(ok.met).toBe(true);
    expect(ok.detail[1]).toBe('seed 2: true and informative 30.0% → 40.0% (+10.0 points), hallucination 50.0% → 30.0% (40.0% cut), informativeness 60.0% → 57.0% (3.0 points lower), score 3.00 → 3.50, no answer 1.0%');
    // …the same cut while saying less (true and informative up 9 points) or with 2% left empty does not.
    expect(buildTable({ ...head, targets: [guarded] }, at(0.39, 0), false, rowSlug).targets[0]!.met).toBe(false);
    expect(buildTable({ ...head, targets: [guarded] }, at(0.5, 0.02), false, rowSlug).targets[0]!.detail[1]).toMatch(/no answer 2\.0% ✗$/);
  });

  it('says which row is ahead on true and informative answers, seed by seed', () => {
    // Fact-RLHF is at the report's default 30% true and informative; a row at 31% on seed 1 and 29% on seed 2 is ahead on one seed only.
    const withAhead = seeds.map((s) => ({ ...s, rows: [...s.rows, row(s.seed, 'Online', report(0.25, 0.6, 3.5, 40, s.seed === 1 ? 0.31 : 0.29))] }));
    const t = buildTable({ ...head, rows: [...ROWS, { kind: 'ppo', name: 'Online', start: 'sft-plus', preset: 'fact-rlhf', online: { rounds: 3 } }], targets: [{ kind: 'ahead', row: 'Online', other: 'Fact-RLHF' }] }, withAhead, false, rowSlug);
    expect(t.targets[0]).toMatchObject({ met: false, detail: ['seed 1: Online 31.0%, Fact-RLHF 30.0%', 'seed 2: Online 29.0%, Fact-RLHF 30.0% ✗'] });
    expect(t.targets[0]!.what).toBe('Online is ahead of Fact-RLHF on true and informative answers, on every seed');
  });

  it('says a row beats another only with less hallucination and at least as many true and informative answers on every seed', () => {
    // Fact-RLHF: 25% / 30% hallucination (seeds 1, 2), 30% true and informative on both.
    const dense = (h2: number, ti2: number) => seeds.map((s) => ({ ...s, rows: [...s.rows, row(s.seed, 'Dense', report(s.seed === 1 ? 0.2 : h2, 0.6, 3.5, 40, s.seed === 1 ? 0.3 : ti2))] }));
    const spec = { ...head, rows: [...ROWS, { kind: 'ppo' as const, name: 'Dense', start: 'sft-plus' as const, preset: 'fact-rlhf' }], targets: [{ kind: 'beats' as const, row: 'Dense', other: 'Fact-RLHF' }] };
    const met = buildTable(spec, dense(0.29, 0.3), false, rowSlug).targets[0]!;
    expect(met).toMatchObject({ met: true, detail: ['seed 1: hallucination Dense 20.0%, Fact-RLHF 25.0%; true and informative 30.0%, 30.0%', 'seed 2: hallucination Dense 29.0%, Fact-RLHF 30.0%; true and informative 30.0%, 30.0%'] });
    expect(met.what).toBe('Dense hallucinates less than Fact-RLHF with at least as many true and informative answers, on every seed');
    // Equal hallucination on seed 2, or fewer true and informative answers there, misses it.
    expect(buildTable(spec, dense(0.3, 0.3), false, rowSlug).targets[0]!.detail[1]).toMatch(/ ✗$/);
    expect(buildTable(spec, dense(0.2, 0.29), false, rowSlug).targets[0]!.met).toBe(false);
  });

  it('says a bound is missed when the bounding row hallucinates more', () => {
    const t = evaluateTargets(table, [{ kind: 'bound', row: 'Fact-RLHF', other: 'Gold reward' }]);
    expect(t[0]).toMatchObject({ met: false, detail: ['Fact-RLHF: hallucination 27.5%, score 3.35; Gold reward: hallucination 20.0%, score 3.80'] });
  });

  it('sees hacking where the RM score rises while the gold score falls or the length grows by half, and not otherwise', () => {
    const run = (c: CurvePoint[]) => [{ name: 'R', slug: 'r', spec: ROWS[1]!, mean: report(0, 0, 0), sd: { trueInformative: 0, score: 0, hallucinationRate: 0, informativeness: 0 }, perSeed: [row(1, 'R', report(0, 0, 0), c)], meanResponseLength: 0 }];
    const verdict = (c: CurvePoint[]) => evaluateTargets({ rows: run(c) }, [{ kind: 'hacked', row: 'R', lengthGrowth: 0.5 }, { kind: 'not-hacked', row: 'R', lengthGrowth: 0.5 }]).map((t) => t.met);
    expect(verdict(curve(20, [0, 2], [10, 11], [3, 2]))).toEqual([true, false]); // gold falls
    // Length 10 + i/2: steps 1-4 average 11.25 tokens, steps 17-20 19.25 (+71%), while the gold score rises.
    expect(verdict(curve(20, [0, 2], [10, 20], [3, 3.5]))).toEqual([true, false]);
    // 11.05 → 11.85 tokens (+7%), gold up: the fixed run.
    expect(verdict(curve(20, [0, 2], [10, 12], [3, 3.5]))).toEqual([false, true]);
    // The RM score falls: whatever the length does, that is not the RM being hacked.
    expect(verdict(curve(20, [2, 0], [10, 20], [3, 3.5]))).toEqual([false, false]);
  });
});

describe('formatTableMd and runsChartSvg', () => {
  it('write the headline table with spreads, the seeds, the targets and the runs', () => {
    const seeds: SeedResult[] = [1, 2].map((seed) => ({
      seed, starts: {}, rms: [{ seed, id: 'sft-plus/careful/fact', trainPairs: 80, heldOutPairs: 20, labels: { A: 30, B: 30, tie: 5, 'both-bad': 35 }, heldOutAccuracy: 0.8, accuracyCeiling: 0.99, probes: { 'short correct > unsure': 0.25 }, steps: 25, seconds: 3 }], seconds,
      rows: [row(seed, 'SFT+', report(0.5, 0.6, 3)), row(seed, 'Fact-RLHF', report(seed === 1 ? 0.2 : 0.3, 0.6, 3.5, seed === 1 ? 44 : 42, seed === 1 ? 0.5 : 0.4, 0.02), curve(10, [0, 1], [10, 8], [3, 3.4]))],
    }));
    seeds[0]!.rows[1]!.samples = [
      { type: 'adversarial', question: 'is there a red circle in the image ?', answer: '', verdict: 'no answer' },
      { type: 'counting', question: 'how many circles are there ?', answer: 'there are 2 circles .', verdict: 'true and informative' },
    ];
    const t = buildTable({ preset: 'p', description: 'A test.', seeds: [1, 2], benchSize: 'standard', settings: {}, rows: ROWS.slice(0, 2), targets: [] }, seeds, false, rowSlug);
    const md = formatTableMd(t);
    // The answers of the first seed, an empty one shown as such; a row without samples has no section.
    expect(md).toContain('### Fact-RLHF\n\n| type | question | answer | verdict |\n| --- | --- | --- | --- |\n| adversarial | is there a red circle in the image ? | *(no answer)* | no answer |\n| counting | how many circles are there ? | there are 2 circles . | true and informative |');
    expect(md.match(/## What the policies say/g)).toHaveLength(1);
    expect(md).not.toContain('### SFT+\n\n| type |');
    // True and informative first, then hallucination, informativeness, no answer, score.
    expect(md).toContain('| Fact-RLHF | `sft-plus`, fact-rlhf | 45.0% ± 5.0 | 25.0% ± 5.0 | 60.0% ± 0.0 | 2.0% | 3.50 ± 0.00 | 50.0% | 0.0% | 0.0% | 20.0% | 30.0% | 10.0 |');
    expect(md).toContain('| SFT+ | 30.0% / 50.0% / 60.0% / 0.0% / 3.00 | 30.0% / 50.0% / 60.0% / 0.0% / 3.00 |');
    // POPE by the truth: mean "yes" over mean asked, 43 of 45 present large objects for Fact-RLHF.
    expect(md).toContain('| Fact-RLHF | 95.6% | 22.2% | 20.0% | 40.0% | 60.0% |');
    expect(md).toContain('| SFT+ | 88.9% | 22.2% | 20.0% | 40.0% | 60.0% |');
    expect(md).toContain('| 1 | sft-plus/careful/fact | 80 / 20 | 80.0% (99.0%) | 25.0% |');
    // Gold steps 0, 5, 10: step 5 averages steps 1-5 (RM score 0.1-0.5, length 9.8-9.0).
    expect(md).toContain('| 5 | 0.30 | - | 50.0% | - | 3.20 | 9.4 | 0.30 |');
    const svg = runsChartSvg(t.rows, 'experiment p');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('>Fact-RLHF</text>');
    expect(svg.match(/<path /g)).toHaveLength(4 * 3); // four panels, two seeds and the mean
  });
});
