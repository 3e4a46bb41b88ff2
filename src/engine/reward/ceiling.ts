// The ceiling a reward model can reach against a simulated annotator's labels: the annotator
// is noisy, so even a perfect judge of its taste cannot predict every label. Measured two ways:
// how often the annotator agrees with itself on the same pair, and how often the best possible
// ranker (the annotator's own expected preference) matches the recorded labels.

import { Rng, subSeed } from '../world/rng';
import { answerFeatures, drawLabel, labelProbabilities } from '../prefs/annotator';
import { pairDrawSeed } from '../prefs/label';
import type { PreferenceRecord } from '../prefs/record';

export interface AnnotatorCeiling {
  /** Pairs labelled by a simulated annotator (person-labelled ones have no known noise and are left out). */
  pairs: number;
  /** Share of pairs where a second, independent draw by the same annotator gives the same label. */
  selfAgreement: number;
  /** The same in expectation: mean over pairs of Σ p(label)². */
  expectedSelfAgreement: number;
  /** Decided pairs (A or B) among them. */
  decided: number;
  /** Share of decided pairs whose recorded label is the annotator's more likely choice: the best accuracy a reward model can score on them. */
  accuracyCeiling: number | null;
  /** The same in expectation: mean of max(pA, pB) / (pA + pB). */
  expectedAccuracyCeiling: number | null;
}

/** Returns the ceiling over the simulated annotators' pairs, or null when there are none. Changes nothing. */
export function annotatorCeiling(records: readonly PreferenceRecord[]): AnnotatorCeiling | null {
  let pairs = 0;
  let agree = 0;
  let expectedAgree = 0;
  let decided = 0;
  let hits = 0;
  let expectedHits = 0;
  for (const r of records) {
    const by = r.labelledBy;
    if (by.kind !== 'simulated') continue;
    const fa = answerFeatures(r.scene, r.question, r.responseA);
    const fb = answerFeatures(r.scene, r.question, r.responseB);
    const p = labelProbabilities(by.settings, fa, fb);
    const second = drawLabel(by.settings, fa, fb, new Rng(pairDrawSeed(subSeed(by.seed, 0x5ec0), r)));
    pairs++;
    if (second === r.label) agree++;
    expectedAgree += p.A ** 2 + p.B ** 2 + p.tie ** 2 + p['both-bad'] ** 2;
    if (r.label === 'A' || r.label === 'B') {
      decided++;
      const best = p.A >= p.B ? 'A' : 'B';
      if (r.label === best) hits++;
      expectedHits += Math.max(p.A, p.B) / Math.max(p.A + p.B, 1e-12);
    }
  }
  if (pairs === 0) return null;
  return {
    pairs,
    selfAgreement: agree / pairs,
    expectedSelfAgreement: expectedAgree / pairs,
    decided,
    accuracyCeiling: decided ? hits / decided : null,
    expectedAccuracyCeiling: decided ? expectedHits / decided : null,
  };
}
