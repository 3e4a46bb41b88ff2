// What the SFT stage says about itself: the data-mixture knobs with the paper's finding, the
// training knobs, and the names of the shipped policies, as data for the panels.

import type { SftMixture } from '../../engine/sft/data';

export interface KnobInfo {
  label: string;
  tip: string;
}

/** The four data-mixture knobs of the SFT data (docs/design.md, section 4). */
export const MIXTURE_INFO: Readonly<Record<keyof SftMixture, KnobInfo>> = {
  vqaShare: {
    label: 'VQA-style share (SFT+)',
    tip:
      'Share of examples from the human-annotated VQA-style source: short answers that are always correct. ' +
      'Plain SFT uses none; the paper’s SFT+ adds such data and finds it lowers hallucination (and raises capability) before any RLHF.',
  },
  hallucinationRate: {
    label: 'Hallucination rate',
    tip:
      'Share of the synthetic, machine-written answers that name objects that are not there, following the co-occurrence prior ' +
      '(a red circle “brings” a yellow triangle). The model learns to guess the same way.',
  },
  fillerRate: {
    label: 'Filler rate',
    tip: 'Share of synthetic answers padded with a filler sentence that claims nothing (“this is a nice picture .”): fluent but uninformative.',
  },
  factsShare: {
    label: 'Facts in the prompt',
    tip:
      'Share of examples whose prompt carries the scene’s ground-truth facts (such answers never hallucinate). ' +
      'The reward model inherits this trunk, so this is where it learns to read facts, as Fact-RLHF needs.',
  },
};

export const TRAIN_INFO = {
  steps: 'Optimisation steps (minibatches). Stop ends the run after the current step and keeps what it learnt.',
  batchSize: 'Examples per step. Larger batches give a smoother loss and fewer, slower steps.',
  lr: 'Peak learning rate of AdamW: warm-up over the first tenth of the run (at most 100 steps), then cosine decay.',
  seed: 'Seed of the training data and of the minibatch order (and of a fresh decoder). Starts at the run’s seed.',
  fresh:
    'Fresh decoder: a new language model on the loaded policy’s pretrained, frozen vision encoder (as LLaVA keeps CLIP); ' +
    'needs thousands of steps. Continue: fine-tune the loaded policy further on this mixture, for example to turn SFT into SFT+.',
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
