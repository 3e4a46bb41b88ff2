// Speed of one PPO step on the active backend: the default PPO config on freshly initialised
// models of a model config (policy, reference, Fact-RM, value model), with responses of a fixed
// length (EOS ignored) so every step does the same work; with `profile`, one more step is run under
// the kernel profiler and split by phase. The CLI's `perf ppo` prints what this returns.
import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from '../model/config';
import { createModel } from '../model/model';
import { promptIds } from '../data/encode';
import { drawPrompts } from '../data/prompts';
import { evalFacts } from '../reward/inputs';
import { DEFAULT_PERCEPTION } from '../world/render';
import { resolvePpoConfig, type PpoConfig } from '../ppo/config';
import type { PhaseTimes } from '../ppo/metrics';
import { createPpoRun } from '../ppo/run';
import { profileKernels, summarizeKernels, trivialKernelMicros, type KernelProfile } from './profile';

export interface PpoPerfOptions {
  /** PPO settings over the defaults (the default config when empty). */
  ppo?: Partial<PpoConfig>;
  /** Timed steps after one warm-up step (default 3); the report takes their median. */
  steps?: number;
  seed?: number;
  /** Run one more step under the kernel profiler (default false). */
  profile?: boolean;
}

/** Milliseconds of each phase of a step (medians). */
export interface PpoPhaseMs {
  rollout: number;
  forward: number;
  rewards: number;
  advantages: number;
  update: number;
}

export interface PpoPerfReport {
  backend: string;
  /** Median milliseconds of a whole step. */
  msPerStep: number;
  phases: PpoPhaseMs;
  /** Sampled tokens per second in the rollout (batch × newTokens / rollout time). */
  tokensPerSec: number;
  /** The shape of the step, in the PyTorch reference's terms (its flags: --d --layers --heads --ff --vocab --batch --new --prompt --facts --epochs --minibatch). */
  config: {
    dModel: number; nLayers: number; nHeads: number; dFF: number; vocabSize: number;
    batch: number; newTokens: number;
    /** The policy's prompt columns (left-padded question prompts). */
    promptLen: number;
    /** The extra columns the Fact-RM reads (its facts caption). */
    factsLen: number;
    ppoEpochs: number; minibatch: number;
  };
  params: number;
  steps: number;
  /** With `profile`: the profiled step's kernels by phase (a profiled step runs slower than a plain one). */
  profile?: PpoStepProfile;
}

/** One PPO step's kernels, phase by phase. */
export interface PpoStepProfile {
  /** Each phase's kernels, and its wall-clock milliseconds in the profiled step. */
  phases: Record<keyof PpoPhaseMs, KernelProfile & { wallMs: number }>;
  /** The whole step's kernels. */
  step: KernelProfile & { wallMs: number };
  /** Microseconds the engine takes to run one trivial kernel, unprofiled: what every kernel pays. */
  trivialKernelUs: number;
}

/** The PpoPhaseMs key of each timed phase of a step, in the step's order. */
const PHASE_KEYS: readonly [keyof PhaseTimes, keyof PpoPhaseMs][] = [
  ['time/ppo/rollout', 'rollout'], ['time/ppo/forward_pass', 'forward'], ['time/ppo/compute_rewards', 'rewards'],
  ['time/ppo/compute_advantages', 'advantages'], ['time/ppo/optimize_step', 'update'],
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Runs warm-up plus `steps` PPO steps on fresh models of `model`; frees everything it made. */
export async function measurePpoPerf(model: ModelConfig, opts: PpoPerfOptions = {}): Promise<PpoPerfReport> {
  const cfg = resolvePpoConfig({ goldEvery: 0, samplesPerPoint: 0, ...opts.ppo });
  const steps = Math.max(1, opts.steps ?? 3);
  const seed = opts.seed ?? 0;
  const policy = createModel(model, { seed });
  const rmModel = policy.clone();
  const fact = cfg.reward !== 'plain';
  // While profiling, each phase's end marks how many kernels have run.
  let onPhase: ((phase: keyof PhaseTimes) => void) | undefined;
  const run = createPpoRun(policy, cfg.reward === 'gold' ? undefined : { model: rmModel, fact, norm: { mean: 0, std: 1, source: 'none' } }, cfg, {
    ignoreEos: true, onPhase: (phase) => onPhase?.(phase),
  });
  try {
    const times: PhaseTimes[] = [];
    for (let i = 0; i <= steps; i++) {
      const r = await run.step();
      if (!r.applied) throw new Error(`perf ppo: the step was not applied (${r.nonFinite} was not finite)`);
      if (i > 0) times.push(r.metrics as PhaseTimes);
    }
    const ms = (k: keyof PhaseTimes) => 1000 * median(times.map((t) => t[k]));
    let profile: PpoStepProfile | undefined;
    if (opts.profile) {
      const ends = new Map<keyof PhaseTimes, number>();
      const { result, runs, splits } = await profileKernels(async (mark) => {
        onPhase = (phase) => ends.set(phase, mark());
        try {
          return await run.step();
        } finally {
          onPhase = undefined;
        }
      });
      if (!result.applied) throw new Error(`perf ppo: the profiled step was not applied (${result.nonFinite} was not finite)`);
      const t = result.metrics as PhaseTimes;
      let from = 0;
      const phases = {} as PpoStepProfile['phases'];
      for (const [metric, key] of PHASE_KEYS) {
        const to = splits[ends.get(metric)!]!;
        phases[key] = { ...summarizeKernels(runs.slice(from, to)), wallMs: 1000 * t[metric] };
        from = to;
      }
      profile = { phases, step: { ...summarizeKernels(runs), wallMs: 1000 * t['time/ppo/total'] }, trivialKernelUs: trivialKernelMicros() };
    }
    const phases: PpoPhaseMs = {
      rollout: ms('time/ppo/rollout'), forward: ms('time/ppo/forward_pass'), rewards: ms('time/ppo/compute_rewards'),
      advantages: ms('time/ppo/compute_advantages'), update: ms('time/ppo/optimize_step'),
    };
    // The padded widths the models read, on a typical batch of prompts.
    const prompts = drawPrompts(cfg.batchSize / cfg.numGenerations, cfg.seed);
    const promptLen = Math.max(...prompts.map((p) => promptIds(p.question).length));
    const rmLen = Math.max(...prompts.map((p) => promptIds(p.question, fact ? evalFacts({ scene: p.scene, image: { perception: DEFAULT_PERCEPTION, noiseSeed: p.noiseSeed } }) : undefined).length));
    return {
      backend: tf.getBackend(),
      msPerStep: ms('time/ppo/total'),
      phases,
      tokensPerSec: (cfg.batchSize * cfg.responseLength) / (phases.rollout / 1000),
      config: {
        dModel: model.dModel, nLayers: model.nLayers, nHeads: model.nHeads, dFF: model.dFF, vocabSize: model.vocabSize,
        batch: cfg.batchSize, newTokens: cfg.responseLength, promptLen, factsLen: rmLen - promptLen, ppoEpochs: cfg.ppoEpochs, minibatch: cfg.miniBatchSize,
      },
      params: policy.paramCount(),
      steps,
      ...(profile ? { profile } : {}),
    };
  } finally {
    run.dispose();
    rmModel.dispose();
    policy.dispose();
  }
}

