// The reward-model job, written once for the page and the command line: check the config, split
// the labels by prompt, copy the policy into a reward model, train it, evaluate it on both sets,
// score the probes and measure the annotators' ceiling on the held-out pairs.

import type { VlmModel } from '../model/model';
import type { PreferenceRecord } from '../prefs/record';
import type { JobHooks } from '../train/job';
import { annotatorCeiling, type AnnotatorCeiling } from './ceiling';
import { checkRewardJob, planRewardJob, rewardRunOf, type RewardJobConfig, type RewardKind } from './config';
import { probeItems, probePerception, type ProbeReport } from './probes';
import { runProbes } from './probe-run';
import { createRewardModel, trainRewardModel, type RewardPoint, type RewardRunResult } from './train-run';
import type { ScoreReadout } from '../model/config';

/** What is known of a trained reward model without its weights. */
export interface RewardModelInfo {
  kind: RewardKind;
  /** The version of the policy its trunk started from. */
  policyVersion: string;
  steps: number;
  heldOutAccuracy: number | null;
  readout: ScoreReadout;
}

export interface RewardJobResult {
  /** The trained model; the caller owns it (dispose it). */
  rm: VlmModel;
  info: RewardModelInfo;
  /** The run's planned length in steps; fewer were taken when it was stopped. */
  total: number;
  stopped: boolean;
  trainPairs: number;
  heldOutPairs: number;
  run: RewardRunResult;
  probes: ProbeReport;
  ceiling: AnnotatorCeiling | null;
  seconds: number;
}

/**
 * Trains a reward model of `cfg.kind` from the policy (only read) on the records; returns it
 * with its figures. Throws, naming the field, on a bad config, and when no pair can be learnt from.
 */
export async function runRewardJob(policy: VlmModel, records: readonly PreferenceRecord[], cfg: RewardJobConfig, hooks: JobHooks<RewardPoint> = {}): Promise<RewardJobResult> {
  const problems = checkRewardJob(cfg);
  if (problems.length) throw new Error(`reward model: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`);
  const plan = planRewardJob(records, cfg);
  if (plan.steps === 0) throw new Error('reward model: no training pair the loss can use (label some pairs A or B, or give ties and both-bad pairs a weight)');
  const started = performance.now();
  hooks.onProgress?.({ phase: 'preparing the reward model', done: 0, total: plan.steps });
  const rm = createRewardModel(policy, cfg.readout);
  try {
    const run = await trainRewardModel(rm, plan.train, plan.heldOut, rewardRunOf(cfg), hooks);
    hooks.onProgress?.({ phase: 'scoring the probes', done: run.steps, total: plan.steps });
    const probes = await runProbes(rm, probeItems(cfg.probeItems, 0, probePerception(plan.train)), cfg.kind === 'fact');
    return {
      rm,
      info: { kind: cfg.kind, policyVersion: policy.version, steps: run.steps, heldOutAccuracy: run.heldOut.accuracy, readout: cfg.readout },
      total: plan.steps,
      stopped: run.steps < plan.steps,
      trainPairs: plan.train.length,
      heldOutPairs: plan.heldOut.length,
      run,
      probes,
      ceiling: annotatorCeiling(plan.heldOut),
      seconds: (performance.now() - started) / 1000,
    };
  } catch (e) {
    rm.dispose();
    throw e;
  }
}
