// A PPO run's figures on the page (src/app/ppo/metrics.svelte.ts): each point goes to the rows, the
// charts and the feed once; a step the engine did not apply holds one notice until a later step.
import { describe, expect, it } from 'vitest';
import { PpoMetrics } from '../../src/app/ppo/metrics.svelte';
import type { PpoPoint } from '../../src/engine/ppo/run';

const point = (step: number, metrics: Record<string, number>, nonFinite?: string): PpoPoint =>
  ({ step, metrics, samples: [], ...(nonFinite ? { nonFinite } : {}) }) as unknown as PpoPoint;

describe('a PPO run\'s figures', () => {
  it('keeps each step\'s metrics once, in the rows, the charts and the newest gold figures', () => {
    const m = new PpoMetrics();
    m.clear(10);
    m.plot([point(0, { 'gold/score': 3.5, 'gold/hallucination_rate': 0.4 }), point(1, { 'objective/kl': 0.1 })]);
    m.plot([point(2, { 'objective/kl': 0.3 })]);
    expect(m.count).toBe(3);
    expect(m.upTo(1)).toEqual([{ step: 0, 'gold/score': 3.5, 'gold/hallucination_rate': 0.4 }, { step: 1, 'objective/kl': 0.1 }]);
    expect(m.feeds.kl.data[0]).toEqual([{ x: 1, y: 0.1 }, { x: 2, y: 0.3 }]);
    expect(m.lastGold).toEqual({ 'gold/score': 3.5, 'gold/hallucination_rate': 0.4 });
    expect(m.last?.step).toBe(2);
    m.clear(0);
    expect([m.count, m.upTo(Infinity), m.last, m.lastGold]).toEqual([0, [], null, null]);
  });

  it('holds one notice for a step not applied, until a later step is', () => {
    const m = new PpoMetrics();
    m.plot([point(1, { 'objective/kl': 0.1 }), point(1, { 'objective/kl': NaN }, 'objective/scores')]);
    expect(m.halt).toEqual({ step: 2, quantity: 'objective/scores' });
    m.plot([point(2, { 'objective/kl': 0.2 })]);
    expect(m.halt).toBeNull();
  });
});

describe('the PPO stage\'s alarms', () => {
  it('are read off the run\'s own metrics as its gold points come, and cleared with them', () => {
    const m = new PpoMetrics();
    const gold = (step: number, score: number, rm: number) => point(step, { 'objective/scores': rm, 'gold/score': score, 'gold/true_informative': 0.5, 'gold/hallucination_rate': 0.3, 'gold/no_answer_rate': 0 });
    m.plot([gold(0, 3, 0), gold(5, 3.2, 0.5)]);
    expect(m.alarms).toEqual([]);
    m.plot([gold(10, 2.8, 1), gold(15, 2.5, 1.5)]);
    expect(m.alarms.map((a) => [a.id, a.step])).toEqual([['gamed', 5]]);
    m.clear(0);
    expect(m.alarms).toEqual([]);
  });
});
