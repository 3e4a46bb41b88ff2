// SFT as one job for the page: continue training the policy in place, or train a fresh decoder on
// its pretrained, frozen vision encoder (as LLaVA keeps CLIP) and return the new model.

import { createModel, type VlmModel } from '../model/model';
import type { JobHooks } from '../train/job';
import { checkSftJob, type SftJobConfig } from './config';
import { runSft, type SftPoint } from './run';

export interface SftJobResult {
  /** The trained model: the policy itself, or (fresh) a new model the caller owns. */
  model: VlmModel;
  steps: number;
  heldOutLoss: number;
  /** What the checkpoint's metadata should record of the run. */
  metadata: Record<string, unknown>;
}

/** Trains by the config; throws, naming the field, on a bad config (the policy is untouched then). */
export async function runSftJob(policy: VlmModel, cfg: SftJobConfig, hooks: JobHooks<SftPoint> = {}, trainSize = 4000): Promise<SftJobResult> {
  const problems = checkSftJob(cfg);
  if (problems.length) throw new Error(`SFT: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`);
  const model = cfg.fresh ? createModel(policy.config, { seed: cfg.seed, vision: policy.vision, freezeVision: true }) : policy;
  try {
    const r = await runSft(model, { steps: cfg.steps, batchSize: cfg.batchSize, mixture: cfg.mixture, seed: cfg.seed, optim: { lr: cfg.lr }, evalEvery: Math.max(10, Math.round(cfg.steps / 20)), trainSize }, hooks);
    return { model, steps: r.steps, heldOutLoss: r.heldOutLoss, metadata: { mixture: cfg.mixture, seed: cfg.seed, sftSteps: r.steps, heldOutLoss: r.heldOutLoss } };
  } catch (e) {
    if (model !== policy) model.dispose();
    throw e;
  }
}
