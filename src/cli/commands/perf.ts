// `perf`: speed figures. `perf world` times the renderer and the judge; `perf model` times
// sampling (with and without the KV cache), forward and backward passes and SFT steps; `perf ppo`
// times a PPO step of the default config by phase (perf-ppo.ts); `perf soak` runs 300 PPO steps
// and prints the heap and the tensor count along the way (perf-soak.ts). `--profile` runs `perf
// model`'s measurements and one more PPO step under the kernel profiler (engine/perf/profile.ts).
// The page's label store is timed by `npm run perf:store` (scripts/perf-store.mjs): it is page code.

import { COMMON_FLAGS, UsageError, type CommandSpec, type Flags } from '../args';
import { sampleScene } from '../../engine/world/sampler';
import { renderScene, DEFAULT_PERCEPTION } from '../../engine/world/render';
import { makeSftData } from '../../engine/sft/data';
import { judge } from '../../engine/judge/judge';
import { makeConfig, MODEL_PRESETS, type PresetName } from '../../engine/model/config';
import { PPO_FIELDS } from '../../engine/ppo/config';
import { measureModelPerf } from '../../engine/perf/model';
import { VOCAB } from '../../engine/language/vocab';
import { initNodeBackend } from '../backend-node';
import { perfPpo, printKernelProfile } from './perf-ppo';
import { perfSoak } from './perf-soak';

export const spec: CommandSpec = {
  name: 'perf',
  summary: 'Measure speed: `perf world` (renderer, judge), `perf model` (sampling, training), `perf ppo` (one PPO step by phase) or `perf soak` (memory over many PPO steps).',
  usage: 'perf world|model|ppo|soak [--seconds S] [--model default|tiny] [--repeats N] [--profile] [--steps N --policy DIR --reward fact|gold] [--backend wasm|cpu] [--reference CMD] [--json]',
  flags: {
    model: { type: 'string', help: 'model preset for `perf model`', default: 'default', choices: Object.keys(MODEL_PRESETS) },
    backend: COMMON_FLAGS.backend,
    repeats: { type: 'number', help: 'timed repetitions for `perf model` and `perf ppo`', default: 3, bound: { integer: true, min: 1 } },
    profile: { type: 'boolean', help: '`perf model` and `perf ppo`: also run each measurement once under the kernel profiler (kernels, matMul and other time, top kernels)' },
    seconds: { type: 'number', help: 'time to spend on each measurement', default: 2, bound: { above: 0 } },
    steps: { type: 'number', help: 'PPO steps of `perf soak`', default: 300, bound: { integer: true, min: 1, max: 100_000 } },
    policy: { ...COMMON_FLAGS.policy, help: 'policy `perf soak` tunes', default: 'models/sft-plus' },
    reward: { type: 'string', help: '`perf soak` scores with a Fact-RM made from the policy, or the judge', default: 'fact', choices: ['fact', 'gold'] },
    'batch-size': { type: 'number', help: 'PPO batch for `perf soak` (default the config\'s)', bound: PPO_FIELDS.batchSize.bound },
    'mini-batch-size': { type: 'number', help: 'PPO minibatch for `perf soak` (default the config\'s)', bound: PPO_FIELDS.miniBatchSize.bound },
    'response-length': { type: 'number', help: 'new tokens per response for `perf soak` (default the config\'s)', bound: PPO_FIELDS.responseLength.bound },
    'gold-every': { type: 'number', help: 'gold figures every N steps in `perf soak`, 0 never (default the config\'s)', bound: PPO_FIELDS.goldEvery.bound },
    reference: { type: 'string', help: '`perf ppo`: a command that times the same step elsewhere (a PyTorch reference); run after the steps with the shape\'s flags appended, its last JSON line\'s ms_median read, and the ratio printed' },
    json: { ...COMMON_FLAGS.json, help: 'print the figures as one JSON object' },
  },
};

/** Runs fn repeatedly for about `seconds` and returns calls per second. */
function rate(seconds: number, fn: (i: number) => void): number {
  for (let i = 0; i < 50; i++) fn(i); // warm up the JIT
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < seconds * 1000) {
    for (let k = 0; k < 50; k++) fn(n++);
  }
  return n / ((performance.now() - start) / 1000);
}

