// Reading a benchmark report's figures together (src/engine/bench/reading.ts): an evasive policy,
// one that never says "yes" on POPE and one that always does are named; a healthy one is not.
import { describe, expect, it } from 'vitest';
import { benchWarnings } from '../../src/engine/bench/reading';
import type { StoredBenchReport } from '../../src/engine/bench/report';

const report = (informativeness: number, noAnswerRate: number | undefined, yes: [number, number, number], f1 = 0.8): StoredBenchReport =>
  ({
    shapesHal: { informativeness, ...(noAnswerRate === undefined ? {} : { noAnswerRate }) },
    pope: { random: { yesRatio: yes[0] }, popular: { yesRatio: yes[1] }, adversarial: { yesRatio: yes[2], f1 } },
  }) as unknown as StoredBenchReport;

describe('reading a benchmark report', () => {
  it('finds nothing to say of a healthy one, nor of an old one without the no-answer figure', () => {
    expect(benchWarnings(report(0.7, 0, [0.5, 0.48, 0.55]))).toEqual([]);
    expect(benchWarnings(report(0.7, undefined, [0.5, 0.48, 0.55]))).toEqual([]);
  });

  it('names the evasive policy of the issue: 3% informative, never "yes"', () => {
    expect(benchWarnings(report(0.031, 0.05, [0, 0, 0], 0))).toEqual([
      { id: 'says-little', text: 'says little: only 3% informative, so its hallucination rate and score flatter it' },
      { id: 'pope-never-yes', text: 'POPE: says “yes” to 0% where about 50% is healthy, so it finds almost none of the objects that are there (F1 0.00); its accuracy is the absent half' },
    ]);
  });

  it('names answers left empty, and a policy that says "yes" to nearly everything', () => {
    expect(benchWarnings(report(0.5, 0.3, [0.95, 0.9, 0.92])).map((w) => w.id)).toEqual(['no-answer', 'pope-always-yes']);
    expect(benchWarnings(report(0.5, 0.3, [0.95, 0.9, 0.92]))[0]?.text).toBe('leaves 30% of questions unanswered');
  });
});
