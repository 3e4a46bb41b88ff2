// A marking job's settings as one table (train/fields.ts), without TensorFlow.js: how many
// answers (one per question), from which seed, at what temperature, how the images are rendered,
// and the simulated marker that marks them (none: the answers are for a person).

import * as v from 'valibot';
import type { ConfigProblem } from '../train/bounds';
import { defaultsOf, fieldsOf, maybe, num, problemsOf, value } from '../train/fields';
import { DEFAULT_PERCEPTION, type Perception } from '../world/render';
import { validateMarkerSettings, type MarkerSettings } from './marker-settings';
import { MAX_LABEL_JOB } from './label-config';

export const MARK_JOB_TABLE = v.object({
  n: num(100, { integer: true, min: 1, max: MAX_LABEL_JOB }, { label: 'Answers (N)', help: 'Answers to sample from the loaded policy (one per question) and mark. Stop keeps the answers marked so far.' }),
  seed: num(0, { integer: true, min: 0, max: 2 ** 32 - 1 }, { label: 'Seed', help: 'Seed of the scenes, questions, pixel noise and sampling (each round of answers draws its own from it).' }),
  temperature: num(1, { min: 0, max: 10 }, { label: 'Temperature', help: 'Sampling temperature; 0 is greedy.' }),
  perception: value<Perception>({ ...DEFAULT_PERCEPTION }, { help: 'How the answers’ images are rendered.' }),
  round: num(16, { integer: true, min: 1, max: 1024 }, { label: 'Round', help: 'Answers per round: progress, Stop and the policy’s version are read between rounds.' }),
  marker: maybe(value<{ name: string; settings: MarkerSettings; seed: number }>(undefined, { help: 'The simulated marker that marks the answers, with its seed; absent for answers a person marks.' })),
});

export type MarkJobConfig = v.InferOutput<typeof MARK_JOB_TABLE>;

export const MARK_JOB_FIELDS = fieldsOf(MARK_JOB_TABLE);
export const MARK_JOB_DEFAULTS: MarkJobConfig = defaultsOf(MARK_JOB_TABLE);

/** Every knob the table refuses, then the marker's settings (by field); [] when the job can run. */
export function checkMarkJob(cfg: MarkJobConfig): ConfigProblem[] {
  const out = problemsOf(MARK_JOB_TABLE, cfg);
  if (cfg.marker) {
    const checked = validateMarkerSettings(cfg.marker.settings);
    if ('errors' in checked) out.push(...checked.errors.map((e) => ({ field: `marker.${e.field}`, message: e.message })));
  }
  return out;
}
