// `train-rm`: trains a reward model (plain, or Fact-RM with --fact) from preference records,
// starting from the SFT policy; appends one JSON line per step to --out/metrics.jsonl as it goes
// (TRL's Trainer names), saves the model at the end or on Ctrl-C (SIGINT, SIGTERM: the last
// finished step's, exit 130/143) and ends with one JSON line: held-out accuracy, probe accuracy,
// the pair counts and the annotator's ceiling. With --dense it trains the sentence reward model
// from marks instead (a score at every sentence's end; engine/reward/dense.ts). The jobs
// themselves are the engine's.

import { COMMON_FLAGS, notes, type CommandSpec, type Flags } from '../args';
import { configFlags, flagProblem, valuesFromFlags, PAIR_FLAG_ALIASES, type ConfigFlagOptions } from '../config-flags';
import { initNodeBackend } from '../backend-node';
import { loadModelDir, saveModelDir } from '../model-files';
import { MetricsLog } from '../metrics-log';
import { Interruption } from '../interrupt';
import { labelCounts } from '../../engine/prefs/label';
import { HEADLINE_PROBE } from '../../engine/reward/probes';
import { checkRewardJob, planRewardJob, REWARD_JOB_FIELDS, rewardRunOf, type RewardJobConfig } from '../../engine/reward/config';
import { runRewardJob } from '../../engine/reward/job';
import type { RewardPoint } from '../../engine/reward/train-run';
import { runSentenceJob, planSentenceJob } from '../../engine/reward/dense-job';
import { SENTENCE_READOUT, type SentencePoint } from '../../engine/reward/dense';
import { readMarksFile, readPrefsFile } from './label';

/** One flag per knob of the job (--epochs, --batch-pairs, --readout, ...), but the kind and the trunk: --fact and --head-only say those. */
const FLAGS: ConfigFlagOptions<keyof RewardJobConfig> = { except: ['kind', 'trainTrunk'], defaults: true, aliases: PAIR_FLAG_ALIASES };
const CONFIG_FLAGS = configFlags(REWARD_JOB_FIELDS, FLAGS);

export const spec: CommandSpec = {
  name: 'train-rm',
  summary: 'Train a reward model (plain, or Fact-RM with --fact) from preference pairs, or a sentence reward model from marks (--dense), and save it.',
  usage: 'train-rm --in FILE [--dense] [--fact] --out DIR [--policy DIR] [--readout last|sum] [--epochs N] [--held-out-share SHARE]',
  flags: {
    in: { type: 'string', required: true, aliases: ['prefs'], help: 'preference file (JSONL, as `label` writes it), or with --dense a marks file (`label --mode mark`); bad lines are reported and skipped' },
    fact: { type: 'boolean', help: "Fact-RM: the scene's facts, sentences shuffled, go in front of the question" },
    dense: { type: 'boolean', help: 'sentence reward model: a score at the end of every sentence, trained on marks (each sentence true or false); --batch-pairs counts answers a step, --readout is not read' },
    pairwise: { type: 'string', help: 'with --dense: a pairwise reward model (train-rm without --dense) to score the same probe answers whole, for comparison' },
    out: { type: 'string', required: true, help: 'directory to save the reward model in' },
    policy: { ...COMMON_FLAGS.policy, help: 'SFT policy the trunk starts from' },
    ...CONFIG_FLAGS,
    'eval-every': { ...CONFIG_FLAGS['eval-every']!, help: 'held-out accuracy every N steps (0: a fifth of the run, at least 10)', default: 0 },
    'head-only': { type: 'boolean', help: 'train the score head alone (the trunk stays as the policy left it)' },
    backend: COMMON_FLAGS.backend,
    quiet: COMMON_FLAGS.quiet,
    json: COMMON_FLAGS.json,
  },
};

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

/**
 * A step's line under the names TRL's Trainer logs (loss, grad_norm, learning_rate, epoch; at
 * evaluations eval_loss), with the evaluation's other figures under `figures` (a null one left out).
 */
