// An SFT job's settings without TensorFlow.js, so the page checks its knobs exactly as the engine
// will: steps, batch, learning rate, seed, the data mixture (every share from 0 to 1), and whether
// to start a fresh decoder on the policy's frozen vision encoder or continue from the policy.

import { checkBounds, type Bounds, type ConfigProblem } from '../train/bounds';
import { SFT_MIXTURE, type SftMixture } from './data';

export interface SftJobConfig {
  /** Optimisation steps. */
  steps: number;
  /** Examples per step. */
  batchSize: number;
  /** Peak learning rate (warm-up then cosine decay). */
  lr: number;
  /** Seed of the data, the batch order and (fresh) the new decoder's weights. */
  seed: number;
  mixture: SftMixture;
  /** Start a fresh decoder on the policy's pretrained, frozen vision encoder (true) or continue training the policy. */
  fresh: boolean;
}

export const SFT_JOB_DEFAULTS: SftJobConfig = { steps: 200, batchSize: 16, lr: 0.001, seed: 1, mixture: { ...SFT_MIXTURE }, fresh: false };

export const SFT_JOB_BOUNDS: Bounds<SftJobConfig> = {
  steps: { integer: true, min: 1, max: 100_000 },
  batchSize: { integer: true, min: 1, max: 256 },
  lr: { above: 0, max: 0.1 },
  seed: { integer: true, min: 0, max: 2 ** 32 - 1 },
};

/** Every knob outside its bounds (mixture shares as "mixture.NAME"); [] when the job can run. */
export function checkSftJob(cfg: SftJobConfig): ConfigProblem[] {
  const out = checkBounds(cfg, SFT_JOB_BOUNDS);
  for (const [k, v] of Object.entries(cfg.mixture)) {
    if (typeof v === 'number' && !(v >= 0 && v <= 1)) out.push({ field: `mixture.${k}`, message: 'must be a share from 0 to 1' });
  }
  return out;
}
