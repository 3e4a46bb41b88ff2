// Simulated annotators: the label rates over many draws match the noisy Bradley-Terry model and
// the settings (worked out by hand), careful ranks flaws first, and the presets' tastes show.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/world/rng';
import { ANNOTATOR_PRESETS, answerFeatures, drawLabel, labelProbabilities, type AnnotatorSettings, type AnswerFeatures, preferenceReason } from '../../src/engine/prefs/annotator';
import { annotatePair, simulatedLabeller } from '../../src/engine/prefs/label';
import type { UnlabelledPair } from '../../src/engine/prefs/collect';
import type { Label } from '../../src/engine/prefs/labels';
import { DEFAULT_PERCEPTION } from '../../src/engine/world/render';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Empirical label rates over n draws. */
function rates(draw: (i: number) => Label, n: number): Record<Label, number> {
  const out: Record<Label, number> = { A: 0, B: 0, tie: 0, 'both-bad': 0 };
  for (let i = 0; i < n; i++) out[draw(i)] += 1 / n;
  return out;
}

const feat = (flaws: number, informativeness: number, sentences: number): AnswerFeatures => ({ flaws, informativeness, sentences });

describe('the noisy Bradley-Terry choice', () => {
  const s: AnnotatorSettings = { hallucinationWeight: 2, informativenessWeight: 1, lengthBias: 0, noise: 0.5, tieMargin: 0.1, flagBothBad: true };
  const a = feat(0, 1, 1);
  const b = feat(0, 0.5, 1); // utility difference d = 0.5

  it('gives P(A) = σ((d − m)/noise), P(B) = σ((−d − m)/noise), the rest ties', () => {
    const p = labelProbabilities(s, a, b);
    // σ(0.8) = 0.689974, σ(−1.2) = 0.231475 by hand.
    expect(p.A).toBeCloseTo(0.689974, 5);
    expect(p.B).toBeCloseTo(0.231475, 5);
    expect(p.tie).toBeCloseTo(1 - 0.689974 - 0.231475, 5);
    // Without a tie band it is plain Bradley-Terry: σ(d / noise) = σ(1) = 0.731059.
    expect(labelProbabilities({ ...s, tieMargin: 0 }, a, b).A).toBeCloseTo(0.731059, 5);
  });

  it('draws A, B and tie at those rates over 20,000 draws', () => {
    const rng = new Rng(11);
    const r = rates(() => drawLabel(s, a, b, rng), 20_000);
    const p = labelProbabilities(s, a, b);
    // 4 standard errors of a share at n = 20,000 is at most 0.0142.
    for (const l of ['A', 'B', 'tie'] as const) expect(Math.abs(r[l] - p[l])).toBeLessThan(0.0142);
    expect(r['both-bad']).toBe(0);
  });

  it('is deterministic at noise 0 and symmetric when the answers swap', () => {
    const rng = new Rng(3);
    const z = { ...s, noise: 0 };
    expect(rates(() => drawLabel(z, a, b, rng), 100).A).toBeCloseTo(1, 10);
    expect(rates(() => drawLabel(z, b, a, rng), 100).B).toBeCloseTo(1, 10);
    expect(rates(() => drawLabel(z, a, a, rng), 100).tie).toBeCloseTo(1, 10);
    const p = labelProbabilities(s, a, b);
    const q = labelProbabilities(s, b, a);
    expect(q.A).toBeCloseTo(p.B, 12);
    expect(q.B).toBeCloseTo(p.A, 12);
  });

  it('says both-bad when both answers are equally flawed, if it flags them; otherwise fewer flaws first', () => {
    const rng = new Rng(5);
    expect(rates(() => drawLabel(s, feat(2, 1, 3), feat(2, 0, 1), rng), 200)['both-bad']).toBeCloseTo(1, 10);
    // One flaw against two: d = −2·(1 − 2) + (0 − 1) = 1, so P(A) = σ((1 − 0.1) / 0.5) = σ(1.8) = 0.858149.
    expect(labelProbabilities(s, feat(1, 0, 3), feat(2, 1, 1)).A).toBeCloseTo(0.858149, 5);
    expect(labelProbabilities({ ...s, flagBothBad: false }, feat(2, 1, 3), feat(2, 0, 1)).A).toBeCloseTo(0.858149, 5);
  });
});