function stepLine(p: { step: number; loss: number; gradNorm: number; lr: number }, epochPerStep: number, heldOutLoss: number | undefined, figures: Record<string, number | null>): Record<string, unknown> {
  const line: Record<string, unknown> = { step: p.step, loss: r4(p.loss), grad_norm: r4(p.gradNorm), learning_rate: p.lr, epoch: r4(p.step * epochPerStep) };
  if (heldOutLoss !== undefined) {
    line.eval_loss = Number.isFinite(heldOutLoss) ? r4(heldOutLoss) : null;
    for (const [name, x] of Object.entries(figures)) if (x !== null) line[name] = r4(x);
  }
  return line;
}

/**
 * A pair-model step's line: TRL's eval_accuracy over the decided held-out pairs, and ours for
 * the pairs TRL has no name for (eval_tie_gap, eval_both_bad_below).
 */
function pointJson(p: RewardPoint, epochPerStep: number): Record<string, unknown> {
  const h = p.heldOut;
  return stepLine(p, epochPerStep, h?.loss, h ? { eval_accuracy: h.accuracy, eval_tie_gap: h.tieGap, eval_both_bad_below: h.bothBadBelow } : {});
}

/** The job's config from the flags, checked here, before --out is made for metrics.jsonl. */
function checkedConfig(flags: Flags): RewardJobConfig {
  const cfg = { ...valuesFromFlags(REWARD_JOB_FIELDS, flags, FLAGS), kind: flags.fact ? 'fact' : 'plain', trainTrunk: !flags['head-only'] } as RewardJobConfig;
  const problem = flagProblem('train-rm', checkRewardJob(cfg), FLAGS);
  if (problem) throw problem;
  return cfg;
}

/** How many lines of the input were bad and skipped, said when there are any. */
function noteSkipped(log: (m: string) => void, problems: readonly { line: number }[], inFile: string): number {
  const skipped = new Set(problems.map((p) => p.line)).size;
  if (skipped) log(`train-rm: ${skipped} bad lines in ${inFile} were skipped`);
  return skipped;
}

