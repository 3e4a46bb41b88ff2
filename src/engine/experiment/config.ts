// The experiment's one config, as one table (train/fields.ts): each setting's default (sized so the
// default experiment on 3 seeds fits 90 minutes on a 2-core machine, docs/experiment.md), bounds
// and help, and the one check; and the experiment presets, data in presets/*.json (rows, targets,
// settings). No TensorFlow.js: the page may read it as the engine does.

import * as v from 'valibot';
import { SHAPES_HAL_SIZE_NAMES } from '../bench/shapes-hal';
import { PPO_DEFAULTS, type PpoConfig } from '../ppo/config';
import { DPO_DEFAULTS, type DpoConfig } from '../dpo/config';
import { REWARD_JOB_DEFAULTS, REWARD_JOB_TABLE, type RewardJobConfig } from '../reward/config';
import type { ConfigProblem } from '../train/bounds';
import { choice, defaultsOf, fieldsOf, flag, list, maybe, num, problemsOf, value, withDefault } from '../train/fields';
import { checkRows, type RowSpec } from './rows';
import { list as boundedList, MAX_NAME, MAX_TEXT, obj, pathOf, problemsOfIssues, text } from '../files/schema';
import { checkTargets, type TargetSpec } from './targets';
import defaultPreset from './presets/default.json';
import rewardHacking from './presets/reward-hacking.json';
import fineGrained from './presets/fine-grained.json';

/** The reward-model job's settings an experiment sets (each RM's kind comes from its rows, its seed from the experiment's). */
const RM_SETTINGS = v.omit(REWARD_JOB_TABLE, ['kind', 'seed']);
export type ExperimentRmSettings = v.InferOutput<typeof RM_SETTINGS>;

const steps = (help: string) => maybe(num(undefined, { integer: true, min: 0, max: 1_000_000 }, { help }));

/**
 * The experiment as one table. Its defaults: 800 pairs per seed, 120 PPO steps of 32 responses,
 * the large benchmarks and gold figures on 96 probes every 10 steps: the default experiment takes
 * about 25 minutes a seed here (docs/experiment.md has the timing behind these and what fewer
 * pairs or steps cost in figures). The preset, its rows and targets have no default: a preset gives them.
 */
export const EXPERIMENT_TABLE = v.object({
  preset: value<string>(undefined, { help: 'The experiment preset’s name: the table’s title.' }),
  description: value<string>(undefined, { help: 'What the experiment shows, in a sentence or two.' }),
  rows: value<RowSpec[]>(undefined, { help: 'The table’s rows, in order (rows.ts): a start policy as it is, or a PPO preset run from one.' }),
  targets: value<TargetSpec[]>(undefined, { help: 'What the table must show (targets.ts); checked and reported with the table.' }),
  seeds: list([1, 2, 3], { integer: true, min: 0, max: 2 ** 32 - 1 }, { noun: 'seed', ascending: false }, { help: 'Seeds; each labels its own pairs, trains its own reward models and runs every row afresh from its start policy.' }),
  pairs: num(800, { integer: true, min: 2, max: 100_000 }, { help: 'Pairs sampled (temperature labelTemperature, two answers per prompt) from each start policy a reward model needs, per seed; each annotator the rows name labels the same pairs.' }),
  labelTemperature: num(1, { above: 0, max: 10 }, { help: 'Sampling temperature of the pairs to label (above 0: a pair needs two different answers).' }),
  labelMix: num(0, { min: 0, max: 1 }, { help: 'Share of the pairs made as (a sample, the same sample with one likely but absent object written in) instead of two samples: contrastive pairs that teach claim checking.' }),
  labelDegenerate: num(0.25, { min: 0, max: 1 }, { help: 'Share of the pairs made as (a sample, a degenerate answer: empty, "i am not sure ." or the sample scrambled), labelled like the rest: the reward models learn where saying nothing ranks. labelMix + labelDegenerate ≤ 1.' }),
  ppoSteps: num(120, { integer: true, min: 0, max: 1_000_000 }, { help: 'PPO steps of every PPO row.' }),
  ppo: value<Partial<PpoConfig>>({ goldEvery: 10, goldProbeSize: 96 }, { help: 'PPO settings put on every PPO row after its preset\'s and its own (the seed is the experiment\'s).' }),
  dpo: value<Partial<DpoConfig>>({}, { help: 'DPO settings put on every DPO row after its own (the seed is the experiment\'s).' }),
  rm: withDefault(RM_SETTINGS, { ...withoutKindAndSeed(REWARD_JOB_DEFAULTS), evalEvery: 0 }),
  benchSize: choice(SHAPES_HAL_SIZE_NAMES, 'large', { help: 'Benchmark size for every row: standard (96 ShapesHal items) or large (800, lower variance).' }),
  retrainSft: flag(false, { help: 'Make the start policies per seed by their recipes (pretrain --preset sft|sft-plus --seed S) instead of reading the shipped ones.' }),
  sftSteps: steps('With retrainSft: SFT steps of each recipe (absent: the recipe\'s).'),
  visionSteps: steps('With retrainSft: vision pretraining steps (absent: the recipe\'s).'),
  groundingSteps: steps('With retrainSft: grounding-stage steps (absent: the recipe\'s).'),
});

