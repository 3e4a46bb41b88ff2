// An SFT job's settings as one table (train/fields.ts), without TensorFlow.js, so the page checks
// its knobs exactly as the engine will: steps, batch, learning rate, seed, the data mixture (every
// share from 0 to 1; its defaults are the SFT recipe's), and whether to start a fresh decoder on the
// policy's frozen vision encoder or continue from the policy.

import * as v from 'valibot';
import type { ConfigProblem } from '../train/bounds';
import { defaultsOf, fieldsOf, flag, num, problemsOf } from '../train/fields';

const share = (def: number, label: string, help: string) => num(def, { min: 0, max: 1 }, { label, help, step: '0.05' });

/** The four knobs of the SFT data mixture (docs/design.md, section 4), at the SFT recipe's values. */
export const SFT_MIXTURE_TABLE = v.object({
  vqaShare: share(0, 'VQA-style share (SFT+)',
    'Share of examples from the human-annotated VQA-style source: short answers that are always correct. ' +
    'Plain SFT uses none; the paper’s SFT+ adds such data and finds it lowers hallucination (and raises capability) before any RLHF.'),
  hallucinationRate: share(0.4, 'Hallucination rate',
    'Share of the synthetic, machine-written answers that name objects that are not there, following the co-occurrence prior ' +
    '(a red circle “brings” a yellow triangle). The model learns to guess the same way.'),
  fillerRate: share(0.3, 'Filler rate', 'Share of synthetic answers padded with a filler sentence that claims nothing (“this is a nice picture .”): fluent but uninformative.'),
  factsShare: share(0.25, 'Facts in the prompt',
    'Share of examples whose prompt carries the scene’s ground-truth facts (such answers never hallucinate). ' +
    'The reward model inherits this trunk, so this is where it learns to read facts, as Fact-RLHF needs.'),
});

export type SftMixture = v.InferOutput<typeof SFT_MIXTURE_TABLE>;
export const SFT_MIXTURE_FIELDS = fieldsOf(SFT_MIXTURE_TABLE);
/** The SFT recipe's mixture. */
export const SFT_MIXTURE: SftMixture = defaultsOf(SFT_MIXTURE_TABLE);

export const SFT_JOB_TABLE = v.object({
  steps: num(200, { integer: true, min: 1, max: 100_000 }, { label: 'Steps', help: 'Optimisation steps (minibatches). Stop ends the run after the current step and keeps what it learnt.' }),
  batchSize: num(16, { integer: true, min: 1, max: 256 }, { label: 'Batch size', help: 'Examples per step. Larger batches give a smoother loss and fewer, slower steps.' }),
  lr: num(0.001, { above: 0, max: 0.1 }, { label: 'Learning rate', help: 'Peak learning rate of AdamW: warm-up over the first tenth of the run (at most 100 steps), then cosine decay.' }),
  seed: num(1, { integer: true, min: 0, max: 2 ** 32 - 1 }, { label: 'Seed', help: 'Seed of the training data and of the minibatch order (and of a fresh decoder). Starts at the run’s seed.' }),
  mixture: SFT_MIXTURE_TABLE,
  fresh: flag(false, {
    label: 'Start from',
    help:
      'Fresh decoder: a new language model on the loaded policy’s pretrained, frozen vision encoder (as LLaVA keeps CLIP); ' +
      'needs thousands of steps. Continue: fine-tune the loaded policy further on this mixture, for example to turn SFT into SFT+.',
  }),
});

export type SftJobConfig = v.InferOutput<typeof SFT_JOB_TABLE>;

export const SFT_JOB_FIELDS = fieldsOf(SFT_JOB_TABLE);
export const SFT_JOB_DEFAULTS: SftJobConfig = defaultsOf(SFT_JOB_TABLE);

/** Every knob the table refuses (mixture shares as "mixture.NAME"); [] when the job can run. */
export function checkSftJob(cfg: SftJobConfig): ConfigProblem[] {
  return problemsOf(SFT_JOB_TABLE, cfg);
}
