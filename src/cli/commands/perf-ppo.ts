// `perf ppo`: milliseconds per PPO step of the default config on fresh models of a model preset,
// split by phase, and the rollout's tokens per second; --json prints one object (msPerStep,
// phases, tokensPerSec, config) whose config holds the shape to give the PyTorch reference.

import { UsageError, type Flags } from '../args';
import { initNodeBackend } from '../backend-node';
import { makeConfig, MODEL_PRESETS, type PresetName } from '../../engine/model/config';
import { VOCAB } from '../../engine/language/vocab';
import { measurePpoPerf } from '../../engine/perf/ppo';

export async function perfPpo(flags: Flags): Promise<number> {
  const preset = String(flags.model);
  if (!Object.hasOwn(MODEL_PRESETS, preset)) throw new UsageError(`perf: --model must be one of ${Object.keys(MODEL_PRESETS).join(', ')}`);
  const backend = await initNodeBackend(String(flags.backend));
  const r = await measurePpoPerf(makeConfig(preset as PresetName, VOCAB.length), { steps: Math.max(1, Number(flags.repeats)) });
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
  console.log(`The same shape for a PyTorch reference step (one thread): --threads 1 --d ${c.dModel} --layers ${c.nLayers} --heads ${c.nHeads} --ff ${c.dFF} --vocab ${c.vocabSize} --batch ${c.batch} --new ${c.newTokens} --prompt ${c.promptLen} --facts ${c.factsLen} --epochs ${c.ppoEpochs} --minibatch ${c.minibatch}`);
  return 0;
}
