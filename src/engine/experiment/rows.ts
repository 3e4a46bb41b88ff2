// The rows of an experiment's table, as data: each row names the policy it starts from and how it
// gets from there (kept as it is, or tuned by a PPO preset), and the job runs each kind through
// its own runner (DPO rows learn from the same labels as the reward models, with no sampling).
// A new kind of row (best-of-n) is a new member of RowSpec and a runner.
// No TensorFlow.js: the page reads these to draw the table before anything has run.

import { ANNOTATOR_NAMES, type AnnotatorName } from '../prefs/annotator';
import { PPO_DEFAULTS, checkPpoConfig, type PpoConfig } from '../ppo/config';
import { ppoPreset, PPO_PRESET_NAMES, rmKindsFor, type PresetRmKind } from '../ppo/presets';
import { checkDpoConfig, DPO_DEFAULTS, type DpoConfig } from '../dpo/config';

/** The policies a row can start from: the shipped checkpoints in models/ (or remade per seed). */
export const START_POLICIES = ['sft', 'sft-plus'] as const;
export type StartPolicy = (typeof START_POLICIES)[number];

/** A row that is its start policy as it is: the SFT and SFT+ rows. */
export interface StartRowSpec {
  kind: 'start';
  /** The row's name in the table ("SFT", "SFT+"). */
  name: string;
  start: StartPolicy;
}

/** A row tuned from its start policy by a PPO preset (PPO, GRPO, RLOO; any reward option). */
export interface PpoRowSpec {
  kind: 'ppo';
  name: string;
  /** The policy PPO starts from; its samples are the pairs labelled, its weights the reward model's trunk. */
  start: StartPolicy;
  /** The PPO preset: its settings, its annotator and the kind of reward model it needs. */
  preset: string;
  /** Labels from this annotator instead of the preset's (to train another RM on another row's labels). */
  annotator?: AnnotatorName;
  /** PPO settings on top of the preset's. */
  config?: Partial<PpoConfig>;
  /**
   * Online (iterated) RLHF: the row's label budget (the experiment's pairs) is cut into rounds + 1
   * equal parts; its reward model starts from the first part of the label set, and at rounds evenly
   * spaced steps the run samples the next part from its current policy, the same annotator labels
   * it, and a reward model trained on every label so far is swapped in. Same labels in all as an
   * offline row.
   */
  online?: { rounds: number };
}

/** Most refresh rounds an online row may have. */
export const MAX_ONLINE_ROUNDS = 20;

/** A row tuned from its start policy by DPO on an annotator's labels of that policy's pairs (the same labels a reward model of that annotator learns from); the reference is the start policy. */
export interface DpoRowSpec {
  kind: 'dpo';
  name: string;
  start: StartPolicy;
  /** Whose labels (default careful, the annotator of the Fact-RLHF and RLHF rows). */
  annotator?: AnnotatorName;
  /** DPO settings on top of the defaults (the seed is the experiment's). */
  config?: Partial<DpoConfig>;
}

export type RowSpec = StartRowSpec | PpoRowSpec | DpoRowSpec;
export const ROW_KINDS = ['start', 'ppo', 'dpo'] as const satisfies readonly RowSpec['kind'][];

/** The annotator whose labels a DPO row learns from. */
export const dpoRowAnnotator = (row: DpoRowSpec): AnnotatorName => row.annotator ?? 'careful';

/** The full DPO config of a row: the defaults, its own settings, then the experiment's overrides and seed. */
export function rowDpoConfig(row: DpoRowSpec, overrides: Partial<DpoConfig> = {}, seed?: number): DpoConfig {
  return { ...DPO_DEFAULTS, ...row.config, ...overrides, ...(seed !== undefined ? { seed } : {}) };
}