export async function run(flags: Flags): Promise<number> {
  if (flags.dense) return runDense(flags);
  const inFile = String(flags.in);
  const out = String(flags.out);
  const log = notes(flags);
  const cfg = checkedConfig(flags);

  const imported = readPrefsFile(inFile);
  const skippedLines = noteSkipped(log, imported.problems, inFile);
  const records = imported.records;
  if (records.length === 0) throw new Error(`no usable preference pairs in ${inFile}`);

  await initNodeBackend(String(flags.backend));
  const policyDir = String(flags.policy);
  const { model: policy } = loadModelDir(policyDir);
  const versions = new Set(records.map((r) => r.policyVersion));
  if (!versions.has(policy.version) || versions.size > 1) log(`train-rm: note: the pairs were sampled from ${[...versions].join(', ')}; the trunk starts from ${policy.version}`);
  const plan = planRewardJob(records, cfg);
  if (cfg.evalEvery === 0) cfg.evalEvery = Math.max(10, Math.round(plan.steps / 5));
  log(`train-rm: ${cfg.kind === 'fact' ? 'Fact-RM' : 'plain RM'} (score read at ${cfg.readout}) from ${policy.version}; ${plan.train.length} training pairs ${JSON.stringify(labelCounts(plan.train))} (${plan.usable} usable), ${plan.heldOut.length} held out; ${plan.steps} steps`);
  const metricsLog = new MetricsLog(out);
  const epochPerStep = plan.usable ? Math.min(cfg.batchPairs, plan.usable) / plan.usable : 0;
  const stop = new Interruption('train-rm');
  try {
    let res;
    try {
      res = await runRewardJob(policy, records, cfg, {
        control: stop.control,
        onPoint: (p) => {
          metricsLog.append(pointJson(p, epochPerStep));
          if (p.heldOut) log(`  step ${p.step}: loss ${p.loss.toFixed(3)}, held-out accuracy ${p.heldOut.accuracy?.toFixed(3) ?? '-'}, lr ${p.lr.toExponential(2)}`);
        },
      });
    } finally {
      policy.dispose();
    }
    const { ceiling, run: r } = res;
    const summary = {
      out,
      fact: cfg.kind === 'fact',
      readout: cfg.readout,
      heldOutAccuracy: r.heldOut.accuracy,
      trainAccuracy: r.train.accuracy,
      probeAccuracy: res.probes.pairAccuracy[HEADLINE_PROBE],
      probes: res.probes.pairAccuracy,
      pairs: {
        total: records.length, train: res.trainPairs, heldOut: res.heldOutPairs,
        heldOutDecided: r.heldOut.decided, labels: labelCounts(records), skippedLines, duplicates: imported.duplicates,
      },
      heldOut: { tieGap: r.heldOut.tieGap, bothBadBelow: r.heldOut.bothBadBelow, loss: r.heldOut.loss },
      ceiling: ceiling ? { accuracyCeiling: ceiling.accuracyCeiling, selfAgreement: ceiling.selfAgreement } : null,
      gapToCeiling: ceiling?.accuracyCeiling != null && r.heldOut.accuracy != null ? ceiling.accuracyCeiling - r.heldOut.accuracy : null,
      steps: r.steps,
      seconds: Math.round(res.seconds),
      ...stop.metadata(r.steps),
    };
    try {
      await saveModelDir(res.rm, out, {
        role: 'reward-model',
        rewardModel: { fact: cfg.kind === 'fact', readout: cfg.readout },
        policyVersion: res.info.policyVersion,
        prefs: inFile,
        command: `npm run cli -- train-rm --in ${inFile}${cfg.kind === 'fact' ? ' --fact' : ''} --readout ${cfg.readout} --out ${out} --policy ${policyDir} --seed ${cfg.seed}`,
        config: { ...rewardRunOf(cfg), heldOutShare: cfg.heldOutShare },
        ...stop.metadata(r.steps),
        result: summary,
      });
    } finally {
      res.rm.dispose();
    }
    log(`held-out accuracy ${summary.heldOutAccuracy?.toFixed(3) ?? '- (no decided held-out pairs)'} (ceiling ${ceiling?.accuracyCeiling?.toFixed(3) ?? '-'}), probe "${HEADLINE_PROBE}" ${summary.probeAccuracy.toFixed(3)}`);
    if (stop.interrupted) console.error(`train-rm: interrupted (${stop.signal}) after step ${r.steps}: the reward model is in ${out}/model.json, its metrics in ${metricsLog.path}`);
    console.log(JSON.stringify(summary));
    return stop.exitCode(0);
  } finally {
    stop.close();
  }
}

/** A sentence-model step's line: at evaluations the held-out per-sentence accuracy, its always-true base rate and the share of false sentences caught. */
function sentencePointJson(p: SentencePoint, epochPerStep: number): Record<string, unknown> {
  const h = p.heldOut;
  return stepLine(p, epochPerStep, h?.loss, h ? { eval_accuracy: h.accuracy, eval_always_true: h.alwaysTrue, eval_false_caught: h.falseCaught } : {});
}

const pct = (x: number | null) => (x === null ? '-' : `${(100 * x).toFixed(1)}%`);

