// `dpo`: tunes a policy with DPO on preference labels (engine dpo/job.ts), or with dense DPO on
// marked answers (--marks: RLHF-V's DDPO, engine dpo/dense.ts), the reference a frozen copy of the
// starting (SFT) policy; every DpoConfig knob a flag, and --ddpo-weight. Appends one JSON line per step to
// --out/metrics.jsonl as it goes (TRL's DPO names, gold figures where measured), writes the tuned
// policy there at the end or on Ctrl-C (SIGINT, SIGTERM: the last finished step's, exit 130/143),
// and prints a summary as its last line.

import { COMMON_FLAGS, notes, UsageError, type CommandSpec, type Flags } from '../args';
import { configFlags, valuesFromFlags, flagProblem, PAIR_FLAG_ALIASES, type ConfigFlagOptions } from '../config-flags';
import { initNodeBackend } from '../backend-node';
import { loadModelDir, saveModelDir } from '../model-files';
import { MetricsLog } from '../metrics-log';
import { Interruption } from '../interrupt';
import { readMarksFile, readPrefsFile } from './label';
import { labelCounts } from '../../engine/prefs/label';
import { checkDenseDpoConfig, checkDpoConfig, DENSE_DPO_DEFAULTS, DENSE_DPO_FIELDS, DPO_DEFAULTS, DPO_FIELDS, planDpoJob, type DenseDpoConfig, type DpoConfig } from '../../engine/dpo/config';
import { planDenseDpoJob } from '../../engine/dpo/dense';
import { runDenseDpoJob, runDpoJob, type DpoGold, type DpoJobResult, type DpoPoint } from '../../engine/dpo/job';
import type { JobHooks } from '../../engine/train/job';
import type { VlmModel } from '../../engine/model/model';

/**
 * One flag per DpoConfig field (--beta, --batch-pairs, --both-bad-weight, ...), with train-rm's
 * spellings of the knobs both have; unset unless given, so that the defaults are those of the job
 * the input picks (with --marks, the dense job's β).
 */
const FLAGS: ConfigFlagOptions<keyof DpoConfig> = {
  aliases: PAIR_FLAG_ALIASES,
  help: (f) => `${f.tooltip} (default ${f.name === 'beta' ? `${DPO_DEFAULTS.beta}; with --marks ${DENSE_DPO_DEFAULTS.beta}` : String(f.default)}${f.name === 'tieWeight' || f.name === 'bothBadWeight' ? '; not with --marks' : ''})`,
};
/** Dense DPO's own knob. */
const DENSE_FLAGS: ConfigFlagOptions<keyof DenseDpoConfig> = { only: ['ddpoWeight'], help: (f) => `with --marks: ${f.tooltip} (default ${String(f.default)})` };

export const spec: CommandSpec = {
  name: 'dpo',
  summary: 'Tune a policy with DPO on preference labels, or with dense DPO on marked answers (no reward model, no sampling); write it and its metrics.',
  usage: 'dpo --policy DIR --in prefs.jsonl --out DIR [--beta 0.1] [--epochs N] [--lr X] ...\n       npm run cli -- dpo --policy DIR --marks marks.jsonl --out DIR [--ddpo-weight 5] [--beta 0.5] ...',
  flags: {
    policy: { ...COMMON_FLAGS.policy, help: 'the SFT policy to start from; a frozen copy of it is the reference' },
    in: { type: 'string', aliases: ['prefs'], help: 'preference file (JSONL, as `label` writes it); bad lines are reported and skipped (this or --marks)' },
    marks: { type: 'string', help: 'marks file (JSONL, as `label --mode mark` writes it): dense DPO on the corrected pairs, the corrected and the marked-false tokens weighted --ddpo-weight; bad lines are reported and skipped (this or --in)' },
    out: { type: 'string', required: true, help: 'directory for the tuned policy and metrics.jsonl' },
    ...configFlags(DPO_FIELDS, FLAGS),
    ...configFlags(DENSE_DPO_FIELDS, DENSE_FLAGS),
    backend: COMMON_FLAGS.backend,
    quiet: COMMON_FLAGS.quiet,
    json: { ...COMMON_FLAGS.json, help: 'print every step as a JSON line on stdout, then the summary' },
  },
};

const r4 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? x : Math.round(x * 1e4) / 1e4);
const goldJson = (g: DpoGold) => ({ ...g.gold, ...(g.kl !== undefined ? { kl: r4(g.kl) } : {}) });