describe('the presets on real answers', () => {
  const scene = { background: 'day' as const, objects: [{ shape: 'circle' as const, color: 'red' as const, size: 'small' as const, row: 0, col: 0 }, { shape: 'square' as const, color: 'blue' as const, size: 'large' as const, row: 2, col: 2 }] };
  const question = 'is there a red circle in the image ?';
  const shortCorrect = 'yes , there is a red circle at the top left .';
  const longHallucinated = 'yes , there is a red circle at the top left . there is a large blue square at the bottom right . there is a yellow triangle in the center . it is day .';
  const unsure = 'i am not sure .';
  const pair = (responseA: string, responseB: string): UnlabelledPair => ({ scene, image: { perception: { ...DEFAULT_PERCEPTION }, noiseSeed: 1 }, question, responseA, responseB, source: 'policy' });

  it('reads flaws, informativeness and length off the judge', () => {
    expect(answerFeatures(scene, question, shortCorrect)).toEqual({ flaws: 0, informativeness: 1, sentences: 1 });
    expect(answerFeatures(scene, question, longHallucinated)).toEqual({ flaws: 1, informativeness: 1, sentences: 4 });
    expect(answerFeatures(scene, question, unsure)).toEqual({ flaws: 0, informativeness: 0, sentences: 1 });
    expect(answerFeatures(scene, question, 'circle red a .')).toEqual({ flaws: 1, informativeness: 0, sentences: 1 });
  });

  /** Label rates of a preset on one pair over n labellers (seeds), through the real labelling path. */
  const presetRates = (name: keyof typeof ANNOTATOR_PRESETS, p: UnlabelledPair, n: number) =>
    rates((i) => annotatePair(p, simulatedLabeller(name, ANNOTATOR_PRESETS[name], i), 'test', '2025-01-01T00:00:00.000Z').label, n);

  it('careful prefers the short correct answer to the long hallucinated one, every time', () => {
    expect(presetRates('careful', pair(shortCorrect, longHallucinated), 300).A).toBeCloseTo(1, 10);
  });

  it('length-biased prefers the long hallucinated one at the rate its settings give', () => {
    // u(short) = 1 + 0.75·1 = 1.75; u(long) = −0.5·1 + 1 + 0.75·4 = 3.5; d = 1.75 for B.
    // P(B) = σ((1.75 − 0.1) / 0.25) = σ(6.6) = 0.998641.
    const p = labelProbabilities(ANNOTATOR_PRESETS['length-biased'], answerFeatures(scene, question, shortCorrect), answerFeatures(scene, question, longHallucinated));
    expect(p.B).toBeCloseTo(sigmoid(6.6), 6);
    expect(presetRates('length-biased', pair(shortCorrect, longHallucinated), 1000).B).toBeGreaterThan(0.99);
  });

  it('noisy flips often: short correct over unsure at σ(0.9), against it at σ(−1.1)', () => {
    // d = 1 (informativeness 1 vs 0), noise 1, tie band 0.1.
    const r = presetRates('noisy', pair(shortCorrect, unsure), 4000);
    expect(Math.abs(r.A - sigmoid(0.9))).toBeLessThan(0.03);
    expect(Math.abs(r.B - sigmoid(-1.1))).toBeLessThan(0.03);
  });

  it('the same labeller seed gives the same label, another seed an independent one', () => {
    const p = pair(shortCorrect, unsure);
    const l = simulatedLabeller('noisy', ANNOTATOR_PRESETS.noisy, 42);
    const at = '2025-01-01T00:00:00.000Z';
    expect(annotatePair(p, l, 'v', at)).toEqual(annotatePair(p, l, 'v', at));
    const labels = Array.from({ length: 40 }, (_, i) => annotatePair(p, simulatedLabeller('noisy', ANNOTATOR_PRESETS.noisy, i), 'v', at).label);
    expect(new Set(labels).size).toBeGreaterThan(1);
  });
});

describe('why an annotator leans as it does', () => {
  const careful = ANNOTATOR_PRESETS.careful;
  const f = (flaws: number, informativeness: number, sentences: number) => ({ flaws, informativeness, sentences });

  it('names the term of the utility that decides, with both answers\' figures', () => {
    // Same 0-6 score is possible with one unreadable sentence more: 2·1 outweighs 1·(0.5 − 0.4).
    expect(preferenceReason(careful, f(1, 0.5, 2), f(0, 0.4, 1))).toBe('B has fewer false claims or unreadable sentences (0 against 1)');
    expect(preferenceReason(careful, f(0, 0.75, 2), f(0, 0.25, 1))).toBe('A says more of what was asked (informativeness 0.75 against 0.25)');
    // The length-biased annotator: 0.75·(3 − 1) = 1.5 against 1·(0.5 − 0.25) for it and 0.5·(0 − 1) against it.
    expect(preferenceReason(ANNOTATOR_PRESETS['length-biased'], f(0, 0.25, 1), f(1, 0.5, 3))).toBe('B is longer (3 sentences against 1), which this annotator likes');
  });

  it('says when the two are flawed alike, or weigh the same', () => {
    expect(preferenceReason(careful, f(2, 0.5, 2), f(2, 0.1, 1))).toBe('both have 2 false claims or unreadable sentences');
    expect(preferenceReason(careful, f(0, 0.5, 2), f(0, 0.45, 1))).toBe('the two weigh the same to it');
  });
});
