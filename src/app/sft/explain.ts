// What the SFT stage says about itself: the loss chart, sampling, the benchmarks and the names of
// the shipped policies, as data for the panels (the training knobs are in the engine's SFT table).

import type { SftMixture } from '../../engine/sft/config';

export const TRAIN_INFO = {
  chart:
    'Next-token cross-entropy on the response tokens (nats per token). Training loss: each minibatch; held-out loss: ' +
    'examples from other seeds, measured every few steps and at the end. A gap between them means the model memorises.',
} as const;

export const SAMPLE_INFO = {
  temperature: 'Softmax temperature of the sampler. 0 is greedy (the most likely word every time, as the benchmarks decode); 1 samples from the model’s distribution; higher is wilder.',
  n: 'How many answers to sample for the same image and question (1 to 8).',
  judge: 'Each answer is judged claim by claim against the scene’s ground truth: true claims in green, false ones (hallucinations) in red.',
} as const;

export const BENCH_INFO = {
  shapesHal:
    'ShapesHal-Bench: 96 items, 12 per MMHal-Bench question type, on benchmark scenes that training never sees; greedy answers scored 0-6 by the judge. ' +
    'True and informative = share of answers with no false claim that state at least one asked fact: the headline, since saying less (“i am not sure .”, an empty answer) lowers hallucination but not this. ' +
    'Hallucination rate = share of answers scoring below 3. No answer = share left empty (scored 3, as the rubric scores any answer with nothing false and nothing informative).',
  pope: 'POPE: “is there a X in the image ?” for 3 present and 3 absent objects per scene, the absent ones random, most frequent (popular) or most often co-occurring (adversarial). “Yes” is the positive class; a yes-ratio far above 50% means the model says yes to anything.',
  popeByTruth: 'A policy that sees says “yes” to nearly every present large object and to few absent ones; one that guesses says “yes” at about the same rate to all.',
  chair: 'CHAIR on descriptions: CHAIR_i = hallucinated object mentions / all object mentions; CHAIR_s = descriptions with at least one hallucinated object / all descriptions. Lower is better.',
} as const;

/** The display name of a shipped policy folder. */
export function shippedLabel(folder: string): string {
  return folder === 'sft' ? 'SFT' : folder === 'sft-plus' ? 'SFT+' : folder;
}

/** A share as a whole percentage, e.g. "40%". */
export function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

/** A share that a report kept before it was measured may lack: "—" then. */
export function pctOr(x: number | undefined): string {
  return typeof x === 'number' ? pct(x) : '—';
}

/** The mixture in words, e.g. "VQA 50% · hallucinating 40% · filler 30% · facts 25%". */
export function mixtureText(m: Partial<SftMixture>): string {
  const part = (k: keyof SftMixture, name: string) => (typeof m[k] === 'number' ? `${name} ${pct(m[k])}` : null);
  return [part('vqaShare', 'VQA'), part('hallucinationRate', 'hallucinating'), part('fillerRate', 'filler'), part('factsShare', 'facts')]
    .filter((p) => p !== null)
    .join(' · ');
}