export type ExperimentConfig = v.InferOutput<typeof EXPERIMENT_TABLE>;

export const EXPERIMENT_FIELDS = fieldsOf(EXPERIMENT_TABLE);
export const EXPERIMENT_DEFAULTS: Omit<ExperimentConfig, 'preset' | 'description' | 'rows' | 'targets'> = defaultsOf(EXPERIMENT_TABLE);

function withoutKindAndSeed(c: RewardJobConfig): ExperimentRmSettings {
  const { kind: _kind, seed: _seed, ...rest } = c;
  return rest;
}

/** Every problem with a config, each naming its field: the table's, then the label shares together, the PPO and DPO overrides, the rows and the targets; [] when it can run. */
export function checkExperimentConfig(cfg: ExperimentConfig): ConfigProblem[] {
  const out = problemsOf(EXPERIMENT_TABLE, cfg);
  if (out.length === 0 && cfg.labelMix + cfg.labelDegenerate > 1) out.push({ field: 'labelDegenerate', message: `must be at most 1 − labelMix (${1 - cfg.labelMix})` });
  const unknownPpo = Object.keys(cfg.ppo ?? {}).filter((k) => !Object.hasOwn(PPO_DEFAULTS, k));
  if (unknownPpo.length) out.push({ field: 'ppo', message: `has unknown fields ${unknownPpo.join(', ')}` });
  if ((cfg.ppo as Record<string, unknown>)?.seed !== undefined) out.push({ field: 'ppo.seed', message: 'is the experiment seed; give seeds instead' });
  const unknownDpo = Object.keys(cfg.dpo ?? {}).filter((k) => !Object.hasOwn(DPO_DEFAULTS, k));
  if (unknownDpo.length) out.push({ field: 'dpo', message: `has unknown fields ${unknownDpo.join(', ')}` });
  if ((cfg.dpo as Record<string, unknown>)?.seed !== undefined) out.push({ field: 'dpo.seed', message: 'is the experiment seed; give seeds instead' });
  const rows = Array.isArray(cfg.rows) ? cfg.rows : [];
  // Each row with the experiment's PPO overrides on top, so a bad override is named where it bites.
  const rowsWithPpo = rows.map((r) => (r?.kind === 'ppo' && !unknownPpo.length ? { ...r, config: { ...r.config, ...cfg.ppo } } : r?.kind === 'dpo' && !unknownDpo.length ? { ...r, config: { ...r.config, ...cfg.dpo } } : r));
  for (const m of checkRows(rowsWithPpo)) out.push({ field: m.slice(0, m.indexOf(':')), message: m.slice(m.indexOf(':') + 2) });
  const names = rows.map((r) => r?.name);
  const ppoNames = rows.filter((r) => r?.kind === 'ppo').map((r) => r.name);
  for (const m of checkTargets(Array.isArray(cfg.targets) ? cfg.targets : [], names, ppoNames)) out.push({ field: m.slice(0, m.indexOf(':')), message: m.slice(m.indexOf(':') + 2) });
  return out;
}

/** An experiment preset: rows, targets, and the settings that differ from EXPERIMENT_DEFAULTS. */
export interface ExperimentPreset {
  name: string;
  description: string;
  rows: RowSpec[];
  targets: TargetSpec[];
  settings: Partial<Omit<ExperimentConfig, 'preset' | 'description' | 'rows' | 'targets'>>;
}

