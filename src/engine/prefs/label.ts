// Labelling pairs with a simulated annotator: judge both answers, draw the label, and write
// the record. Each pair's draw has its own seed (run seed × pair content), so relabelling with
// the same seed gives the same labels and another seed gives an independent second opinion.

import { Rng, subSeed } from '../world/rng';
import { answerFeatures, drawLabel, labelProbabilities, type AnnotatorSettings, type LabelProbabilities } from './annotator';
import type { Label } from './labels';
import { canonicalScene, hash64, makeRecord, promptKey, type Labeller, type PreferenceRecord } from './record';
import type { UnlabelledPair } from './collect';

/** The labeller entry of a simulated annotator. */
export function simulatedLabeller(name: string, settings: AnnotatorSettings, seed: number): Labeller & { kind: 'simulated' } {
  return { kind: 'simulated', name, settings: { ...settings }, seed };
}

/** The seed of one pair's draw: the labeller's seed mixed with the pair's prompt and responses. */
export function pairDrawSeed(seed: number, p: Pick<UnlabelledPair, 'scene' | 'image' | 'question' | 'responseA' | 'responseB'>): number {
  return subSeed(seed, parseInt(hash64(JSON.stringify([promptKey(p), p.responseA, p.responseB])).slice(0, 8), 16));
}

/** Returns the label probabilities a simulated annotator gives this pair. */
export function pairProbabilities(settings: AnnotatorSettings, p: Pick<UnlabelledPair, 'scene' | 'question' | 'responseA' | 'responseB'>): LabelProbabilities {
  return labelProbabilities(settings, answerFeatures(p.scene, p.question, p.responseA), answerFeatures(p.scene, p.question, p.responseB));
}

/** Labels one pair with a simulated annotator; returns the new record. */
export function annotatePair(p: UnlabelledPair, labeller: Labeller & { kind: 'simulated' }, policyVersion: string, at: string): PreferenceRecord {
  const s = labeller.settings;
  const label = drawLabel(s, answerFeatures(p.scene, p.question, p.responseA), answerFeatures(p.scene, p.question, p.responseB), new Rng(pairDrawSeed(labeller.seed, p)));
  return recordOf(p, label, labeller, policyVersion, at);
}

/** The record of a labelled pair. */
function recordOf(p: UnlabelledPair, label: Label, labeller: Labeller, policyVersion: string, at: string): PreferenceRecord {
  return makeRecord({
    scene: canonicalScene(p.scene),
    image: { perception: { ...p.image.perception }, noiseSeed: p.image.noiseSeed },
    question: p.question,
    ...(p.questionType ? { questionType: p.questionType } : {}),
    responseA: p.responseA,
    responseB: p.responseB,
    label,
    labelledBy: labeller,
    labelledAt: at,
    policyVersion,
    source: p.source,
  });
}

/** The record of a pair a person labelled (the page's keys 1 to 4). */
export function labelByPerson(p: UnlabelledPair, label: Label, policyVersion: string, at = new Date().toISOString(), name?: string): PreferenceRecord {
  return recordOf(p, label, name ? { kind: 'person', name } : { kind: 'person' }, policyVersion, at);
}

/** Labels every pair (same time stamp for the batch); returns the records in order. */
export function annotatePairs(pairs: readonly UnlabelledPair[], labeller: Labeller & { kind: 'simulated' }, policyVersion: string, at = new Date().toISOString()): PreferenceRecord[] {
  return pairs.map((p) => annotatePair(p, labeller, policyVersion, at));
}

/** Counts of each label. */
export function labelCounts(records: readonly Pick<PreferenceRecord, 'label'>[]): Record<PreferenceRecord['label'], number> {
  const out = { A: 0, B: 0, tie: 0, 'both-bad': 0 };
  for (const r of records) out[r.label]++;
  return out;
}
