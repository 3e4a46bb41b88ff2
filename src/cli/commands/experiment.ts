// `experiment`: the whole pipeline on several seeds (labels from a simulated annotator, plain RM
// and Fact-RM, PPO rows, benchmarks) from the shipped SFT and SFT+ checkpoints, as the engine's
// experiment job runs it; writes DIR/table.md, DIR/table.json, DIR/runs.svg, each row's policy
// at DIR/seed-S/ROW/ (with metrics.jsonl for PPO and DPO rows, a line appended per step as it
// happens) and each reward model with its labels at DIR/seed-S/rm-START-ANNOTATOR-KIND/ (so
// `ppo --rm` can rerun a row). Ctrl-C or SIGTERM stops it after the step under way: the row under
// way keeps its policy at its last finished step, the table of what finished is written marked as
// interrupted, and it exits 130 or 143.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMON_FLAGS, notes, UsageError, type CommandSpec, type Flags } from '../args';
import { configFlags, valuesFromFlags, flagName, type ConfigFlagOptions } from '../config-flags';
import { initNodeBackend } from '../backend-node';
import { loadModelDir, saveModelDir } from '../model-files';
import { PPO_FIELDS, type PpoConfig } from '../../engine/ppo/config';
import { DPO_FIELDS, type DpoConfig } from '../../engine/dpo/config';
import { REWARD_JOB_FIELDS, type RewardJobConfig } from '../../engine/reward/config';
import { checkExperimentConfig, EXPERIMENT_DEFAULTS, EXPERIMENT_FIELDS, EXPERIMENT_PRESET_NAMES, EXPERIMENT_PRESETS, experimentConfig, type ExperimentConfig } from '../../engine/experiment/config';
import { rowCheckpoint, runExperiment, type KeptRewardModel, type KeptRow, type StoppedRow } from '../../engine/experiment/job';
import type { ExperimentTable } from '../../engine/experiment/table';
import { exportNative } from '../../engine/prefs/native';
import { exportMarks } from '../../engine/prefs/mark-file';
import { SENTENCE_READOUT } from '../../engine/reward/dense';
import { formatTableMd } from '../../engine/experiment/table-md';
import { runsChartSvg } from '../../engine/experiment/chart-svg';
import type { StartPolicy } from '../../engine/experiment/rows';
import { Interruption } from '../interrupt';
import { MetricsLog } from '../metrics-log';
import { pointJson as dpoLine } from './dpo';

/** Every PpoConfig knob but the seed as a flag (--kl-coef ...), put on every PPO row; unset unless given. */
const PPO_FLAGS: ConfigFlagOptions<keyof PpoConfig> = { except: ['seed'], help: (f) => `every PPO row: ${f.tooltip} (default: the row's preset)` };

/** Every DPO knob but the seed, as --dpo-<name>, put on every DPO row. */
const DPO_FLAGS: ConfigFlagOptions<keyof DpoConfig> = { except: ['seed'], prefix: 'dpo-', help: (f) => `every DPO row: ${f.tooltip} (default: the row's, else ${String(f.default)})` };

/** The experiment's own settings, by their older names where they have one; unset unless given: the preset decides. */
const OWN_FLAGS: ConfigFlagOptions<keyof ExperimentConfig> = {
  names: { labelMix: 'mix', labelDegenerate: 'degenerate', ppoSteps: 'steps' },
  switches: ['retrainSft'],
  help: (f) => (f.kind === 'flag' || f.optional ? f.tooltip : `${f.tooltip} (default: the preset's)`),
};

/** The reward models' knobs an experiment's command line sets. */
const RM_FLAGS: ConfigFlagOptions<keyof RewardJobConfig> = { only: ['epochs', 'minSteps'], prefix: 'rm-', help: (f) => `reward models: ${f.tooltip}` };
const READOUT_FLAG: ConfigFlagOptions<keyof RewardJobConfig> = { only: ['readout'], help: RM_FLAGS.help! };

