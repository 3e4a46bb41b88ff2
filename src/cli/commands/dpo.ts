// `dpo`: tunes a policy with DPO on preference labels (engine dpo/job.ts), the reference a frozen
// copy of the starting (SFT) policy; every DpoConfig knob a flag. Appends one JSON line per step to
// --out/metrics.jsonl as it goes (TRL's DPO names, gold figures where measured), writes the tuned
// policy there at the end or on Ctrl-C (SIGINT, SIGTERM: the last finished step's, exit 130/143),
// and prints a summary as its last line.

import { COMMON_FLAGS, notes, type CommandSpec, type Flags } from '../args';
import { configFlags, valuesFromFlags, flagProblem, PAIR_FLAG_ALIASES, type ConfigFlagOptions } from '../config-flags';
import { initNodeBackend } from '../backend-node';
import { loadModelDir, saveModelDir } from '../model-files';
import { MetricsLog } from '../metrics-log';
import { Interruption } from '../interrupt';
import { readPrefsFile } from './label';
import { labelCounts } from '../../engine/prefs/label';
import { checkDpoConfig, DPO_FIELDS, planDpoJob, type DpoConfig } from '../../engine/dpo/config';
import { runDpoJob, type DpoGold, type DpoPoint } from '../../engine/dpo/job';

/** One flag per DpoConfig field (--beta, --batch-pairs, --both-bad-weight, ...), with train-rm's spellings of the knobs both have. */
const FLAGS: ConfigFlagOptions<keyof DpoConfig> = { defaults: true, aliases: PAIR_FLAG_ALIASES };

export const spec: CommandSpec = {
  name: 'dpo',
  summary: 'Tune a policy with DPO on preference labels (no reward model, no sampling); write it and its metrics.',
  usage: 'dpo --policy DIR --in prefs.jsonl --out DIR [--beta 0.1] [--epochs N] [--lr X] ...',
  flags: {
    policy: { ...COMMON_FLAGS.policy, help: 'the SFT policy to start from; a frozen copy of it is the reference' },
    in: { type: 'string', required: true, aliases: ['prefs'], help: 'preference file (JSONL, as `label` writes it); bad lines are reported and skipped' },
    out: { type: 'string', required: true, help: 'directory for the tuned policy and metrics.jsonl' },
    ...configFlags(DPO_FIELDS, FLAGS),
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

export async function run(flags: Flags): Promise<number> {
  const log = notes(flags);
  const cfg = valuesFromFlags(DPO_FIELDS, flags, FLAGS) as DpoConfig;
  const problem = flagProblem('dpo', checkDpoConfig(cfg), FLAGS);
  if (problem) throw problem;
  const inFile = String(flags.in);
  const out = String(flags.out);
  const imported = readPrefsFile(inFile);
  const records = imported.records;
  if (records.length === 0) throw new Error(`no usable preference pairs in ${inFile}`);

  await initNodeBackend(String(flags.backend));
  const policyDir = String(flags.policy);
  const { model: reference } = loadModelDir(policyDir);
  const stop = new Interruption('dpo');
  try {
    const plan = planDpoJob(records, cfg);
    log(`dpo: β ${cfg.beta} from ${reference.version}; ${plan.train.length} training pairs ${JSON.stringify(labelCounts(plan.train))} (${plan.usable} usable), ${plan.heldOut.length} held out; ${plan.steps} steps of ${cfg.batchPairs} pairs`);
    const metricsLog = new MetricsLog(out);
    const epochPerStep = Math.min(cfg.batchPairs, plan.usable) / plan.usable;
    const res = await runDpoJob(reference, records, cfg, {
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
      pairs: { total: records.length, train: res.trainPairs, usable: res.usable, heldOut: res.heldOutPairs, labels: labelCounts(records) },
      heldOut: { loss: r4(res.heldOut.loss), accuracy: r4(h?.['rewards/accuracies']), margin: r4(h?.['rewards/margins']), decided: res.heldOut.decided },
      goldStart: goldJson(res.start), gold: goldJson(res.end), seconds: Math.round(res.seconds),
      ...stop.metadata(res.steps),
    };
    await saveModelDir(res.policy, out, {
      recipe: 'dpo', role: 'policy', policyVersion: reference.version, prefs: inFile,
      dpo: { config: cfg },
      ...stop.metadata(res.steps),
      command: `npm run cli -- dpo --policy ${policyDir} --in ${inFile} --out ${out} --beta ${cfg.beta} --seed ${cfg.seed}`,
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
