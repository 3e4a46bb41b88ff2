// `perf ppo`: milliseconds per PPO step of the default config on fresh models of a model preset,
// split by phase, and the rollout's tokens per second; --profile adds a step run under the kernel
// profiler, split by phase (kernels, matMul and other milliseconds, top kernels); --json prints one
// object (msPerStep, phases, tokensPerSec, config, profile) whose config holds the shape to give
// the PyTorch reference.

import { UsageError, type Flags } from '../args';
import { initNodeBackend } from '../backend-node';
import { makeConfig, MODEL_PRESETS, type PresetName } from '../../engine/model/config';
import { VOCAB } from '../../engine/language/vocab';
import { measurePpoPerf, type PpoPerfReport } from '../../engine/perf/ppo';
import type { KernelProfile } from '../../engine/perf/profile';

export async function perfPpo(flags: Flags): Promise<number> {
  const preset = String(flags.model);
  if (!Object.hasOwn(MODEL_PRESETS, preset)) throw new UsageError(`perf: --model must be one of ${Object.keys(MODEL_PRESETS).join(', ')}`);
  const backend = await initNodeBackend(String(flags.backend));
  const r = await measurePpoPerf(makeConfig(preset as PresetName, VOCAB.length), { steps: Math.max(1, Number(flags.repeats)), profile: flags.profile === true });
  if (flags.json) {
    console.log(JSON.stringify({ ...r, model: preset }));
    return 0;
  }
  const c = r.config;
  const p = r.phases;
  console.log(`PPO step, default config, model ${preset} (${r.params} parameters) on ${backend.name}; median of ${r.steps} steps after a warm-up`);
  console.log(`  batch ${c.batch}, ${c.newTokens} new tokens, prompt ${c.promptLen} (+${c.factsLen} facts for the Fact-RM), ${c.ppoEpochs} epochs of minibatch ${c.minibatch}`);
  console.log(`  rollout (KV-cache sampling): ${p.rollout.toFixed(0)} ms (${r.tokensPerSec.toFixed(0)} tokens/s)`);
  console.log(`  log-probs and values:        ${p.forward.toFixed(0)} ms`);
  console.log(`  rewards (judge, Fact-RM):    ${p.rewards.toFixed(0)} ms`);
  console.log(`  advantages:                  ${p.advantages.toFixed(1)} ms`);
  console.log(`  update:                      ${p.update.toFixed(0)} ms`);
  console.log(`  total:                       ${r.msPerStep.toFixed(0)} ms per step`);
  console.log(`The shape, for a PyTorch reference step: dModel ${c.dModel}, layers ${c.nLayers}, heads ${c.nHeads}, dFF ${c.dFF}, vocab ${c.vocabSize}, batch ${c.batch}, response tokens ${c.newTokens}, prompt tokens ${c.promptLen} (+${c.factsLen} facts), epochs ${c.ppoEpochs}, minibatch ${c.minibatch}`);
  console.log(`  as its flags (one thread): --threads 1 --d ${c.dModel} --layers ${c.nLayers} --heads ${c.nHeads} --ff ${c.dFF} --vocab ${c.vocabSize} --batch ${c.batch} --new ${c.newTokens} --prompt ${c.promptLen} --facts ${c.factsLen} --epochs ${c.ppoEpochs} --minibatch ${c.minibatch}`);
  if (r.profile) printPpoProfile(r.profile);
  return 0;
}

function printPpoProfile(prof: NonNullable<PpoPerfReport['profile']>): void {
  console.log('');
  console.log('One more step under the kernel profiler (profiled times run slower than the figures above; time outside kernels is the engine\'s per-op work and plain JavaScript):');
  const names = { rollout: 'rollout', forward: 'log-probs and values', rewards: 'rewards', advantages: 'advantages', update: 'update' } as const;
  for (const [key, label] of Object.entries(names) as [keyof typeof names, string][]) printKernelProfile(label, prof.phases[key]);
  printKernelProfile('step', prof.step);
  console.log(`A trivial kernel (a one-element add) costs ${prof.trivialKernelUs.toFixed(1)} µs unprofiled: the fixed cost of every kernel.`);
}

/** Prints one piece of work's kernels: count, matMul and other milliseconds, the time outside kernels, and the top kernels. */
export function printKernelProfile(label: string, k: KernelProfile & { wallMs: number }): void {
  const outside = Math.max(0, k.wallMs - k.kernelMs);
  console.log(`  ${label}: ${k.kernels} kernels, ${k.kernelMs.toFixed(0)} ms in kernels (matMul-like ${k.matMulMs.toFixed(0)}, other ${k.otherMs.toFixed(0)}), ${outside.toFixed(0)} ms outside, ${k.wallMs.toFixed(0)} ms profiled wall clock`);
  if (k.top.length) console.log(`    top: ${k.top.map((t) => `${t.name} ${t.ms.toFixed(1)} ms ×${t.count}`).join(', ')}`);
}
