// Synthetic preference records for imports at scale, fuzzing and storage benchmarks: valid,
// pairwise distinct and seeded, made without a policy (the answers are fixed sentences, the
// scenes are sampled), so ten thousand take a fraction of a second.

import { Rng, subSeed } from '../world/rng';
import { sampleScene } from '../world/sampler';
import { DEFAULT_PERCEPTION } from '../world/render';
import { ANNOTATOR_PRESETS } from './annotator';
import { simulatedLabeller } from './label';
import { LABELS } from './labels';
import { canonicalScene, makeRecord, type PreferenceRecord } from './record';

/** Question, its type and two answers that differ: the stock of synthetic pairs. */
const PROMPTS = [
  { question: 'is it day or night ?', questionType: 'environment', answers: ['it is day .', 'it is night .', 'it is day . the image is clear .'] },
  { question: 'how many objects are there ?', questionType: 'counting', answers: ['there are two objects .', 'there are three objects .', 'there is one object .'] },
  { question: 'is there a red circle ?', questionType: 'adversarial', answers: ['yes , there is a red circle .', 'no , there is no red circle .', 'no .'] },
  { question: 'what is in the image ?', questionType: 'holistic', answers: ['a blue square and a green triangle .', 'a red circle .', 'a small yellow star . i hope this helps .'] },
] as const;

/**
 * Returns `n` valid records, distinct as pairs (each is about its own scene), the same for the
 * same `seed`: every label, persons and simulated annotators, both pair sources. Each is what
 * importing its own JSON line gives back (equal, not merely the same pair). Changes nothing.
 */
export function syntheticRecords(n: number, seed = 1): PreferenceRecord[] {
  const rng = new Rng(subSeed(seed, 0x5e7));
  const careful = simulatedLabeller('careful', ANNOTATOR_PRESETS.careful, seed);
  const base = Date.UTC(2025, 0, 1);
  const out: PreferenceRecord[] = [];
  for (let i = 0; i < n; i++) {
    const p = rng.pick(PROMPTS);
    const [a, b] = rng.shuffle(p.answers);
    out.push(makeRecord({
      // As a file holds it: reading order, and no −0 (JSON writes it as 0).
      scene: canonicalScene(JSON.parse(JSON.stringify(sampleScene(subSeed(seed, i))))),
      image: { perception: { ...DEFAULT_PERCEPTION }, noiseSeed: rng.int(2 ** 32) },
      question: p.question,
      questionType: p.questionType,
      responseA: a as string,
      responseB: b as string,
      label: LABELS[i % LABELS.length] as PreferenceRecord['label'],
      labelledBy: i % 3 === 0 ? careful : { kind: 'person' },
      labelledAt: new Date(base + i * 1000).toISOString(),
      policyVersion: 'sft-plus@synthetic',
      source: i % 5 === 0 ? 'perturbed' : 'policy',
    }));
  }
  return out;
}
