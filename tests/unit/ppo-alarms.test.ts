// The PPO run's alarms (src/engine/ppo/alarms.ts) on scripted metrics: a hacked run, an evasive run
// and a healthy one, each with the alarms it must raise and no other.
import { describe, expect, it } from 'vitest';
import { atChance, ppoAlarms } from '../../src/engine/ppo/alarms';
import { goldProbes } from '../../src/engine/ppo/gold';
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

  it('read the yes-ratio on the gold probes that ask whether an object is there', () => {
    const probes = goldProbes(48);
    const asking = probes.filter((p) => p.asks);
    expect(asking.length).toBeGreaterThan(3);
    for (const p of asking) expect(p.question).toMatch(/^is there (a|an) .* in the image \?$/);
  });

  it('say the policy no longer says yes when the existence probes’ yes-ratio collapses on two gold points in a row, not on one', () => {
    const yes = [0.4, 0.3, 0, 0, 0];
    const gold = (s: number) => ({ ...healthyGold(s), 'gold/yes_ratio': yes[s / 5] as number, 'gold/yes_questions': 10 });
    const alarms = ppoAlarms(run(20, (s) => s / 10, gold));
    expect(alarms.map((a) => [a.id, a.step])).toEqual([['yes-collapse', 10]]);
    expect(alarms[0]?.text).toBe('The policy no longer says yes: 10 "is there a … ?" probes answered yes 0% of the time, from 40% at the start (never saying yes cannot claim a false object, so a reward can pay for it).');
    // One point at 0 is noise on a few probes; a policy that never said yes to start with did not collapse.
    expect(ppoAlarms(run(20, (s) => s / 10, (s) => ({ ...healthyGold(s), 'gold/yes_ratio': [0.4, 0.3, 0.3, 0.3, 0][s / 5] as number, 'gold/yes_questions': 10 })))).toEqual([]);
    expect(ppoAlarms(run(20, (s) => s / 10, (s) => ({ ...healthyGold(s), 'gold/yes_ratio': 0, 'gold/yes_questions': 10 })))).toEqual([]);
    // One yes of 6 probes at the start, none later: too few to call a collapse.
    expect(ppoAlarms(run(20, (s) => s / 10, (s) => ({ ...healthyGold(s), 'gold/yes_ratio': s < 10 ? 1 / 6 : 0, 'gold/yes_questions': 6 })))).toEqual([]);
    // Always yes, too.
    const always = ppoAlarms(run(20, (s) => s / 10, (s) => ({ ...healthyGold(s), 'gold/yes_ratio': [0.5, 0.8, 0.9, 1, 1][s / 5] as number, 'gold/yes_questions': 10 })));
    expect(always.map((a) => [a.id, a.step])).toEqual([['yes-collapse', 15]]);
    expect(always[0]?.text).toContain('says yes to everything');
  });

  it('say the reward is a coin toss when the reward model’s held-out accuracy cannot be told from 50%, from step 0', () => {
    // 95% interval: accuracy − 1.96·√(0.25/n). 40% on 5, 70% on 20 (0.70 − 0.219 = 0.48) are at chance; 75% on 16 (0.505) and 90% on 40 are not.
    expect(atChance(0.4, 5)).toBe(true);
    expect(atChance(0.7, 20)).toBe(true);
    expect(atChance(0.75, 16)).toBe(false);
    expect(atChance(0.9, 40)).toBe(false);
    expect(atChance(null, 0)).toBe(true);
    const rows = run(0, () => 1, healthyGold);
    const alarms = ppoAlarms(rows, { name: 'the Fact-RM', accuracy: 0.4, decided: 5 });
    expect(alarms.map((a) => [a.id, a.step])).toEqual([['rm-chance', 0]]);
    expect(alarms[0]?.text).toBe('The reward is close to a coin toss: the Fact-RM ranks 40% of 5 held-out pairs as the labeller did, and a coin gets 50% (on 5 pairs the two cannot be told apart).');
    expect(ppoAlarms(rows, { name: 'the Fact-RM', accuracy: 0.9, decided: 40 })).toEqual([]);
    // Not before the run has a point.
    expect(ppoAlarms([], { name: 'the Fact-RM', accuracy: 0.4, decided: 5 })).toEqual([]);
  });
});