/** A row's folder name: its name in lower case, "+" as "-plus", other runs of non-alphanumerics as "-" ("SFT+" → "sft-plus"). */
export function rowSlug(name: string): string {
  return name.toLowerCase().replace(/\+/g, '-plus').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

/** The labels a PPO row's reward model learns from: whose samples, and which annotator. */
export interface LabelSetKey {
  start: StartPolicy;
  annotator: AnnotatorName;
}

/** A reward model: its labels and its kind. */
export interface RmKey extends LabelSetKey {
  kind: Exclude<PresetRmKind, 'none'>;
}

export const labelSetId = (k: LabelSetKey): string => `${k.start}/${k.annotator}`;
export const rmId = (k: RmKey): string => `${labelSetId(k)}/${k.kind}`;

/** The annotator labelling a PPO row's pairs: the row's own, else its preset's. */
export function rowAnnotator(row: PpoRowSpec): AnnotatorName {
  return row.annotator ?? ppoPreset(row.preset).annotator;
}

/** The full PPO config of a row: the defaults, its preset, its own settings, then the experiment's overrides and seed. */
export function rowPpoConfig(row: PpoRowSpec, overrides: Partial<PpoConfig> = {}, seed?: number): PpoConfig {
  return { ...PPO_DEFAULTS, ...ppoPreset(row.preset).config, ...row.config, ...overrides, ...(seed !== undefined ? { seed } : {}) };
}

/** The reward model a PPO row needs, or undefined (the gold reward needs none). */
export function rowRm(row: PpoRowSpec): RmKey | undefined {
  const kind = ppoPreset(row.preset).rmKind;
  return kind === 'none' ? undefined : { start: row.start, annotator: rowAnnotator(row), kind };
}

/** What rows need before any PPO: the label sets and reward models, each once, in the rows' order. */
export interface RowPlan {
  labelSets: LabelSetKey[];
  rms: RmKey[];
  /** The start policies any row or label set reads. */
  starts: StartPolicy[];
}

/** The label sets and reward models the rows share (rows with the same labels and RM kind share one RM). */
export function planRows(rows: readonly RowSpec[]): RowPlan {
  const labelSets = new Map<string, LabelSetKey>();
  const rms = new Map<string, RmKey>();
  const starts = new Set<StartPolicy>();
  for (const row of rows) {
    starts.add(row.start);
    if (row.kind === 'dpo') {
      const key = { start: row.start, annotator: dpoRowAnnotator(row) };
      labelSets.set(labelSetId(key), key);
      continue;
    }
    if (row.kind !== 'ppo') continue;
    const rm = rowRm(row);
    if (!rm) continue;
    labelSets.set(labelSetId(rm), { start: rm.start, annotator: rm.annotator });
    if (!row.online) rms.set(rmId(rm), rm); // an online row trains its own, on part of the labels
  }
  return { labelSets: [...labelSets.values()], rms: [...rms.values()], starts: START_POLICIES.filter((s) => starts.has(s)) };
}

/** Every problem with a list of rows, each naming the row (by index and name) and the field; [] when they can run. */
export function checkRows(rows: readonly unknown[]): string[] {
  const out: string[] = [];
  const names = new Map<string, string>();
  if (rows.length === 0) out.push('rows: at least one row is needed');
  rows.forEach((raw, i) => {
    const r = raw as Record<string, unknown>;
    const at = `rows[${i}]${typeof r?.name === 'string' ? ` (${r.name})` : ''}`;
    if (typeof r !== 'object' || r === null) return void out.push(`${at}: must be an object`);
    if (typeof r.name !== 'string' || rowSlug(r.name) === '') out.push(`${at}.name: must be a name with a letter or digit`);
    else {
      const slug = rowSlug(r.name);
      const other = names.get(slug);
      if (other !== undefined) out.push(`${at}.name: its folder "${slug}" is also ${other}'s`);
      names.set(slug, r.name);
    }
    if (!(START_POLICIES as readonly string[]).includes(r.start as string)) out.push(`${at}.start: must be ${START_POLICIES.join(' or ')}`);
    if (r.kind === 'start') {
      const extra = Object.keys(r).filter((k) => !['kind', 'name', 'start'].includes(k));
      if (extra.length) out.push(`${at}: a start row has no ${extra.join(', ')}`);
      return;
    }
    if (r.kind === 'dpo') {
      const extra = Object.keys(r).filter((k) => !['kind', 'name', 'start', 'annotator', 'config'].includes(k));
      if (extra.length) out.push(`${at}: a DPO row has no ${extra.join(', ')}`);
      if (r.annotator !== undefined && !ANNOTATOR_NAMES.includes(r.annotator as AnnotatorName)) out.push(`${at}.annotator: must be one of ${ANNOTATOR_NAMES.join(', ')}`);
      const config = r.config ?? {};
      if (typeof config !== 'object' || config === null || Array.isArray(config)) return void out.push(`${at}.config: must be an object`);
      const unknown = Object.keys(config).filter((k) => !Object.hasOwn(DPO_DEFAULTS, k));
      if (unknown.length) return void out.push(`${at}.config: unknown fields ${unknown.join(', ')}`);
      for (const p of checkDpoConfig(rowDpoConfig(r as unknown as DpoRowSpec))) out.push(`${at}.config.${p.field}: ${p.message}`);
      return;
    }
    if (r.kind !== 'ppo') return void out.push(`${at}.kind: must be one of ${ROW_KINDS.join(', ')}`);
    const extra = Object.keys(r).filter((k) => !['kind', 'name', 'start', 'preset', 'annotator', 'config', 'online'].includes(k));
    if (extra.length) out.push(`${at}: unknown fields ${extra.join(', ')}`);
    if (!PPO_PRESET_NAMES.includes(r.preset as string)) return void out.push(`${at}.preset: must be one of ${PPO_PRESET_NAMES.join(', ')}`);
    if (r.annotator !== undefined && !ANNOTATOR_NAMES.includes(r.annotator as AnnotatorName)) out.push(`${at}.annotator: must be one of ${ANNOTATOR_NAMES.join(', ')}`);
    const config = r.config ?? {};
    if (typeof config !== 'object' || config === null || Array.isArray(config)) return void out.push(`${at}.config: must be an object`);
    const unknown = Object.keys(config).filter((k) => !Object.hasOwn(PPO_DEFAULTS, k));
    if (unknown.length) return void out.push(`${at}.config: unknown fields ${unknown.join(', ')}`);
    const full = rowPpoConfig(r as unknown as PpoRowSpec);
    for (const p of checkPpoConfig(full)) out.push(`${at}.config.${p.field}: ${p.message}`);
    const preset = ppoPreset(r.preset as string);
    if (r.online !== undefined) {
      const o = r.online as Record<string, unknown> | null;
      const rounds = typeof o === 'object' && o !== null ? o.rounds : undefined;
      if (typeof rounds !== 'number' || !Number.isInteger(rounds) || rounds < 1 || rounds > MAX_ONLINE_ROUNDS) out.push(`${at}.online.rounds: must be a whole number from 1 to ${MAX_ONLINE_ROUNDS}`);
      if (preset.rmKind === 'none') out.push(`${at}.online: the ${String(r.preset)} preset has no reward model to refresh`);
    }
    if (!rmKindsFor(full).includes(preset.rmKind)) out.push(`${at}.config.reward: the preset trains ${preset.rmKind === 'none' ? 'no reward model' : `a ${preset.rmKind} reward model`}, which the ${full.reward} reward cannot use`);
  });
  return out;
}