/**
 * A step's line under the names TRL's DPOTrainer logs (loss, grad_norm, learning_rate, epoch, the
 * minibatch's rewards/* and logps/*, the held-out figures as eval_*), plus the gold figures and
 * the KL from the reference where measured. `epochPerStep`: the share of the training pairs a step
 * sees (no epoch without it).
 */
export function pointJson(p: DpoPoint, epochPerStep?: number): Record<string, unknown> {
  const line: Record<string, unknown> = { step: p.step };
  if (p.loss !== undefined) Object.assign(line, { loss: r4(p.loss), grad_norm: r4(p.gradNorm), learning_rate: p.lr }, epochPerStep !== undefined ? { epoch: r4(p.step * epochPerStep) } : {});
  for (const [k, v] of Object.entries(p.metrics ?? {})) line[k] = r4(v);
  if (p.heldOut?.stats) {
    line.eval_loss = r4(p.heldOut.loss);
    for (const [k, v] of Object.entries(p.heldOut.stats)) line[`eval_${k}`] = r4(v);
  }
  if (p.gold) Object.assign(line, p.gold.gold, p.gold.kl !== undefined ? { 'objective/kl': r4(p.gold.kl) } : {});
  if (p.nonFinite) line.nonFinite = p.nonFinite;
  return line;
}

/** What a run trains on, and how: the plain job on preference pairs, or the dense one on marks. */
interface Source {
  /** The input flag and file, as the saved policy's metadata and command name them. */
  flag: 'in' | 'marks';
  file: string;
  recipe: 'dpo' | 'ddpo';
  config: DpoConfig | DenseDpoConfig;
  /** The plan's line on stderr. */
  planLine: (version: string) => string;
  /** Usable training pairs (an epoch's worth). */
  usable: number;
  batchPairs: number;
  pairs: Record<string, unknown>;
  run: (reference: VlmModel, hooks: JobHooks<DpoPoint>) => Promise<DpoJobResult>;
}

/** Reads --in or --marks, checks the config against the job's table and plans the run. Throws a usage error naming the flag at fault. */
function sourceOf(flags: Flags): Source {
  if (flags.in !== undefined && flags.marks !== undefined) throw new UsageError('dpo: give --in (preference pairs: DPO) or --marks (marked answers: dense DPO), not both');
  if (flags.in === undefined && flags.marks === undefined) throw new UsageError('dpo: --in is required (preference pairs, for DPO), or --marks (marked answers, for dense DPO)');
  if (flags.in !== undefined) {
    if (flags['ddpo-weight'] !== undefined) throw new UsageError('dpo: --ddpo-weight is for dense DPO on --marks; plain DPO on --in has no token weights');
    const cfg = { ...DPO_DEFAULTS, ...valuesFromFlags(DPO_FIELDS, flags, FLAGS) } as DpoConfig;
    const problem = flagProblem('dpo', checkDpoConfig(cfg), FLAGS);
    if (problem) throw problem;
    const file = String(flags.in);
    const records = readPrefsFile(file).records;
    if (records.length === 0) throw new Error(`no usable preference pairs in ${file}`);
    const plan = planDpoJob(records, cfg);
    return {
      flag: 'in', file, recipe: 'dpo', config: cfg, usable: plan.usable, batchPairs: cfg.batchPairs,
      planLine: (version) => `dpo: β ${cfg.beta} from ${version}; ${plan.train.length} training pairs ${JSON.stringify(labelCounts(plan.train))} (${plan.usable} usable), ${plan.heldOut.length} held out; ${plan.steps} steps of ${cfg.batchPairs} pairs`,
      pairs: { total: records.length, train: plan.train.length, usable: plan.usable, heldOut: plan.heldOut.length, labels: labelCounts(records) },
      run: (reference, hooks) => runDpoJob(reference, records, cfg, hooks),
    };
  }
  for (const k of ['tie-weight', 'both-bad-weight'] as const) if (flags[k] !== undefined) throw new UsageError(`dpo: --${k} is for preference pairs (--in); every corrected pair of --marks is decided`);
  const given = valuesFromFlags(DPO_FIELDS, flags, FLAGS);
  const cfg = { ...DENSE_DPO_DEFAULTS, ...given, ...valuesFromFlags(DENSE_DPO_FIELDS, flags, DENSE_FLAGS) } as DenseDpoConfig;
  const problem = flagProblem('dpo', checkDenseDpoConfig(cfg));
  if (problem) throw problem;
  const file = String(flags.marks);
  const marks = readMarksFile(file).marks;
  if (marks.length === 0) throw new Error(`no usable marks in ${file}`);
  const plan = planDenseDpoJob(marks, cfg);
  return {
    flag: 'marks', file, recipe: 'ddpo', config: cfg, usable: plan.usable, batchPairs: cfg.batchPairs,
    planLine: (version) => `dpo: dense, γ ${cfg.ddpoWeight}, β ${cfg.beta} from ${version}; ${marks.length} marks: ${plan.train.length + plan.heldOut.length} corrected pairs (${plan.unmarked} marks with nothing marked false, ${plan.uncorrected} marked but not corrected), ${plan.train.length} training, ${plan.heldOut.length} held out; ${plan.steps} steps of ${cfg.batchPairs} pairs`,
    pairs: { marks: marks.length, total: plan.train.length + plan.heldOut.length, train: plan.train.length, usable: plan.usable, heldOut: plan.heldOut.length, unmarked: plan.unmarked, uncorrected: plan.uncorrected },
    run: (reference, hooks) => runDenseDpoJob(reference, marks, cfg, hooks),
  };
}