export const spec: CommandSpec = {
  name: 'experiment',
  summary: 'Run the whole pipeline on several seeds (labels, plain RM and Fact-RM, PPO rows, benchmarks); write table.md and table.json.',
  usage: `experiment --preset ${EXPERIMENT_PRESET_NAMES.join('|')} --seeds 1,2,3 --out DIR [--rows NAME,...] [--retrain-sft] [--pairs N] [--steps N] [--kl-coef X ...]`,
  flags: {
    preset: { type: 'string', help: 'experiment preset: its rows and targets (data in src/engine/experiment/presets)', default: 'default', choices: EXPERIMENT_PRESET_NAMES },
    seeds: { type: 'string', help: `${EXPERIMENT_FIELDS.seeds.tooltip} Comma-separated.`, default: EXPERIMENT_DEFAULTS.seeds.join(',') },
    out: { type: 'string', required: true, help: 'folder for table.md, table.json, runs.svg and seed-S/ROW/ checkpoints' },
    rows: { type: 'string', help: "only these rows, comma-separated by name (default: all of the preset's)" },
    sft: { type: 'string', help: 'the shipped SFT policy', default: 'models/sft' },
    'sft-plus': { type: 'string', help: 'the shipped SFT+ policy', default: 'models/sft-plus' },
    ...configFlags(EXPERIMENT_FIELDS, OWN_FLAGS),
    ...configFlags(REWARD_JOB_FIELDS, RM_FLAGS),
    ...configFlags(REWARD_JOB_FIELDS, READOUT_FLAG),
    ...configFlags(PPO_FIELDS, PPO_FLAGS),
    ...configFlags(DPO_FIELDS, DPO_FLAGS),
    backend: COMMON_FLAGS.backend,
    quiet: COMMON_FLAGS.quiet,
    json: { ...COMMON_FLAGS.json, help: 'print the table (table.json) as one JSON object on stdout' },
  },
};

/** The seeds of --seeds, or a UsageError. */
function parseSeeds(text: string): number[] {
  const parts = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const seeds = parts.map(Number);
  if (parts.length === 0 || seeds.some((s) => !Number.isInteger(s) || s < 0)) throw new UsageError(`experiment: --seeds must be whole numbers ≥ 0 separated by commas, got "${text}"`);
  return seeds;
}

