// `perf soak`: --steps PPO steps (default 300) of the default config on a shipped policy (default
// models/sft-plus), against a Fact-RM made from the policy as train-rm starts one (the same work
// as a trained one) or, with --reward gold, the judge; prints the heap after a full collection
// and tf.memory() at steps 1, 10, 50, 100, 200, 300 and the last, then the time a step. Exits 1
// when a step went non-finite, the tensor count or tensor bytes grew from step 10 to the last, or
// tensors were left once the run and its models were disposed.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as tf from '@tensorflow/tfjs-core';
import type { Flags } from '../args';
import { initNodeBackend } from '../backend-node';
import { loadModelDir } from '../model-files';
import { resolvePpoConfig, type PpoConfig } from '../../engine/ppo/config';
import { createPpoRun } from '../../engine/ppo/run';
import { createRewardModel } from '../../engine/reward/train-run';
import { soakPpo, soakVerdict, type SoakPoint, type SoakResult } from '../../engine/perf/soak';

/** The heap in use after a full collection (Node hides gc() unless asked: ask, then read it back). */
function heapAfterGc(): () => number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return () => {
    gc();
    return process.memoryUsage().heapUsed;
  };
}

export async function perfSoak(flags: Flags): Promise<number> {
  const steps = Number(flags.steps);
  const overrides: Partial<PpoConfig> = { reward: flags.reward === 'gold' ? 'gold' : 'fact', samplesPerPoint: 0 };
  const changed: string[] = [];
  for (const [flag, key] of [['batch-size', 'batchSize'], ['mini-batch-size', 'miniBatchSize'], ['response-length', 'responseLength'], ['gold-every', 'goldEvery']] as const) {
    if (flags[flag] === undefined) continue;
    overrides[key] = Number(flags[flag]);
    changed.push(`--${flag} ${String(flags[flag])}`);
  }
  const cfg = resolvePpoConfig(overrides);
  const backend = await initNodeBackend(String(flags.backend));
  const dir = String(flags.policy);
  const tensorsBefore = tf.memory().numTensors;
  const { model: policy } = loadModelDir(dir);
  const rm = cfg.reward === 'gold' ? undefined : createRewardModel(policy);
  const run = createPpoRun(policy, rm ? { model: rm, fact: true, norm: { mean: 0, std: 1, source: 'none' } } : undefined, cfg);
  const json = Boolean(flags.json);
  const mb = (b: number) => (b / 2 ** 20).toFixed(1);
  if (!json) {
    console.log(`PPO soak: ${steps} steps of the default config${changed.length ? ` but ${changed.join(', ')}` : ''} (${cfg.advantageEstimator.toUpperCase()}, reward ${cfg.reward}, batch ${cfg.batchSize}, minibatch ${cfg.miniBatchSize}, ${cfg.ppoEpochs} epochs, ${cfg.responseLength} new tokens, gold figures every ${cfg.goldEvery} steps on ${cfg.goldProbeSize} probes)`);
    console.log(`  policy ${dir} on ${backend.name}; ${rm ? 'a Fact-RM made from the policy' : 'the judge as the reward'}`);
    console.log('   step  seconds  tensors  tensor MB  heap MB (after GC)');
  }
  const row = (p: SoakPoint) => `  ${String(p.step).padStart(5)}  ${p.seconds.toFixed(1).padStart(7)}  ${String(p.numTensors).padStart(7)}  ${mb(p.numBytes).padStart(9)}  ${mb(p.heapUsed ?? 0).padStart(18)}`;
  let res: SoakResult;
  try {
    res = await soakPpo(run, steps, { heap: heapAfterGc(), onPoint: (p) => console.log(json ? JSON.stringify(p) : row(p)) });
  } finally {
    run.dispose();
    rm?.dispose();
    policy.dispose();
  }
  const { summary, problems } = soakVerdict(res);
  const tensorsLeft = tf.memory().numTensors - tensorsBefore;
  if (tensorsLeft !== 0) problems.push(`${tensorsLeft} tensors were left after the run, the policy and the reward model were disposed`);
  if (summary && json) console.log(JSON.stringify({ ...summary, tensorsLeft }));
  else if (summary) {
    const change = (a: number, b: number, f: (x: number) => string) => (a === b ? 'flat' : `${b > a ? '+' : ''}${f(b - a)}`);
    console.log(`tensors from step ${summary.from} to step ${summary.to}: ${summary.tensorsFrom} to ${summary.tensorsTo} (${change(summary.tensorsFrom, summary.tensorsTo, String)}); tensor MB ${mb(summary.bytesFrom)} to ${mb(summary.bytesTo)} (${change(summary.bytesFrom, summary.bytesTo, mb)}); heap ${mb(summary.heapFrom ?? 0)} to ${mb(summary.heapTo ?? 0)} MB`);
    console.log(`${summary.msPerStep.toFixed(0)} ms a step; tensors left after disposing: ${tensorsLeft}`);
  }
  for (const p of problems) console.error(`perf soak: ${p}`);
  return problems.length ? 1 : 0;
}
