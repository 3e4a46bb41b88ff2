// A labelling job's settings without TensorFlow.js, so the page checks its knobs exactly as the
// engine will: how many pairs, from which seed, at what temperature, the perturbed share, and the
// simulated annotator that labels them (none: the pairs are for a person).

import { checkBounds, type Bounds, type ConfigProblem } from '../train/bounds';
import { DEFAULT_PERCEPTION, type Perception } from '../world/render';
import { validateAnnotatorSettings, type AnnotatorSettings } from './annotator';

export interface LabelJobConfig {
  /** Pairs wanted. */
  n: number;
  /** Seed of the scenes, questions, pixel noise and sampling (each round of pairs draws its own from it). */
  seed: number;
  /** Sampling temperature; above 0, since a pair needs two different samples. */
  temperature: number;
  /** Share of pairs made as (a sample, the same with one hallucinated object) instead of two samples. */
  mix: number;
  /** Share of pairs made as (a sample, a degenerate answer: empty, "i am not sure ." or the sample scrambled): answers the reward model must learn to rank; mix + degenerate ≤ 1. */
  degenerate: number;
  /** Rounds a prompt is resampled while its two responses are equal, before it is dropped. */
  maxTries: number;
  /** How the pairs' images are rendered. */
  perception: Perception;
  /** Pairs per round: progress, Stop and the policy's version are read between rounds. */
  round: number;
  /** The simulated annotator that labels the pairs, with its seed; absent for pairs a person labels. */
  annotator?: { name: string; settings: AnnotatorSettings; seed: number };
}

export const LABEL_JOB_DEFAULTS: LabelJobConfig = { n: 100, seed: 0, temperature: 1, mix: 0, degenerate: 0, maxTries: 4, perception: { ...DEFAULT_PERCEPTION }, round: 16 };

/** The most pairs one job labels (the page's auto-label knob stops here too). */
export const MAX_LABEL_JOB = 100_000;

export const LABEL_JOB_BOUNDS: Bounds<LabelJobConfig> = {
  n: { integer: true, min: 1, max: MAX_LABEL_JOB },
  seed: { integer: true, min: 0, max: 2 ** 32 - 1 },
  temperature: { above: 0, max: 10 },
  mix: { min: 0, max: 1 },
  degenerate: { min: 0, max: 1 },
  maxTries: { integer: true, min: 1, max: 100 },
  round: { integer: true, min: 1, max: 1024 },
};

/** Every knob outside its bounds (the annotator's settings by field); [] when the job can run. */
export function checkLabelJob(cfg: LabelJobConfig): ConfigProblem[] {
  const out = checkBounds(cfg, LABEL_JOB_BOUNDS);
  if (out.length === 0 && cfg.mix + cfg.degenerate > 1) out.push({ field: 'degenerate', message: `must be at most 1 − mix (${1 - cfg.mix})` });
  if (cfg.annotator) {
    const v = validateAnnotatorSettings(cfg.annotator.settings);
    if ('errors' in v) out.push(...v.errors.map((e) => ({ field: `annotator.${e.field}`, message: e.message })));
  }
  return out;
}