/** The experiment config of the flags: the preset, then the flags given; a UsageError names the first bad one. */
export function configFromFlags(flags: Flags): ExperimentConfig {
  const preset = String(flags.preset);
  const base = EXPERIMENT_PRESETS[preset]!;
  const overrides: Partial<ExperimentConfig> = {
    ...valuesFromFlags(EXPERIMENT_FIELDS, flags, OWN_FLAGS),
    seeds: parseSeeds(String(flags.seeds)),
    ppo: valuesFromFlags(PPO_FIELDS, flags, PPO_FLAGS),
    dpo: valuesFromFlags(DPO_FIELDS, flags, DPO_FLAGS),
    rm: { ...EXPERIMENT_DEFAULTS.rm, ...base.settings.rm, ...valuesFromFlags(REWARD_JOB_FIELDS, flags, RM_FLAGS), ...valuesFromFlags(REWARD_JOB_FIELDS, flags, READOUT_FLAG) },
  };
  const only = typeof flags.rows === 'string' ? flags.rows.split(',').map((s) => s.trim()).filter((s) => s !== '') : undefined;
  let cfg: ExperimentConfig;
  try {
    cfg = experimentConfig(preset, overrides, only);
  } catch (e) {
    throw new UsageError(`experiment: --rows: ${(e as Error).message}`);
  }
  const problems = checkExperimentConfig(cfg);
  if (problems.length) {
    const p = problems[0]!;
    // A PPO or DPO knob is named by its flag, wherever the check found it (a row's config or the overrides).
    const knob = /(?:^ppo|^dpo|\.config)\.(\w+)$/.exec(p.field)?.[1];
    const row = /^rows\[\d+\] \((.*)\)\.config\./.exec(p.field)?.[1];
    const isDpo = p.field.startsWith('dpo.') || (row !== undefined && cfg.rows.find((r) => r.name === row)?.kind === 'dpo');
    const own = Object.hasOwn(EXPERIMENT_FIELDS, p.field) ? `--${flagName(p.field as keyof ExperimentConfig, OWN_FLAGS)}` : p.field;
    throw new UsageError(`experiment: ${knob ? `--${isDpo ? flagName(knob as keyof DpoConfig, DPO_FLAGS) : flagName(knob as keyof PpoConfig, PPO_FLAGS)}${row ? ` (row ${row})` : ''}` : own} ${p.message}`);
  }
  return cfg;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export async function run(flags: Flags): Promise<number> {
  const cfg = configFromFlags(flags);
  const out = String(flags.out);
  const log = notes(flags);
  const dirs: Record<StartPolicy, string> = { sft: String(flags.sft), 'sft-plus': String(flags['sft-plus']) };
  await initNodeBackend(String(flags.backend));
  mkdirSync(out, { recursive: true });
  log(`experiment ${cfg.preset}: rows ${cfg.rows.map((r) => r.name).join(', ')}; seeds ${cfg.seeds.join(', ')}; ${cfg.pairs} pairs, ${cfg.ppoSteps} PPO steps, benchmarks ${cfg.benchSize}${cfg.retrainSft ? '; SFT and SFT+ remade per seed' : `; from ${dirs.sft} and ${dirs['sft-plus']}`}`);
  const started = performance.now();
  let phase = '';
  const stop = new Interruption('experiment');
  // Each PPO or DPO row's metrics.jsonl, in its folder, opened (emptied) at its first point.
  const metrics = new Map<string, MetricsLog>();
  const metricsOf = (seed: number, row: string): MetricsLog => {
    const dir = join(out, rowCheckpoint(seed, row));
    const made = metrics.get(dir) ?? new MetricsLog(dir);
    metrics.set(dir, made);
    return made;
  };
  let interrupted: ExperimentTable['interrupted'];
  let result: Awaited<ReturnType<typeof runExperiment>>;
  try {
    result = await runExperiment(cfg, {
      loadPolicy: (start) => loadModelDir(dirs[start]).model,
      keepPolicy: async (k: KeptRow) => {
        const dir = join(out, k.result.checkpoint);
        await saveModelDir(k.model, dir, {
          recipe: `experiment-${k.slug}`, role: 'policy',
          experiment: { preset: cfg.preset, seed: k.seed, row: k.spec, startVersion: k.result.ppo ? undefined : k.result.policyVersion },
          ...(k.result.ppo ? { ppo: { preset: k.result.ppo.preset, config: k.result.ppo.config, rm: k.result.ppo.rm, steps: k.result.ppo.steps } } : {}),
          bench: k.result.report,
        });
        const h = k.result.report.shapesHal;
        log(`  seed ${k.seed} · ${k.spec.name}: true and informative ${pct(h.trueInformative)}, hallucination ${pct(h.hallucinationRate)}, informativeness ${pct(h.informativeness)}, no answer ${pct(h.noAnswerRate)}, score ${h.score.toFixed(2)}, length ${k.result.meanResponseLength.toFixed(1)} (${Math.round((performance.now() - started) / 1000)} s) → ${dir}`);
      },
      keepStopped: async (k: StoppedRow) => {
        const checkpoint = rowCheckpoint(k.seed, k.spec.name);
        const dir = join(out, checkpoint);
        await saveModelDir(k.model, dir, { recipe: `experiment-${k.slug}`, role: 'policy', experiment: { preset: cfg.preset, seed: k.seed, row: k.spec }, ...stop.metadata(k.steps) });
        if (stop.signal) interrupted = { signal: stop.signal, seed: k.seed, row: k.spec.name, step: k.steps, checkpoint };
        log(`  seed ${k.seed} · ${k.spec.name}: stopped after step ${k.steps}, not benchmarked → ${dir}`);
      },
      keepRewardModel: async (k: KeptRewardModel) => {
        const dir = join(out, `seed-${k.seed}`, `rm-${k.id.replace(/\//g, '-')}`);
        mkdirSync(dir, { recursive: true });
        const accuracy = k.figures.heldOutAccuracy === null ? '-' : pct(k.figures.heldOutAccuracy);
        if (k.marks) {
          const marks = join(dir, 'marks.jsonl');
          writeFileSync(marks, exportMarks(k.marks));
          await saveModelDir(k.model, dir, { role: 'reward-model', rewardModel: { kind: 'dense', fact: k.fact, readout: SENTENCE_READOUT }, marks, experiment: { preset: cfg.preset, seed: k.seed, id: k.id }, result: k.figures });
          log(`  seed ${k.seed} · sentence reward model ${k.id}: held-out accuracy ${accuracy} on ${k.figures.sentences?.heldOut ?? 0} sentences (always "true" ${k.figures.sentences?.alwaysTrue == null ? '-' : pct(k.figures.sentences.alwaysTrue)}) → ${dir}`);
          return;
        }
        const prefs = join(dir, 'prefs.jsonl');
        writeFileSync(prefs, exportNative(k.records));
        await saveModelDir(k.model, dir, { role: 'reward-model', rewardModel: { fact: k.fact, readout: k.model.config.scoreReadout ?? 'last' }, prefs, experiment: { preset: cfg.preset, seed: k.seed, id: k.id }, result: k.figures });
        log(`  seed ${k.seed} · reward model ${k.id}: held-out accuracy ${accuracy} on ${k.figures.heldOutPairs} pairs → ${dir}`);
      },
    }, {
      control: stop.control,
      onProgress: (p) => {
        const head = p.phase.replace(/ \d+\/\d+$/, '');
        if (head !== phase) log(`[${p.done}/${p.total}] ${(phase = head)}`);
      },
      onPoint: (e) => {
        if (e.kind === 'dpo') return void metricsOf(e.seed, e.row).append(dpoLine(e.point));
        const point = e.point;
        metricsOf(e.seed, e.row).append({ step: point.step, ...point.metrics, ...(point.nonFinite ? { nonFinite: point.nonFinite } : {}) });
        if (point.gold && point.step > 0) log(`    step ${point.step}: RM score ${point.metrics['objective/base_score']?.toFixed(2) ?? '-'}, gold true and informative ${pct(point.gold['gold/true_informative'])}, hallucination ${pct(point.gold['gold/hallucination_rate'])}, no answer ${pct(point.gold['gold/no_answer_rate'])}, gold score ${point.gold['gold/score'].toFixed(2)}, length ${point.metrics['tokens/responses_len_mean']?.toFixed(1) ?? '-'}, KL ${point.metrics['objective/kl']?.toFixed(2) ?? '-'}`);
        if (point.nonFinite) log(`    step ${point.step + 1}: not applied, ${point.nonFinite} was not finite; the row keeps its last good weights`);
      },
    });
  } finally {
    stop.close();
  }
  if (stop.signal) interrupted ??= { signal: stop.signal };
  const table: ExperimentTable = interrupted ? { ...result.table, interrupted } : result.table;
  const md = formatTableMd(table);
  writeFileSync(join(out, 'table.json'), `${JSON.stringify(table, null, 1)}\n`);
  writeFileSync(join(out, 'table.md'), md);
  if (table.rows.some((r) => r.curve?.length)) writeFileSync(join(out, 'runs.svg'), runsChartSvg(table.rows, `experiment ${cfg.preset}: seeds ${table.seeds.join(', ')}`));
  if (flags.json) console.log(JSON.stringify(table));
  else if (!flags.quiet) console.log(md);
  log(`experiment: ${Math.round((performance.now() - started) / 60000)} minutes; wrote ${join(out, 'table.md')} and table.json${result.stopped ? ' (stopped early)' : ''}`);
  if (interrupted) console.error(`experiment: interrupted (${interrupted.signal})${interrupted.row !== undefined ? ` after step ${interrupted.step} of seed ${interrupted.seed} · ${interrupted.row}: its policy is in ${join(out, interrupted.checkpoint!)}, its metrics in ${join(out, interrupted.checkpoint!, 'metrics.jsonl')}` : ''}; the table of what finished is in ${join(out, 'table.md')} and table.json`);
  return stop.exitCode(0);
}
