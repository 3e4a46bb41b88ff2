// What the Reward stage says about itself: the two kinds of reward model, the metrics and the
// probes, as data for the panels (the run's knobs are in the engine's reward-job table).

import { PROBE_VARIANTS, type ProbeVariant } from '../../engine/reward/probes';
import type { RewardKind } from '../../worker/protocol';

export const KIND_INFO: Readonly<Record<RewardKind, { name: string; color: string; tip: string }>> = {
  plain: {
    name: 'plain RM',
    color: '#3451b2',
    tip: 'Reads the image, the question and the answer, as a standard reward model does. It sees the scene only through the imperfect vision encoder.',
  },
  fact: {
    name: 'Fact-RM',
    color: '#e8590c',
    tip: 'Factually Augmented: also reads the scene’s ground-truth facts (sentences shuffled each time, as the paper shuffles captions), so a false claim is easy to spot and hard to fool.',
  },
};

export const CHOICE_INFO = {
  plain: KIND_INFO.plain.tip,
  fact: KIND_INFO.fact.tip,
  both: 'Train the plain RM, then the Fact-RM, on the same labels and the same split, and compare them side by side.',
} as const;

export const CHART_INFO = {
  loss:
    'Bradley-Terry loss −log σ(r_chosen − r_rejected) on each minibatch (ties and both-bad pairs with their own terms, plus a small term that keeps scores centred). ' +
    'It starts near log 2 ≈ 0.69, a coin toss.',
  accuracy:
    'Share of held-out decided pairs whose chosen answer the reward model scores higher. The dashed line is the annotator ceiling: a noisy annotator disagrees with itself, so no model can beat it on average.',
} as const;

export const RESULT_INFO = {
  heldOut: 'Accuracy on held-out pairs (decided ones: A or B): how often the chosen answer scores higher. 50% is chance.',
  train: 'Accuracy on the training pairs. Far above held-out: the model memorises its few labels.',
  loss: 'The loss on the held-out pairs.',
  margin: 'Mean score of the chosen and of the rejected answers, over held-out decided pairs.',
  tieGap: 'Mean |score A − score B| over held-out ties: small means the model scores tied answers alike.',
  bothBad: 'Share of held-out both-bad answers scored below 0, as the loss asks.',
  ceiling:
    'The annotator ceiling on the held-out pairs: how often a second, independent draw by the same simulated annotator gives the same label (self-agreement), and the best accuracy any model can expect on its decided pairs. Person labels are left out: their noise is unknown.',
} as const;

/** Each probe variant's name and what it tests (every variant must have one). */
const VARIANTS: Record<ProbeVariant, { name: string; tip: string }> = {
  shortCorrect: { name: 'short correct', tip: 'The reference answer: short and true.' },
  longCorrect: { name: 'long correct + filler', tip: 'The reference, two more true details and a filler sentence.' },
  longHallucinated: { name: 'long hallucinated', tip: 'The long answer with one true detail swapped for an object that is not there: same length, one false claim.' },
  unsure: { name: '“i am not sure .”', tip: 'Honest but uninformative.' },
  ungrammatical: { name: 'ungrammatical', tip: 'The reference’s words reversed: out of the grammar.' },
  empty: { name: 'empty', tip: 'No answer at all. The labels rarely hold one, so a reward model may never have seen it; if it scores silence high, PPO learns to say nothing.' },
  smallTrue: { name: 'true small detail', tip: 'A small object described right: its true shape and colour, which the pixels barely show.' },
  smallFalse: { name: 'false small detail', tip: 'The same sentence with the small object’s shape or colour swapped for a lookalike: same length, one false word; the facts tell them apart, the pixels hardly.' },
};

/** The probe variants in the order of the table, with names and what each tests. */
export const VARIANT_INFO: readonly { variant: ProbeVariant; name: string; tip: string }[] = PROBE_VARIANTS.map((variant) => ({ variant, ...VARIANTS[variant] }));

export const PROBE_INFO =
  'Probes: fixed answer variants on scenes the labels never used, scored by each reward model. A reward model that likes length more than truth scores the long hallucinated answer above the short correct one: that is what PPO will exploit (reward hacking).';
