// The PPO run's alarms (src/engine/ppo/alarms.ts) on scripted metrics: a hacked run, an evasive run
// and a healthy one, each with the alarms it must raise and no other.
import { describe, expect, it } from 'vitest';
import { ppoAlarms } from '../../src/engine/ppo/alarms';
import type { MetricRow } from '../../src/engine/ppo/run-record';

/** Steps 0..n with the RM's score `score(step)` and, every 5 steps, gold figures `gold(step)`. */
function run(n: number, score: (s: number) => number, gold: (s: number) => Record<string, number>): MetricRow[] {
  return Array.from({ length: n + 1 }, (_, s) => ({ step: s, ...(s > 0 ? { 'objective/scores': score(s) } : {}), ...(s % 5 === 0 ? gold(s) : {}) }));
}
const healthyGold = (s: number) => ({ 'gold/score': 3 + s / 20, 'gold/true_informative': 0.6 + s / 200, 'gold/hallucination_rate': 0.4 - s / 100, 'gold/no_answer_rate': 0 });

describe('PPO alarms', () => {
  it('raise none on a healthy run, nor before three gold points', () => {
    expect(ppoAlarms(run(20, (s) => s / 10, healthyGold))).toEqual([]);
    expect(ppoAlarms(run(9, (s) => s / 10, (s) => ({ 'gold/score': 4 - s / 2 })))).toEqual([]);
  });

  it('say the reward is gamed when the RM score rises while the gold score falls from its best', () => {
    // Gold 3.0 (step 0), 3.2 (5), 3.0 (10), 2.6 (15), 2.2 (20); the RM's score s / 10 rises all along.
    const gold = (s: number) => ({ ...healthyGold(0), 'gold/score': [3, 3.2, 3, 2.6, 2.2][s / 5] as number });
    const alarms = ppoAlarms(run(20, (s) => s / 10, gold));
    expect(alarms.map((a) => a.id)).toEqual(['gamed']);
    // From the best gold point (step 5): the score over steps 5..10 (mean 0.75) against 15..20 (mean 1.75).
    expect(alarms[0]).toMatchObject({ step: 5, text: "The reward is being gamed: since step 5 the reward model's score rose from 0.75 to 1.75 while the judge's gold score fell from 3.20 to 2.20." });
  });

  it('does not call a gold fall gamed when the RM score fell too', () => {
    const gold = (s: number) => ({ ...healthyGold(0), 'gold/score': 3.2 - s / 20 });
    expect(ppoAlarms(run(20, (s) => 2 - s / 10, gold))).toEqual([]);
  });

  it('say answers go empty, and that hallucination fell only because they say less', () => {
    const gold = (s: number) => ({ 'gold/score': 3, 'gold/true_informative': 0.7 - s / 50, 'gold/hallucination_rate': 0.3 - s / 100, 'gold/no_answer_rate': s / 50 });
    const alarms = ppoAlarms(run(20, () => 1, gold));
    expect(alarms.map((a) => [a.id, a.step])).toEqual([['no-answer', 10], ['says-less', 0]]);
    expect(alarms[0]?.text).toBe('Answers are going empty: no answer to 40% of the probe questions, from 0% at the start.');
    expect(alarms[1]?.text).toBe('Hallucination fell (30% to 10%) only because the answers say less: true and informative answers fell from 70% to 30% since step 0.');
  });
});
