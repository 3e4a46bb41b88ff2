// `rm-bench`: the reward-model benchmark. For each seed, label a pool of policy pairs with a
// simulated annotator, train plain and Fact-RMs on 100, 300, 1000 of them, and print held-out
// accuracy, the probe "short correct > long hallucinated", the annotator's ceiling and speed.

import { UsageError, type CommandSpec, type Flags } from '../args';
import { initNodeBackend } from '../backend-node';
import { loadModelDir } from '../model-files';
import { ANNOTATOR_NAMES, type AnnotatorName } from '../../engine/prefs/annotator';
import { RM_BENCH_DEFAULTS, runRmBench, type RmBenchReport, type RmKind } from '../../engine/reward/bench';
import { PROBE_PAIRS } from '../../engine/reward/probes';
import { REWARD_RUN_DEFAULTS } from '../../engine/reward/train-run';
import { readoutFlag } from './train-rm';
import { describePerception, PERCEPTION_FLAGS, perceptionFromFlags } from '../perception-flags';
import { SCORE_READOUTS } from '../../engine/model/config';
import { policyVersionOf } from './label';

export const spec: CommandSpec = {
  name: 'rm-bench',
  summary: 'Benchmark plain RM vs Fact-RM: held-out accuracy and the hallucination probe for several label counts and seeds.',
  usage: 'rm-bench --policy DIR [--sizes 100,300,1000] [--seeds 1,2,3] [--held-out N] [--readout last|sum] [--mix SHARE] [--noise N] [--json]',
  flags: {
    policy: { type: 'string', help: 'SFT policy: samples the pairs and starts every reward model', default: 'models/sft' },
    sizes: { type: 'string', help: 'training-set sizes in pairs, comma-separated', default: RM_BENCH_DEFAULTS.sizes.join(',') },
    seeds: { type: 'string', help: 'seeds, comma-separated', default: RM_BENCH_DEFAULTS.seeds.join(',') },
    'held-out': { type: 'number', help: 'held-out pairs per seed', default: RM_BENCH_DEFAULTS.heldOut },
    annotator: { type: 'string', help: `simulated annotator: ${ANNOTATOR_NAMES.join(', ')}`, default: RM_BENCH_DEFAULTS.annotator },
    kinds: { type: 'string', help: 'reward models to train: plain, fact or both', default: RM_BENCH_DEFAULTS.kinds.join(',') },
    'probe-n': { type: 'number', help: 'probe scenes per run', default: RM_BENCH_DEFAULTS.probeItems },
    epochs: { type: 'number', help: 'passes over the training pairs', default: REWARD_RUN_DEFAULTS.epochs },
    'min-steps': { type: 'number', help: 'at least this many steps per run', default: REWARD_RUN_DEFAULTS.minSteps },
    lr: { type: 'number', help: 'peak learning rate', default: REWARD_RUN_DEFAULTS.optim.lr },
    readout: { type: 'string', help: `where the reward models read their score: ${SCORE_READOUTS.join(' or ')} (last token, or summed over the response)`, default: RM_BENCH_DEFAULTS.readout },
    mix: { type: 'number', help: 'share of pairs made as (policy answer, the same with one hallucinated object)', default: 0 },
    ...PERCEPTION_FLAGS,
    json: { type: 'boolean', help: 'print only the final JSON line' },
    backend: { type: 'string', help: 'wasm or cpu', default: 'wasm' },
  },
};

function intList(flags: Flags, name: string, min: number): number[] {
  const raw = String(flags[name]);
  const xs = raw.split(',').map((s) => Number(s.trim()));
  if (xs.length === 0 || xs.some((x) => !Number.isInteger(x) || x < min)) throw new UsageError(`rm-bench: --${name} must be whole numbers ≥ ${min}, comma-separated; got "${raw}"`);
  return xs;
}

const pct = (x: number | null | undefined) => (x == null ? '   -  ' : `${(100 * x).toFixed(1).padStart(5)}%`);
const pm = (s: { mean: number; sd: number } | null) => (s ? `${pct(s.mean)} ± ${(100 * s.sd).toFixed(1).padStart(4)}` : '      -       ');

