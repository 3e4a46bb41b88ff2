// A labelling job's settings as one table (train/fields.ts), without TensorFlow.js, so the page
// checks its knobs exactly as the engine will: how many pairs, from which seed, at what
// temperature, the perturbed and degenerate shares, and the simulated annotator that labels them
// (none: the pairs are for a person).

import * as v from 'valibot';
import type { ConfigProblem } from '../train/bounds';
import { defaultsOf, fieldsOf, maybe, num, problemsOf, value } from '../train/fields';
import { DEFAULT_PERCEPTION, type Perception } from '../world/render';
import { validateAnnotatorSettings, type AnnotatorSettings } from './annotator';

/** The most pairs one job labels (the page's auto-label knob stops here too). */
export const MAX_LABEL_JOB = 100_000;

export const LABEL_JOB_TABLE = v.object({
  n: num(100, { integer: true, min: 1, max: MAX_LABEL_JOB }, { label: 'Pairs (N)', help: 'Pairs to sample from the loaded policy and label. Stop keeps the pairs labelled so far.' }),
  seed: num(0, { integer: true, min: 0, max: 2 ** 32 - 1 }, { label: 'Seed', help: 'Seed of the scenes, questions, pixel noise and sampling (each round of pairs draws its own from it).' }),
  temperature: num(1, { above: 0, max: 10 }, { label: 'Temperature', help: 'Sampling temperature; above 0, since a pair needs two different samples.' }),
  mix: num(0, { min: 0, max: 1 }, {
    label: 'Perturbed share',
    help: 'Share of pairs made as (a policy answer, the same answer with one hallucinated object added): pairs that differ by exactly one false claim. 0 gives two policy samples per pair.',
    step: '0.1',
  }),
  degenerate: num(0, { min: 0, max: 1 }, {
    label: 'Degenerate share',
    help: 'Share of pairs made as (a policy answer, a degenerate one: empty, “i am not sure .”, or the answer’s words reversed). The policy never writes these at the start, so a reward model that never saw one can score silence high, and PPO then learns to say nothing. Labelled like the rest, they teach the reward model where such answers rank.',
    step: '0.05',
  }),
  maxTries: num(4, { integer: true, min: 1, max: 100 }, { label: 'Tries', help: 'Rounds a prompt is resampled while its two responses are equal, before it is dropped.' }),
  perception: value<Perception>({ ...DEFAULT_PERCEPTION }, { help: 'How the pairs’ images are rendered.' }),
  round: num(16, { integer: true, min: 1, max: 1024 }, { label: 'Round', help: 'Pairs per round: progress, Stop and the policy’s version are read between rounds.' }),
  annotator: maybe(value<{ name: string; settings: AnnotatorSettings; seed: number }>(undefined, { help: 'The simulated annotator that labels the pairs, with its seed; absent for pairs a person labels.' })),
});

export type LabelJobConfig = v.InferOutput<typeof LABEL_JOB_TABLE>;

export const LABEL_JOB_FIELDS = fieldsOf(LABEL_JOB_TABLE);
export const LABEL_JOB_DEFAULTS: LabelJobConfig = defaultsOf(LABEL_JOB_TABLE);

/** Every knob the table refuses, then mix + degenerate above 1 and the annotator's settings (by field); [] when the job can run. */
export function checkLabelJob(cfg: LabelJobConfig): ConfigProblem[] {
  const out = problemsOf(LABEL_JOB_TABLE, cfg);
  if (out.length === 0 && cfg.mix + cfg.degenerate > 1) out.push({ field: 'degenerate', message: `must be at most 1 − mix (${1 - cfg.mix})` });
  if (cfg.annotator) {
    const checked = validateAnnotatorSettings(cfg.annotator.settings);
    if ('errors' in checked) out.push(...checked.errors.map((e) => ({ field: `annotator.${e.field}`, message: e.message })));
  }
  return out;
}