export async function perfWorld(seconds: number): Promise<Record<string, number>> {
  const scenes = Array.from({ length: 1000 }, (_, i) => sampleScene(i));
  const examples = makeSftData(2000, 3);
  const scenesPerSec = rate(seconds, (i) => renderScene(scenes[i % scenes.length]!, DEFAULT_PERCEPTION));
  const sampledPerSec = rate(seconds, (i) => sampleScene(i));
  const judgedPerSec = rate(seconds, (i) => {
    const e = examples[i % examples.length]!;
    judge(e.scene, e.question, e.response);
  });
  const meanWords = examples.reduce((s, e) => s + e.response.split(' ').length, 0) / examples.length;
  return { scenesRenderedPerSec: scenesPerSec, scenesSampledPerSec: sampledPerSec, responsesJudgedPerSec: judgedPerSec, meanResponseWords: meanWords };
}

export async function run(flags: Flags, positional: string[]): Promise<number> {
  const what = positional[0];
  const seconds = typeof flags.seconds === 'number' && flags.seconds > 0 ? flags.seconds : 2;
  if (what === 'model') return perfModel(flags);
  if (what === 'ppo') return perfPpo(flags);
  if (what === 'soak') return perfSoak(flags);
  if (what === 'store') throw new UsageError('perf: the page\'s label store is page code, timed by `npm run perf:store` (scripts/perf-store.mjs)');
  if (what !== 'world') throw new UsageError(`perf: say what to measure: \`perf world\`, \`perf model\`, \`perf ppo\` or \`perf soak\` (got ${what === undefined ? 'nothing' : `"${what}"`})`);
  const figures = await perfWorld(seconds);
  if (flags.json) console.log(JSON.stringify(figures));
  else {
    console.log(`scenes rendered per second (48x48, default perception): ${figures.scenesRenderedPerSec!.toFixed(0)}`);
    console.log(`scenes sampled per second:                           ${figures.scenesSampledPerSec!.toFixed(0)}`);
    console.log(`responses judged per second (SFT-style, ${figures.meanResponseWords!.toFixed(1)} words avg): ${figures.responsesJudgedPerSec!.toFixed(0)}`);
  }
  return 0;
}

async function perfModel(flags: Flags): Promise<number> {
  const preset = String(flags.model);
  const backend = await initNodeBackend(String(flags.backend));
  const r = await measureModelPerf(makeConfig(preset as PresetName, VOCAB.length), { repeats: Math.max(1, Number(flags.repeats)), profile: flags.profile === true });
  if (flags.json) {
    console.log(JSON.stringify({ ...r, model: preset }));
    return 0;
  }
  console.log(`model ${preset} (${r.params} parameters) on ${backend.name}`);
  console.log(`sampling, batch ${r.batch}, ${r.newTokens} new tokens, prompt ~${r.promptLen}:`);
  console.log(`  with KV cache:     ${r.tokensPerSecCached.toFixed(0)} tokens/s`);
  console.log(`  recomputing:       ${r.tokensPerSecRecompute.toFixed(0)} tokens/s`);
  console.log(`  KV cache speed-up: ${r.cacheSpeedup.toFixed(1)}x`);
  console.log(`training, batch ${r.sftBatch}:`);
  console.log(`  forward:            ${r.forwardMs.toFixed(0)} ms`);
  console.log(`  forward + backward: ${r.forwardBackwardMs.toFixed(0)} ms`);
  console.log(`  SFT steps/s:        ${r.sftStepsPerSec.toFixed(2)}`);
  if (r.profile) {
    const p = r.profile;
    console.log('');
    console.log('Each once more under the kernel profiler (profiled times run slower than the figures above; time outside kernels is the engine\'s per-op work and plain JavaScript):');
    printKernelProfile(`sampling with KV cache (batch ${r.batch}, ${r.newTokens} tokens)`, p.sampling);
    printKernelProfile(`forward (batch ${r.sftBatch})`, p.forward);
    printKernelProfile(`forward + backward (batch ${r.sftBatch})`, p.forwardBackward);
    printKernelProfile(`SFT step (batch ${r.sftBatch})`, p.sftStep);
    console.log(`A trivial kernel (a one-element add) costs ${p.trivialKernelUs.toFixed(1)} µs unprofiled: the fixed cost of every kernel.`);
  }
  return 0;
}
