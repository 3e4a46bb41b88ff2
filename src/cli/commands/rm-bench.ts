// `rm-bench`: the reward-model benchmark. For each seed, label a pool of policy pairs with a
// simulated annotator, train plain and Fact-RMs on 100, 300, 1000 of them, and print held-out
// accuracy, the probe "short correct > long hallucinated", the annotator's ceiling and speed.

import { COMMON_FLAGS, notes, UsageError, type CommandSpec, type Flags } from '../args';
import { initNodeBackend } from '../backend-node';
import { loadModelDir } from '../model-files';
import { ANNOTATOR_NAMES, type AnnotatorName } from '../../engine/prefs/annotator';
import { RM_BENCH_DEFAULTS, runRmBench, type RmBenchReport, type RmKind } from '../../engine/reward/bench';
import { PROBE_PAIRS } from '../../engine/reward/probes';
import { REWARD_JOB_FIELDS as F, REWARD_RUN_DEFAULTS } from '../../engine/reward/config';
import { describePerception, PERCEPTION_FLAGS, perceptionFromFlags } from '../perception-flags';
import { SCORE_READOUTS, type ScoreReadout } from '../../engine/model/config';

export const spec: CommandSpec = {
  name: 'rm-bench',
  summary: 'Benchmark plain RM vs Fact-RM: held-out accuracy and the hallucination probe for several label counts and seeds.',
  usage: 'rm-bench --policy DIR [--sizes 100,300,1000] [--seeds 1,2,3] [--held-out N] [--readout last|sum] [--mix SHARE] [--degenerate SHARE] [--noise N] [--json]',
  flags: {
    policy: { ...COMMON_FLAGS.policy, help: 'SFT policy: samples the pairs and starts every reward model' },
    sizes: { type: 'string', help: 'training-set sizes in pairs, comma-separated', default: RM_BENCH_DEFAULTS.sizes.join(',') },
    seeds: { type: 'string', help: 'seeds, comma-separated', default: RM_BENCH_DEFAULTS.seeds.join(',') },
    'held-out': { type: 'number', help: 'held-out pairs per seed', default: RM_BENCH_DEFAULTS.heldOut, bound: { integer: true, min: 1 } },
    annotator: { type: 'string', help: 'simulated annotator', default: RM_BENCH_DEFAULTS.annotator, choices: ANNOTATOR_NAMES },
    kinds: { type: 'string', help: 'reward models to train: plain, fact or both', default: RM_BENCH_DEFAULTS.kinds.join(','), choices: ['plain', 'fact', 'plain,fact', 'fact,plain'] },
    'probe-n': { type: 'number', help: 'probe scenes per run', default: RM_BENCH_DEFAULTS.probeItems, bound: F.probeItems.bound },
    epochs: { type: 'number', help: 'passes over the training pairs', default: REWARD_RUN_DEFAULTS.epochs, bound: F.epochs.bound },
    'min-steps': { type: 'number', help: 'at least this many steps per run', default: REWARD_RUN_DEFAULTS.minSteps, bound: F.minSteps.bound },
    lr: { type: 'number', help: 'peak learning rate', default: REWARD_RUN_DEFAULTS.optim.lr, bound: F.lr.bound },
    readout: { type: 'string', help: 'where the reward models read their score: the last token, or the sum over the response', default: RM_BENCH_DEFAULTS.readout, choices: SCORE_READOUTS },
    mix: { type: 'number', help: 'share of pairs made as (policy answer, the same with one hallucinated object)', default: 0, bound: { min: 0, max: 1 } },
    degenerate: { type: 'number', help: 'share of pairs made as (policy answer, a degenerate answer: empty, "i am not sure ." or the answer scrambled); mix + degenerate ≤ 1', default: 0, bound: { min: 0, max: 1 } },
    ...PERCEPTION_FLAGS,
    json: COMMON_FLAGS.json,
    quiet: COMMON_FLAGS.quiet,
    backend: COMMON_FLAGS.backend,
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
  console.log('mean ± sd over seeds; probe: short correct > long hallucinated; same-length probe: long correct > long hallucinated; small-detail probe: true small detail > false small detail');
  console.log('pairs  model   held-out accuracy (decided)  below ceiling   probe            same-length probe   small-detail probe');
  for (const s of rep.summary) {
    const gap = ceiling !== null && s.heldOut ? `${(100 * (ceiling - s.heldOut.mean)).toFixed(1).padStart(5)} points` : '     -      ';
    console.log(`${String(s.size).padStart(5)}  ${s.kind.padEnd(6)}  ${pm(s.heldOut)} (${s.heldOutDecided.toFixed(0).padStart(4)})    ${gap}    ${pm(s.probe)}   ${pm(s.sameLengthProbe)}      ${pm(s.smallDetailProbe)}`);
  }
  const sizes = [...new Set(rep.summary.map((s) => s.size))];
  for (const size of sizes) {
    const plain = rep.summary.find((s) => s.size === size && s.kind === 'plain');
    const fact = rep.summary.find((s) => s.size === size && s.kind === 'fact');
    if (plain && fact) console.log(`${String(size).padStart(5)}  Fact-RM − plain: held-out ${plain.heldOut && fact.heldOut ? `${(100 * (fact.heldOut.mean - plain.heldOut.mean)).toFixed(1)} points` : '-'}, probe ${(100 * (fact.probe.mean - plain.probe.mean)).toFixed(1)} points, small-detail probe ${(100 * (fact.smallDetailProbe.mean - plain.smallDetailProbe.mean)).toFixed(1)} points`);
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
  const annotator = String(flags.annotator) as AnnotatorName;
  const kinds = String(flags.kinds).split(',') as RmKind[];
  const mix = Number(flags.mix);
  const degenerate = Number(flags.degenerate);
  const readout = String(flags.readout) as ScoreReadout;
  const perception = perceptionFromFlags(flags, 'rm-bench');
  const log = flags.json ? () => {} : notes(flags);

  await initNodeBackend(String(flags.backend));
  const { model } = loadModelDir(String(flags.policy));
  const policyVersion = model.version;
  log(`rm-bench: ${policyVersion}, annotator ${annotator}, score read at ${readout}, images at ${describePerception(perception)}, sizes ${sizes.join('/')}, seeds ${seeds.join('/')}, ${heldOut} held-out pairs per seed`);
  const started = performance.now();
  const rep = await runRmBench(model, policyVersion, {
    sizes, seeds, heldOut, annotator, kinds, probeItems: Number(flags['probe-n']), readout, perception,
    sampling: { mix, degenerate },
    run: { epochs: Number(flags.epochs), minSteps: Number(flags['min-steps']), optim: { ...REWARD_RUN_DEFAULTS.optim, lr: Number(flags.lr) } },
  }, log);
  model.dispose();
  if (!flags.json) printRmBench(rep);
  console.log(JSON.stringify({ policyVersion, annotator, readout, perception, mix, degenerate, seconds: Math.round((performance.now() - started) / 1000), summary: rep.summary, ceilings: rep.ceilings, labelling: rep.labelling, rows: rep.rows }));
  return 0;
}