/** Prints the benchmark table. */
export function printRmBench(rep: RmBenchReport): void {
  const ceilings = rep.ceilings.flatMap((c) => (c.accuracyCeiling === null ? [] : [c.accuracyCeiling]));
  const ceiling = ceilings.length ? ceilings.reduce((a, x) => a + x, 0) / ceilings.length : null;
  console.log('mean ± sd over seeds; probe: short correct > long hallucinated; same-length probe: long correct > long hallucinated');
  console.log('pairs  model   held-out accuracy (decided)  below ceiling   probe            same-length probe');
  for (const s of rep.summary) {
    const gap = ceiling !== null && s.heldOut ? `${(100 * (ceiling - s.heldOut.mean)).toFixed(1).padStart(5)} points` : '     -      ';
    console.log(`${String(s.size).padStart(5)}  ${s.kind.padEnd(6)}  ${pm(s.heldOut)} (${s.heldOutDecided.toFixed(0).padStart(4)})    ${gap}    ${pm(s.probe)}   ${pm(s.sameLengthProbe)}`);
  }
  const sizes = [...new Set(rep.summary.map((s) => s.size))];
  for (const size of sizes) {
    const plain = rep.summary.find((s) => s.size === size && s.kind === 'plain');
    const fact = rep.summary.find((s) => s.size === size && s.kind === 'fact');
    if (plain && fact) console.log(`${String(size).padStart(5)}  Fact-RM − plain: held-out ${plain.heldOut && fact.heldOut ? `${(100 * (fact.heldOut.mean - plain.heldOut.mean)).toFixed(1)} points` : '-'}, probe ${(100 * (fact.probe.mean - plain.probe.mean)).toFixed(1)} points`);
  }
  console.log('every probe, share of scenes where the first answer scores higher (mean over seeds):');
  console.log(`pairs  model   ${PROBE_PAIRS.map((p) => p.name.padStart(p.name.length)).join('   ')}`);
  for (const s of rep.summary) console.log(`${String(s.size).padStart(5)}  ${s.kind.padEnd(6)}  ${PROBE_PAIRS.map((p) => pct(s.probes[p.name]).padStart(p.name.length)).join('   ')}`);
  for (const c of rep.ceilings) console.log(`ceiling, seed ${c.seed}: annotator agrees with itself on ${pct(c.selfAgreement)} of ${c.pairs} held-out pairs; best possible accuracy on their ${c.decided} decided pairs ${pct(c.accuracyCeiling)} (expected ${pct(c.expectedAccuracyCeiling)})`);
  const l = rep.labelling;
  console.log(`labelling: ${l.annotatorPairsPerSecond.toFixed(0)} pairs/s by the simulated annotator, ${l.samplingPairsPerSecond.toFixed(1)} pairs/s sampled from the policy; ${l.dropped} prompts dropped; labels ${JSON.stringify(l.labels)}`);
}

export async function run(flags: Flags): Promise<number> {
  const sizes = intList(flags, 'sizes', 1);
  const seeds = intList(flags, 'seeds', 0);
  const heldOut = Number(flags['held-out']);
  if (!Number.isInteger(heldOut) || heldOut < 1) throw new UsageError('rm-bench: --held-out must be a whole number ≥ 1');
  const annotator = String(flags.annotator);
  if (!(ANNOTATOR_NAMES as string[]).includes(annotator)) throw new UsageError(`rm-bench: --annotator must be one of ${ANNOTATOR_NAMES.join(', ')}`);
  const kinds = String(flags.kinds).split(',').map((s) => s.trim());
  if (kinds.length === 0 || kinds.some((k) => k !== 'plain' && k !== 'fact')) throw new UsageError('rm-bench: --kinds must be plain, fact or plain,fact');
  const probeN = Number(flags['probe-n']);
  if (!Number.isInteger(probeN) || probeN < 1) throw new UsageError('rm-bench: --probe-n must be a whole number ≥ 1');
  const mix = Number(flags.mix);
  if (!(mix >= 0 && mix <= 1)) throw new UsageError('rm-bench: --mix must be in [0, 1]');
  const lr = Number(flags.lr);
  if (!(lr > 0)) throw new UsageError('rm-bench: --lr must be > 0');
  const readout = readoutFlag(flags, 'rm-bench');
  const perception = perceptionFromFlags(flags, 'rm-bench');
  const log = flags.json ? () => {} : (s: string) => console.error(s);

  await initNodeBackend(String(flags.backend));
  const dir = String(flags.policy);
  const { model, manifest } = loadModelDir(dir);
  const policyVersion = policyVersionOf(dir, manifest);
  log(`rm-bench: ${policyVersion}, annotator ${annotator}, score read at ${readout}, images at ${describePerception(perception)}, sizes ${sizes.join('/')}, seeds ${seeds.join('/')}, ${heldOut} held-out pairs per seed`);
  const started = performance.now();
  const rep = await runRmBench(model, policyVersion, {
    sizes, seeds, heldOut, annotator: annotator as AnnotatorName, kinds: kinds as RmKind[], probeItems: probeN, readout, perception,
    sampling: { mix },
    run: { epochs: Number(flags.epochs), minSteps: Number(flags['min-steps']), optim: { ...REWARD_RUN_DEFAULTS.optim, lr } },
  }, log);
  model.dispose();
  if (!flags.json) printRmBench(rep);
  console.log(JSON.stringify({ policyVersion, annotator, readout, perception, mix, seconds: Math.round((performance.now() - started) / 1000), summary: rep.summary, ceilings: rep.ceilings, labelling: rep.labelling, rows: rep.rows }));
  return 0;
}
