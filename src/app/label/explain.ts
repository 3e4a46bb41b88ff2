// What the Label stage says about itself: the labels and their keys, the simulated annotators'
// settings, and the two file formats, as data for the panels.

import type { AnnotatorName, AnnotatorSettings } from '../../engine/prefs/annotator';
import { LABELS, type Label } from '../../engine/prefs/labels';

/** The paper's instruction to its annotators. */
export const INSTRUCTION = 'Prefer the answer with fewer hallucinations; only if they are equal, the more helpful one.';

/** The choices, in key order; `key` is what KeyboardEvent.key reports. */
export const CHOICES: readonly { label: Label | 'skip'; name: string; key: string; hint: string; tip: string }[] = [
  { label: 'A', name: 'A is better', key: '1', hint: '1', tip: 'Answer A is better: fewer false claims or, if equal, more informative.' },
  { label: 'B', name: 'B is better', key: '2', hint: '2', tip: 'Answer B is better: fewer false claims or, if equal, more informative.' },
  { label: 'tie', name: 'Tie', key: '3', hint: '3', tip: 'Neither is better: the reward model learns to score them alike.' },
  { label: 'both-bad', name: 'Both bad', key: '4', hint: '4', tip: 'Both answers are unacceptable (each has a false claim or is not in the grammar): the reward model learns to score both below 0.' },
  { label: 'skip', name: 'Skip', key: ' ', hint: 'space', tip: 'Skip this pair without a label.' },
];

/** A label's display name. */
export function labelName(l: Label): string {
  return l === 'both-bad' ? 'both bad' : l;
}

/** The labels in the order the page counts them, with their display names. */
export const LABEL_INFO: readonly { label: Label; name: string }[] = LABELS.map((label) => ({ label, name: labelName(label) }));

export const PRESET_INFO: Readonly<Record<AnnotatorName, string>> = {
  careful: 'Follows the paper’s instruction: a false claim always decides first; only if equal, the more informative answer. Little noise; flags pairs where both answers are flawed.',
  'length-biased': 'Barely minds a false claim and likes every extra sentence: the taste for long answers that lets a policy hack the reward model with padding.',
  noisy: 'Careful’s taste with much more noise: it often flips. Its labels cap how well any reward model can do.',
};

export const SETTING_INFO: Readonly<Record<keyof AnnotatorSettings, { label: string; tip: string }>> = {
  hallucinationWeight: {
    label: 'Hallucination',
    tip: 'Utility lost per flaw: each false claim, and each sentence outside the grammar (it cannot be checked, so it is not trusted).',
  },
  informativenessWeight: {
    label: 'Informativeness',
    tip: 'Utility per unit of informativeness: the judge’s share (0 to 1) of the facts the question asks for that the answer states correctly.',
  },
  lengthBias: {
    label: 'Length bias',
    tip: 'Utility per sentence, true or not: a taste for long answers (0 for none). The classic route to reward hacking.',
  },
  noise: {
    label: 'Noise',
    tip: 'Scale of the logistic noise on the utility difference (the Bradley-Terry temperature). 0 always picks the better answer; larger flips more often.',
  },
  tieMargin: {
    label: 'Tie margin',
    tip: 'A noisy utility difference within ± this margin is labelled a tie.',
  },
  flagBothBad: {
    label: 'Flag both bad',
    tip: 'Label “both bad” when both answers are equally flawed (the same number of false or unreadable sentences), instead of ranking them; otherwise the answer with fewer flaws wins.',
  },
};

export const AUTO_INFO = {
  card:
    'A simulated annotator judges both answers against the scene’s ground truth and picks by a noisy Bradley-Terry choice on a weighted utility: ' +
    'u = −hallucination weight × flaws + informativeness weight × informativeness + length bias × sentences. Cheap labels, with a known taste and known noise.',
} as const;

export const FILES_INFO = {
  jsonl:
    'Native JSONL: one preference record per line, everything kept (scene, render settings, both answers, label, labeller, time, policy). Lossless; imports back here and into the command line (npm run cli -- train-rm --prefs FILE).',
  trl:
    'TRL set for Python tools, as a .zip: train.jsonl in TRL\'s conversational vision preference format (prompt, chosen and rejected as chat messages, an images column), the PNG each pair was shown with in images/, and a README on loading it with Hugging Face datasets for TRL\'s DPOTrainer. Ties and both-bad pairs have no chosen answer and are left out.',
  import:
    'Import a native .jsonl file or a TRL-style .zip exported from here. Only adds: pairs already stored are kept once, bad lines are reported by number and field and skipped, and nothing stored is lost.',
} as const;