/** `--dense`: the sentence reward model from marks; the same metrics, Ctrl-C and save as the pair mode. */
async function runDense(flags: Flags): Promise<number> {
  const inFile = String(flags.in);
  const out = String(flags.out);
  const log = notes(flags);
  const cfg = checkedConfig(flags);

  const imported = readMarksFile(inFile);
  const skippedLines = noteSkipped(log, imported.problems, inFile);
  const marks = imported.marks;
  if (marks.length === 0) throw new Error(`no usable marks in ${inFile}`);

  await initNodeBackend(String(flags.backend));
  const policyDir = String(flags.policy);
  const { model: policy } = loadModelDir(policyDir);
  const policyVersion = policy.version;
  let pairwise: { rm: ReturnType<typeof loadModelDir>['model']; fact: boolean } | undefined;
  if (flags.pairwise !== undefined) {
    const { model, manifest } = loadModelDir(String(flags.pairwise));
    const meta = manifest.metadata.rewardModel as { fact?: unknown; kind?: unknown } | undefined;
    if (meta?.kind === 'dense') throw new Error(`train-rm: --pairwise ${String(flags.pairwise)} is a sentence reward model; give a pairwise one`);
    pairwise = { rm: model, fact: meta?.fact === true };
  }
  const plan = planSentenceJob(marks, cfg);
  if (cfg.evalEvery === 0) cfg.evalEvery = Math.max(10, Math.round(plan.steps / 5));
  const sentences = (ms: typeof plan.trainItems) => ms.reduce((n, m) => n + m.truth.length, 0);
  log(`train-rm: sentence ${cfg.kind === 'fact' ? 'Fact-RM' : 'RM'} from ${policy.version}; ${plan.trainItems.length} training answers (${sentences(plan.trainItems)} sentences), ${plan.heldOutItems.length} held out (${sentences(plan.heldOutItems)} sentences); ${plan.steps} steps`);
  const metricsLog = new MetricsLog(out);
  const epochPerStep = plan.trainItems.length ? Math.min(cfg.batchPairs, plan.trainItems.length) / plan.trainItems.length : 0;
  const stop = new Interruption('train-rm');
  try {
    let res;
    try {
      res = await runSentenceJob(policy, marks, cfg, {
        control: stop.control,
        onPoint: (p) => {
          metricsLog.append(sentencePointJson(p, epochPerStep));
          if (p.heldOut) log(`  step ${p.step}: loss ${p.loss.toFixed(3)}, held-out sentence accuracy ${pct(p.heldOut.accuracy)} (always true ${pct(p.heldOut.alwaysTrue)}), lr ${p.lr.toExponential(2)}`);
        },
      }, pairwise);
    } finally {
      policy.dispose();
      pairwise?.rm.dispose();
    }
    const { run: r } = res;
    const summary = {
      out,
      dense: true,
      fact: cfg.kind === 'fact',
      readout: SENTENCE_READOUT,
      heldOutSentences: r.heldOut.sentences,
      heldOutAccuracy: r.heldOut.accuracy,
      alwaysTrue: r.heldOut.alwaysTrue,
      heldOutFalseCaught: r.heldOut.falseCaught,
      heldOutTrueKept: r.heldOut.trueKept,
      trainAccuracy: r.train.accuracy,
      heldOutLoss: r.heldOut.loss,
      answers: { total: marks.length, train: res.trainAnswers, heldOut: res.heldOutAnswers, skippedLines, duplicates: imported.duplicates },
      probe: res.probe,
      steps: r.steps,
      seconds: Math.round(res.seconds),
      ...stop.metadata(r.steps),
    };
    try {
      await saveModelDir(res.rm, out, {
        role: 'reward-model',
        rewardModel: { kind: 'dense', fact: cfg.kind === 'fact', readout: SENTENCE_READOUT },
        policyVersion,
        marks: inFile,
        command: `npm run cli -- train-rm --dense --in ${inFile}${cfg.kind === 'fact' ? ' --fact' : ''} --out ${out} --policy ${policyDir} --seed ${cfg.seed}`,
        config: { ...rewardRunOf(cfg), heldOutShare: cfg.heldOutShare },
        ...stop.metadata(r.steps),
        result: summary,
      });
    } finally {
      res.rm.dispose();
    }
    log(`${r.steps} steps; ${r.heldOut.sentences} held-out sentences: accuracy ${pct(r.heldOut.accuracy)} against ${pct(r.heldOut.alwaysTrue)} for always "true"; one false sentence among true ones: below 0 in ${pct(res.probe.falseBelowZero)} of ${res.probe.items} scenes`);
    if (stop.interrupted) console.error(`train-rm: interrupted (${stop.signal}) after step ${r.steps}: the sentence reward model is in ${out}/model.json, its metrics in ${metricsLog.path}`);
    console.log(JSON.stringify(summary));
    return stop.exitCode(0);
  } finally {
    stop.close();
  }
}