const RAW: readonly unknown[] = [defaultPreset, rewardHacking, fineGrained];

/** Most rows, and most targets, an experiment may have. */
export const MAX_EXPERIMENT_ROWS = 64;

/** An experiment preset's file: its name and words, and lists of rows and targets of bounded length (each checked with the whole config). */
const EXPERIMENT_PRESET_SCHEMA = obj({
  name: text(MAX_NAME, { nonEmpty: true }),
  description: text(MAX_TEXT),
  rows: boundedList(v.unknown(), MAX_EXPERIMENT_ROWS, 'rows'),
  targets: boundedList(v.unknown(), MAX_EXPERIMENT_ROWS, 'targets'),
  settings: obj({}),
});

/** Checks one parsed preset (rows, targets and settings as a whole config); returns it typed, or throws naming the preset and the field. */
export function parseExperimentPreset(raw: unknown): ExperimentPreset {
  const given = (raw as { name?: unknown } | null)?.name;
  const name = typeof given === 'string' && given.trim() !== '' ? given : '(unnamed)';
  const head = v.safeParse(EXPERIMENT_PRESET_SCHEMA, raw);
  if (!head.success) {
    const missing = head.issues.some((i) => i.input === undefined && pathOf(i) !== '');
    const problems = problemsOfIssues(head.issues).map((p) => `${p.field} ${p.message}`).join('; ');
    throw new Error(`experiment preset ${name}: ${missing ? 'needs a description, rows, targets and settings; ' : ''}${problems}`);
  }
  // The settings as written (obj() keeps only the keys it lists).
  const preset = { ...(raw as ExperimentPreset) };
  const problems = checkExperimentConfig(configOf(preset));
  if (problems.length) throw new Error(`experiment preset ${name}: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`);
  return preset;
}

function configOf(p: ExperimentPreset, overrides: Partial<ExperimentConfig> = {}): ExperimentConfig {
  const s = p.settings;
  return {
    ...EXPERIMENT_DEFAULTS, ...s, preset: p.name, description: p.description, rows: p.rows, targets: p.targets, ...overrides,
    ppo: { ...EXPERIMENT_DEFAULTS.ppo, ...s.ppo, ...overrides.ppo },
    dpo: { ...EXPERIMENT_DEFAULTS.dpo, ...s.dpo, ...overrides.dpo },
    rm: { ...EXPERIMENT_DEFAULTS.rm, ...s.rm, ...overrides.rm },
  };
}

/** Every experiment preset by name. */
export const EXPERIMENT_PRESETS: Readonly<Record<string, ExperimentPreset>> = Object.fromEntries(RAW.map(parseExperimentPreset).map((p) => [p.name, p]));
export const EXPERIMENT_PRESET_NAMES: readonly string[] = Object.keys(EXPERIMENT_PRESETS);

/**
 * The full config of a preset: the defaults, the preset's settings, then `overrides` (`ppo` and
 * `rm` merged field by field). With `onlyRows`, only those rows (by name, in the preset's order)
 * and the targets that concern only them. Throws naming an unknown preset or row; the result is
 * not checked (checkExperimentConfig).
 */
export function experimentConfig(name: string, overrides: Partial<ExperimentConfig> = {}, onlyRows?: readonly string[]): ExperimentConfig {
  const p = EXPERIMENT_PRESETS[name];
  if (!p) throw new Error(`no experiment preset "${name}"; the presets are ${EXPERIMENT_PRESET_NAMES.join(', ')}`);
  const cfg = configOf(p, overrides);
  if (!onlyRows) return cfg;
  const unknown = onlyRows.filter((n) => !p.rows.some((r) => r.name === n));
  if (unknown.length) throw new Error(`experiment preset ${name} has no row ${unknown.map((n) => `"${n}"`).join(', ')}; its rows are ${p.rows.map((r) => r.name).join(', ')}`);
  const keep = new Set(onlyRows);
  const concerns = (t: TargetSpec) => [t.row, 'base' in t ? t.base : undefined, 'other' in t ? t.other : undefined].every((n) => n === undefined || keep.has(n));
  return { ...cfg, rows: cfg.rows.filter((r) => keep.has(r.name)), targets: cfg.targets.filter(concerns) };
}
