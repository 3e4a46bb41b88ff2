// `perf soak`: --steps PPO steps (default 300) of the default config on a shipped policy (default
// models/sft-plus), against a Fact-RM made from the policy as train-rm starts one (the same work
// as a trained one) or, with --reward gold, the judge; prints the heap after a full collection
// and tf.memory() at steps 1, 10, 50, 100, 200, 300 and the last. Exits 1 when the tensor count grew.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Flags } from '../args';
import { initNodeBackend } from '../backend-node';
import { loadModelDir } from '../model-files';
import { resolvePpoConfig, type PpoConfig } from '../../engine/ppo/config';
import { createPpoRun } from '../../engine/ppo/run';
import { createRewardModel } from '../../engine/reward/train-run';
import { soakPpo, type SoakPoint } from '../../engine/perf/soak';

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
  try {
    const res = await soakPpo(run, steps, { heap: heapAfterGc(), onPoint: (p) => console.log(json ? JSON.stringify(p) : row(p)) });
    if (res.halted) throw new Error(`perf soak: step ${res.halted.step} was not applied (${res.halted.quantity} was not finite)`);
    // From step 10 (past the first step's one-off allocations) when there are more points than two.
    const from = res.points.length > 2 ? res.points[1] : res.points[0];
    const to = res.points.at(-1);
    if (!from || !to) return 0;
    const grew = to.numTensors - from.numTensors;
    const line = { from: from.step, to: to.step, tensorsFrom: from.numTensors, tensorsTo: to.numTensors, heapFrom: from.heapUsed, heapTo: to.heapUsed };
    if (json) console.log(JSON.stringify(line));
    else console.log(`tensors from step ${from.step} to step ${to.step}: ${from.numTensors} to ${to.numTensors} (${grew === 0 ? 'flat' : `${grew > 0 ? '+' : ''}${grew}`}); heap ${mb(from.heapUsed ?? 0)} to ${mb(to.heapUsed ?? 0)} MB`);
    if (grew > 0) {
      console.error(`perf soak: the tensor count grew by ${grew} from step ${from.step} to step ${to.step}: a leak`);
      return 1;
    }
    return 0;
  } finally {
    run.dispose();
    rm?.dispose();
    policy.dispose();
  }
}
