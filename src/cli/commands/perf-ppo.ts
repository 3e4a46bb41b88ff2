// `perf ppo`: milliseconds per PPO step of the default config on fresh models of a model preset,
// split by phase, and the rollout's tokens per second; --profile adds a step run under the kernel
// profiler, split by phase (kernels, matMul and other milliseconds, top kernels); --json prints one
// object (msPerStep, phases, tokensPerSec, config, profile) whose config holds the shape to give
// the PyTorch reference. --reference CMD runs that reference in the same command, after the
// steps here: CMD with the shape's flags appended, whose last JSON line gives its median phases
// (`ms_median`: sample, score, advantage, update, total); both are printed with their ratio.

import { spawnSync } from 'node:child_process';
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
  const reference = typeof flags.reference === 'string' ? runReference(flags.reference, r) : undefined;
  if (flags.json) {
    console.log(JSON.stringify({ ...r, model: preset, ...(reference && { reference }) }));
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
  console.log(`  as its flags (one thread): ${referenceFlags(c).join(' ')}`);
  if (reference) printReference(reference, r);
  if (r.profile) printPpoProfile(r.profile);
  return 0;
}

/** The reference's flags for a step's shape, one thread. */
export function referenceFlags(c: PpoPerfReport['config']): string[] {
  return ['--threads', '1', '--d', c.dModel, '--layers', c.nLayers, '--heads', c.nHeads, '--ff', c.dFF, '--vocab', c.vocabSize, '--batch', c.batch, '--new', c.newTokens, '--prompt', c.promptLen, '--facts', c.factsLen, '--epochs', c.ppoEpochs, '--minibatch', c.minibatch].map(String);
}

/** What the reference printed, and this step's ratio to it. */
export interface ReferenceRun {
  command: string;
  /** Its median milliseconds: sample, score, advantage, update, total. */
  msMedian: { sample: number; score: number; advantage: number; update: number; total: number };
  /** This step's milliseconds over the reference's total. */
  ratio: number;
}

/** Runs the reference command with the step's shape appended and reads its last JSON line; throws a UsageError that says what went wrong. */
export function runReference(command: string, r: PpoPerfReport): ReferenceRun {
  const full = `${command} ${referenceFlags(r.config).join(' ')}`;
  const res = spawnSync(full, { shell: true, encoding: 'utf8', timeout: 600_000 });
  if (res.error) throw new UsageError(`perf: --reference could not run "${full}": ${res.error.message}`);
  if (res.status !== 0) throw new UsageError(`perf: --reference "${full}" exited with ${res.status ?? res.signal}: ${(res.stderr || res.stdout).trim().split('\n').slice(-3).join(' | ')}`);
  const line = res.stdout.trim().split('\n').reverse().find((l) => l.trim().startsWith('{'));
  let parsed: unknown;
  try {
    parsed = line === undefined ? undefined : JSON.parse(line);
  } catch {
    parsed = undefined;
  }
  const ms = (parsed as { ms_median?: Record<string, unknown> } | undefined)?.ms_median;
  const keys = ['sample', 'score', 'advantage', 'update', 'total'] as const;
  const missing = keys.filter((k) => typeof ms?.[k] !== 'number' || !Number.isFinite(ms[k]));
  if (!ms || missing.length) throw new UsageError(`perf: --reference "${full}" printed no JSON line with ms_median.${missing[0] ?? 'total'} (its last line: ${JSON.stringify(res.stdout.trim().split('\n').at(-1) ?? '')})`);
  const msMedian = Object.fromEntries(keys.map((k) => [k, ms[k] as number])) as ReferenceRun['msMedian'];
  if (!(msMedian.total > 0)) throw new UsageError(`perf: --reference "${full}" gave a total of ${msMedian.total} ms; it must be above 0`);
  return { command: full, msMedian, ratio: r.msPerStep / msMedian.total };
}

function printReference(ref: ReferenceRun, r: PpoPerfReport): void {
  const m = ref.msMedian;
  const p = r.phases;
  const row = (label: string, ours: number, theirs: number) => console.log(`  ${label.padEnd(22)} ${ours.toFixed(0).padStart(7)} ms ${theirs.toFixed(0).padStart(7)} ms ${(ours / theirs).toFixed(2).padStart(7)}×`);
  console.log('');
  console.log(`Against the reference, run after the steps above: ${ref.command}`);
  console.log(`  ${'phase'.padEnd(22)} ${'here'.padStart(10)} ${'reference'.padStart(10)} ${'ratio'.padStart(8)}`);
  row('rollout', p.rollout, m.sample);
  row('scoring', p.forward + p.rewards, m.score);
  row('update', p.update, m.update);
  row('step', r.msPerStep, m.total);
  console.log(`  a step here takes ${ref.ratio.toFixed(2)}× the reference's (${r.msPerStep.toFixed(0)} ms against ${m.total.toFixed(0)} ms)`);
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
