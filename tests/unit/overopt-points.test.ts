// The curve's points: d = √KL, and a PPO run's metrics lines turned into points with the KL and RM
// score of the policy each gold figure was measured on (the next step's rollout).
import { describe, expect, it } from 'vitest';
import { curvePoints, MAX_METRICS_LINES, measuredPeak, parseMetricsJsonl, ppoMeasures } from '../../src/engine/overopt/points';

describe('curvePoints', () => {
  it('takes d = √KL (a negative estimate counts as 0) and sorts by d', () => {
    const pts = curvePoints([{ kl: 4, goldScore: 2, n: 16 }, { kl: -0.01, goldScore: 1, rmScore: -0.5, hallucinationRate: 0.9 }, { kl: 1, goldScore: 3 }]);
    expect(pts.map((p) => p.d)).toEqual([0, 1, 2]);
    expect(pts[0]).toEqual({ d: 0, kl: 0, gold: 1, hallucinationRate: 0.9, rmScore: -0.5 });
    expect(pts[2]!.n).toBe(16);
    expect(pts[1]!.rmScore).toBeNull();
  });
});

describe('ppoMeasures', () => {
  it("pairs the gold of step k with step k + 1's rollout, step 0 with KL 0", () => {
    const lines = parseMetricsJsonl([
      '{"step":0,"gold/score":1.5,"gold/hallucination_rate":0.9}',
      '{"step":1,"objective/kl":0,"objective/base_score":-0.2}',
      '{"step":2,"objective/kl":1.2,"objective/base_score":0.1,"gold/score":2.5,"gold/hallucination_rate":0.5}',
      '',
      '{"step":3,"objective/kl":2.25,"objective/base_score":0.4}',
      '{"step":4,"objective/kl":4,"objective/base_score":0.9,"gold/score":2,"gold/hallucination_rate":0.6}',
    ].join('\n'));
    expect(lines).toHaveLength(5);
    expect(ppoMeasures(lines)).toEqual([
      { kl: 0, goldScore: 1.5, hallucinationRate: 0.9, rmScore: -0.2, step: 0 },
      { kl: 2.25, goldScore: 2.5, hallucinationRate: 0.5, rmScore: 0.4, step: 2 },
      { kl: 4, goldScore: 2, hallucinationRate: 0.6, rmScore: 0.9, step: 4 }, // the last: its own line
    ]);
    const pts = curvePoints(ppoMeasures(lines));
    expect(pts.map((p) => p.d)).toEqual([0, 1.5, 2]);
    expect(measuredPeak(pts)).toEqual({ d: 1.5, gold: 2.5, index: 1, fall: 0.5 });
  });

  it('names a bad line of metrics.jsonl by its number, keeps the quantity a non-finite step names, and refuses an over-long file', () => {
    const good = '{"step":1,"objective/kl":0.5}';
    expect(parseMetricsJsonl(`${good}\n{"step":2,"nonFinite":"loss","objective/kl":null}\n`)).toEqual([{ step: 1, 'objective/kl': 0.5 }, { step: 2, nonFinite: 'loss' }]);
    expect(() => parseMetricsJsonl(`${good}\n\nnot json\n`)).toThrow('line 3: not JSON');
    expect(() => parseMetricsJsonl(`${good}\n{"step":-1}`)).toThrow('line 2: step must be a whole number from 0 to 1000000; got -1');
    expect(() => parseMetricsJsonl(`${good}\n{"step":2,"objective/kl":"high"}`)).toThrow('line 2: objective/kl must be a number or null; got "high"');
    expect(() => parseMetricsJsonl(`${good}\n[1]`)).toThrow('line 2: is not an object');
    expect(() => parseMetricsJsonl(`${good}\n{"step":2,"nonFinite":7}`)).toThrow('line 2: nonFinite must be a name');
    expect(() => parseMetricsJsonl('\n'.repeat(MAX_METRICS_LINES))).toThrow(`has more than ${MAX_METRICS_LINES} lines`);
    expect(parseMetricsJsonl('\n'.repeat(MAX_METRICS_LINES - 1))).toEqual([]);
  });

  it('skips a step that went non-finite', () => {
    const m = ppoMeasures([
      { step: 0, 'gold/score': 1 },
      { step: 1, 'objective/kl': 0.5, nonFinite: 'loss' },
    ]);
    expect(m).toEqual([{ kl: 0, goldScore: 1, step: 0 }]);
    expect(measuredPeak([])).toBeNull();
  });
});