export async function run(flags: Flags): Promise<number> {
  const log = notes(flags);
  const src = sourceOf(flags);
  const cfg = src.config;
  const out = String(flags.out);

  await initNodeBackend(String(flags.backend));
  const policyDir = String(flags.policy);
  const { model: reference } = loadModelDir(policyDir);
  const stop = new Interruption('dpo');
  try {
    log(src.planLine(reference.version));
    const metricsLog = new MetricsLog(out);
    const epochPerStep = src.usable > 0 ? Math.min(src.batchPairs, src.usable) / src.usable : undefined;
    const res = await src.run(reference, {
      control: stop.control,
      onPoint: (p) => {
        const line = metricsLog.append(pointJson(p, epochPerStep));
        if (flags.json) console.log(line);
        if (p.gold) log(`  step ${p.step}: gold true and informative ${(100 * p.gold.gold['gold/true_informative']).toFixed(1)}%, hallucination ${(100 * p.gold.gold['gold/hallucination_rate']).toFixed(1)}%, no answer ${(100 * p.gold.gold['gold/no_answer_rate']).toFixed(1)}%, score ${p.gold.gold['gold/score'].toFixed(2)}${p.gold.kl !== undefined ? `, KL ${p.gold.kl.toFixed(2)}` : ''}${p.loss !== undefined ? `; loss ${p.loss.toFixed(3)}, accuracy ${p.metrics?.['rewards/accuracies']?.toFixed(2) ?? '-'}` : ''}`);
        if (p.nonFinite) log(`  step ${p.step + 1}: not applied, ${p.nonFinite} was not finite`);
      },
    });
    const h = res.heldOut.stats;
    const summary = {
      out, steps: res.steps, stopped: res.stopped, policyVersion: res.policy.version, startVersion: reference.version,
      ...(src.flag === 'marks' ? { dense: { ddpoWeight: (cfg as DenseDpoConfig).ddpoWeight, beta: cfg.beta } } : {}),
      pairs: src.pairs,
      heldOut: { loss: r4(res.heldOut.loss), accuracy: r4(h?.['rewards/accuracies']), margin: r4(h?.['rewards/margins']), decided: res.heldOut.decided },
      goldStart: goldJson(res.start), gold: goldJson(res.end), seconds: Math.round(res.seconds),
      ...stop.metadata(res.steps),
    };
    await saveModelDir(res.policy, out, {
      recipe: src.recipe, role: 'policy', policyVersion: reference.version,
      ...(src.flag === 'in' ? { prefs: src.file, dpo: { config: cfg } } : { marks: src.file, ddpo: { config: cfg } }),
      ...stop.metadata(res.steps),
      command: `npm run cli -- dpo --policy ${policyDir} --${src.flag} ${src.file} --out ${out}${src.flag === 'marks' ? ` --ddpo-weight ${(cfg as DenseDpoConfig).ddpoWeight}` : ''} --beta ${cfg.beta} --seed ${cfg.seed}`,
      result: summary,
    });
    res.policy.dispose();
    if (stop.interrupted) console.error(`dpo: interrupted (${stop.signal}) after step ${res.steps}: its policy is in ${out}/model.json, its metrics in ${metricsLog.path}`);
    console.log(JSON.stringify(summary));
    return stop.exitCode(0);
  } finally {
    stop.close();
    reference.dispose();
  }
}
