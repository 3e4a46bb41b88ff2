// The rows of an experiment's table, as data: each row names the policy it starts from and how it
// gets from there (kept as it is, or tuned by a PPO preset), and the job runs each kind through
// its own runner (DPO rows learn from the same labels as the reward models, with no sampling).
// One valibot schema (ROW_SCHEMA) gives both the row types and their check; a new kind of row
// (best-of-n) is a new option of it and a runner.
// No TensorFlow.js: the page reads these to draw the table before anything has run.

import * as v from 'valibot';
import { ANNOTATOR_NAMES, type AnnotatorName } from '../prefs/annotator';
import { MARKER_NAMES, type MarkerName } from '../prefs/marker-settings';
import { bounded, choice, MAX_NAME, obj, pathOf } from '../files/schema';
import { PPO_DEFAULTS, PPO_TABLE, checkPpoConfig, type PpoConfig } from '../ppo/config';
import { ppoPreset, PPO_PRESET_NAMES, rmKindsFor, type PresetRmKind } from '../ppo/presets';
import { DENSE_DPO_DEFAULTS, DENSE_DPO_TABLE, DPO_DEFAULTS, DPO_TABLE, type DenseDpoConfig, type DpoConfig } from '../dpo/config';
import { MAX_TABLE_ROWS } from './table-file';

/** The policies a row can start from: the shipped checkpoints in models/ (or remade per seed). */
export const START_POLICIES = ['sft', 'sft-plus'] as const;
export type StartPolicy = (typeof START_POLICIES)[number];

/** Most rows a table may have (as many as a table.json may hold). */
export const MAX_ROWS = MAX_TABLE_ROWS;
/** Most refresh rounds an online row may have. */
export const MAX_ONLINE_ROUNDS = 20;

const isPlainObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * An object of exactly `entries`: a field left out is named in its own schema's words, an unknown
 * one as something `noun` has not ("a DPO row has no such field"), anything else "must be an object".
 */
function strict<const E extends v.ObjectEntries>(entries: E, noun: string) {
  return v.strictObject(entries, (i) => {
    const at = i.path?.at(-1);
    if (at?.origin !== 'key') return 'must be an object';
    if (i.expected === 'never') return `${noun} has no such field`;
    const own = v.safeParse(entries[at.key as string] as v.GenericSchema, undefined);
    return own.success ? 'must be an object' : own.issues[0].message;
  });
}

/** Some of a config's fields, each checked by its table's own schema (no defaults filled in: a row's settings go on top of its preset's). */
function someOf<const E extends v.ObjectEntries>(table: v.ObjectSchema<E, undefined>, noun: string) {
  return v.pipe(v.custom<Record<string, unknown>>(isPlainObject, 'must be an object'), strict(v.partial(table).entries, noun));
}

const rowName = () => v.pipe(
  v.string('must be a name with a letter or digit'),
  v.maxLength(MAX_NAME, (i: v.MaxLengthIssue<string, number>) => `is ${i.input.length} characters long; at most ${MAX_NAME}`),
  v.check((name: string) => rowSlug(name) !== '', 'must be a name with a letter or digit'),
);
const startPolicy = () => choice(START_POLICIES, `must be ${START_POLICIES.join(' or ')}`);
const annotator = () => choice(ANNOTATOR_NAMES, `must be one of ${ANNOTATOR_NAMES.join(', ')}`);
const marker = () => choice(MARKER_NAMES, `must be one of ${MARKER_NAMES.join(', ')}`);

/** Whether a reward-model kind learns from marks (a sentence reward model) rather than from labelled pairs. */
export const isSentenceKind = (kind: PresetRmKind): kind is SentenceRmKind => kind === 'sentence-fact' || kind === 'sentence-plain';

/** An issue at `keys` under a row (["config", "batchSize"]), for the checks that read several fields. */
function pathUnder(row: unknown, keys: readonly string[]): [v.ObjectPathItem, ...v.ObjectPathItem[]] {
  const items = keys.map((key): v.ObjectPathItem => ({ type: 'object', origin: 'value', input: row as Record<string, unknown>, key, value: undefined }));
  return items as [v.ObjectPathItem, ...v.ObjectPathItem[]];
}

/** A row that is its start policy as it is: the SFT and SFT+ rows. */
const START_ROW_SCHEMA = strict({
  kind: v.literal('start'),
  /** The row's name in the table ("SFT", "SFT+"). */
  name: rowName(),
  start: startPolicy(),
}, 'a start row');

/** A row tuned from its start policy by a PPO preset (PPO, GRPO, RLOO; any reward option). */
const PPO_ROW_SCHEMA = v.pipe(
  strict({
    kind: v.literal('ppo'),
    name: rowName(),
    /** The policy PPO starts from; its samples are the pairs labelled, its weights the reward model's trunk. */
    start: startPolicy(),
    /** The PPO preset: its settings, its annotator and the kind of reward model it needs. */
    preset: choice(PPO_PRESET_NAMES, `must be one of ${PPO_PRESET_NAMES.join(', ')}`),
    /** Labels from this annotator instead of the preset's (to train another RM on another row's labels). */
    annotator: v.optional(annotator()),
    /** A preset with a sentence reward model: the simulated marker of the answers it learns from (default careful). */
    marker: v.optional(marker()),
    /** PPO settings on top of the preset's. */
    config: v.optional(someOf(PPO_TABLE, 'a PPO config')),
    /**
     * Online (iterated) RLHF: the row's label budget (the experiment's pairs) is cut into rounds + 1
     * equal parts; its reward model starts from the first part of the label set, and at rounds evenly
     * spaced steps the run samples the next part from its current policy, the same annotator labels
     * it, and a reward model trained on every label so far is swapped in. Same labels in all as an
     * offline row.
     */
    online: v.optional(obj({ rounds: bounded({ integer: true, min: 1, max: MAX_ONLINE_ROUNDS }, `must be a whole number from 1 to ${MAX_ONLINE_ROUNDS}`) })),
  }, 'a PPO row'),
  // What needs the preset and the row's settings together: how the sizes fit, and the reward model the preset trains.
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const row = dataset.value;
    const full = rowPpoConfig(row);
    for (const p of checkPpoConfig(full)) addIssue({ message: p.message, path: pathUnder(row, ['config', ...p.field.split('.')]) });
    const preset = ppoPreset(row.preset);
    if (row.online && preset.rmKind === 'none') addIssue({ message: `the ${row.preset} preset has no reward model to refresh`, path: pathUnder(row, ['online']) });
    if (row.online && isSentenceKind(preset.rmKind)) addIssue({ message: `the ${row.preset} preset's sentence reward model learns from marks, which an online row does not sample`, path: pathUnder(row, ['online']) });
    if (row.marker !== undefined && !isSentenceKind(preset.rmKind)) addIssue({ message: `the ${row.preset} preset learns from labelled pairs, not marks: give annotator instead`, path: pathUnder(row, ['marker']) });
    if (row.annotator !== undefined && isSentenceKind(preset.rmKind)) addIssue({ message: `the ${row.preset} preset's sentence reward model learns from marks: give marker instead`, path: pathUnder(row, ['annotator']) });
    if (!rmKindsFor(full).includes(preset.rmKind)) addIssue({ message: `the preset trains ${preset.rmKind === 'none' ? 'no reward model' : `a ${preset.rmKind} reward model`}, which the ${full.reward} reward cannot use`, path: pathUnder(row, ['config', 'reward']) });
  }),
);

/** A row tuned from its start policy by DPO on an annotator's labels of that policy's pairs (the same labels a reward model of that annotator learns from); the reference is the start policy. */
const DPO_ROW_SCHEMA = strict({
  kind: v.literal('dpo'),
  name: rowName(),
  start: startPolicy(),
  /** Whose labels (default careful, the annotator of the Fact-RLHF and RLHF rows). */
  annotator: v.optional(annotator()),
  /** DPO settings on top of the defaults (the seed is the experiment's). */
  config: v.optional(someOf(DPO_TABLE, 'a DPO config')),
}, 'a DPO row');

/**
 * A row tuned from its start policy by dense DPO (RLHF-V's DDPO) on a simulated marker's marks of
 * that policy's answers, as many answers as the experiment labels pairs: each corrected answer
 * preferred to the answer as written, the corrected sentences weighted up; the reference is the
 * start policy.
 */
const DENSE_DPO_ROW_SCHEMA = strict({
  kind: v.literal('dense-dpo'),
  name: rowName(),
  start: startPolicy(),
  /** Whose marks (default careful). */
  marker: v.optional(marker()),
  /** Dense DPO settings on top of the defaults (the seed is the experiment's). */
  config: v.optional(someOf(DENSE_DPO_TABLE, 'a dense DPO config')),
}, 'a dense DPO row');

export const ROW_KINDS = ['start', 'ppo', 'dpo', 'dense-dpo'] as const;

/** One row, by its kind. */
export const ROW_SCHEMA = v.variant('kind', [START_ROW_SCHEMA, PPO_ROW_SCHEMA, DPO_ROW_SCHEMA, DENSE_DPO_ROW_SCHEMA], (i) => (i.path?.length ? `must be one of ${ROW_KINDS.join(', ')}` : 'must be an object'));

/** A table's rows: at least one, at most MAX_ROWS (a longer list is refused before any row is read), each with a folder of its own. */
export const ROWS_SCHEMA = v.pipe(
  v.array(v.unknown(), 'must be an array'),
  v.minLength(1, 'at least one row is needed'),
  v.maxLength(MAX_ROWS, (i: v.MaxLengthIssue<unknown[], number>) => `has ${i.input.length} rows; at most ${MAX_ROWS}`),
  v.array(ROW_SCHEMA),
  // Runs even when some rows are bad, so a clash is named with the rest (a bad row's name is read as it came).
  v.rawCheck(({ dataset, addIssue }) => {
    if (!Array.isArray(dataset.value)) return;
    const names = new Map<string, string>();
    dataset.value.forEach((row: unknown, i: number) => {
      const name = isPlainObject(row) ? row.name : undefined;
      if (typeof name !== 'string' || rowSlug(name) === '') return;
      const slug = rowSlug(name);
      const other = names.get(slug);
      if (other !== undefined) addIssue({ message: `its folder "${slug}" is also ${other}'s`, path: [{ type: 'array', origin: 'value', input: dataset.value as unknown[], key: i, value: row }, ...pathUnder(row, ['name'])] });
      names.set(slug, name);
    });
  }),
);

export type StartRowSpec = v.InferOutput<typeof START_ROW_SCHEMA>;
export type PpoRowSpec = v.InferOutput<typeof PPO_ROW_SCHEMA>;
export type DpoRowSpec = v.InferOutput<typeof DPO_ROW_SCHEMA>;
export type DenseDpoRowSpec = v.InferOutput<typeof DENSE_DPO_ROW_SCHEMA>;
export type RowSpec = v.InferOutput<typeof ROW_SCHEMA>;

/** The annotator whose labels a DPO row learns from. */
export const dpoRowAnnotator = (row: DpoRowSpec): AnnotatorName => row.annotator ?? 'careful';

/** The full DPO config of a row: the defaults, its own settings, then the experiment's overrides and seed. */
export function rowDpoConfig(row: DpoRowSpec, overrides: Partial<DpoConfig> = {}, seed?: number): DpoConfig {
  return { ...DPO_DEFAULTS, ...row.config, ...overrides, ...(seed !== undefined ? { seed } : {}) };
}

/**
 * The full config of a dense DPO row: the defaults, its own settings, then the experiment's DPO
 * overrides that dense DPO shares (not β: its log-probs are per-token averages, so its β is its
 * own) and the seed.
 */
export function rowDenseDpoConfig(row: DenseDpoRowSpec, overrides: Partial<DpoConfig> = {}, seed?: number): DenseDpoConfig {
  const { beta: _beta, tieWeight: _tie, bothBadWeight: _bad, ...shared } = overrides;
  return { ...DENSE_DPO_DEFAULTS, ...row.config, ...shared, ...(seed !== undefined ? { seed } : {}) };
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

/** The marks a sentence reward model or a dense DPO row learns from: whose answers, and which simulated marker. */
export interface MarkSetKey {
  start: StartPolicy;
  marker: MarkerName;
}

/** A reward model kind that learns from marks. */
export type SentenceRmKind = 'sentence-fact' | 'sentence-plain';

/** A reward model: what it learns from (labelled pairs, or marks for a sentence reward model) and its kind. */
export type RmKey = (LabelSetKey & { kind: Exclude<PresetRmKind, 'none' | SentenceRmKind> }) | (MarkSetKey & { kind: SentenceRmKind });

export const labelSetId = (k: LabelSetKey): string => `${k.start}/${k.annotator}`;
export const markSetId = (k: MarkSetKey): string => `${k.start}/${k.marker}/marks`;
export const rmId = (k: RmKey): string => `${'marker' in k ? `${k.start}/${k.marker}` : labelSetId(k)}/${k.kind}`;

/** The annotator labelling a PPO row's pairs: the row's own, else its preset's. */
export function rowAnnotator(row: PpoRowSpec): AnnotatorName {
  return row.annotator ?? ppoPreset(row.preset).annotator;
}

/** The marker of a row that learns from marks (a sentence-RM preset, a DPO row on marks): the row's own, else careful. */
export const rowMarker = (row: PpoRowSpec | DenseDpoRowSpec): MarkerName => row.marker ?? 'careful';

/** The full PPO config of a row: the defaults, its preset, its own settings, then the experiment's overrides and seed. */
export function rowPpoConfig(row: PpoRowSpec, overrides: Partial<PpoConfig> = {}, seed?: number): PpoConfig {
  return { ...PPO_DEFAULTS, ...ppoPreset(row.preset).config, ...row.config, ...overrides, ...(seed !== undefined ? { seed } : {}) };
}

/** The reward model a PPO row needs, or undefined (the gold reward needs none). */
export function rowRm(row: PpoRowSpec): RmKey | undefined {
  const kind = ppoPreset(row.preset).rmKind;
  if (kind === 'none') return undefined;
  return isSentenceKind(kind) ? { start: row.start, marker: rowMarker(row), kind } : { start: row.start, annotator: rowAnnotator(row), kind };
}

/** What rows need before any PPO: the label sets, mark sets and reward models, each once, in the rows' order. */
export interface RowPlan {
  labelSets: LabelSetKey[];
  markSets: MarkSetKey[];
  rms: RmKey[];
  /** The start policies any row, label set or mark set reads. */
  starts: StartPolicy[];
}

/** The label sets, mark sets and reward models the rows share (rows with the same labels and RM kind share one RM). */
export function planRows(rows: readonly RowSpec[]): RowPlan {
  const labelSets = new Map<string, LabelSetKey>();
  const markSets = new Map<string, MarkSetKey>();
  const rms = new Map<string, RmKey>();
  const starts = new Set<StartPolicy>();
  for (const row of rows) {
    starts.add(row.start);
    if (row.kind === 'dpo') {
      const key = { start: row.start, annotator: dpoRowAnnotator(row) };
      labelSets.set(labelSetId(key), key);
      continue;
    }
    if (row.kind === 'dense-dpo') {
      const key = { start: row.start, marker: rowMarker(row) };
      markSets.set(markSetId(key), key);
      continue;
    }
    if (row.kind !== 'ppo') continue;
    const rm = rowRm(row);
    if (!rm) continue;
    if ('marker' in rm) markSets.set(markSetId(rm), { start: rm.start, marker: rm.marker });
    else labelSets.set(labelSetId(rm), { start: rm.start, annotator: rm.annotator });
    if (!row.online) rms.set(rmId(rm), rm); // an online row trains its own, on part of the labels
  }
  return { labelSets: [...labelSets.values()], markSets: [...markSets.values()], rms: [...rms.values()], starts: START_POLICIES.filter((s) => starts.has(s)) };
}

/**
 * Every problem with a list of rows (ROWS_SCHEMA), each naming the row by index and name and then
 * the field ("rows[2] (X).config.lr: must be …"), in the rows' order; [] when they can run.
 */
export function checkRows(rows: readonly unknown[]): string[] {
  const res = v.safeParse(ROWS_SCHEMA, rows);
  if (res.success) return [];
  const rowOf = (i: v.BaseIssue<unknown>): number => {
    const key = i.path?.[0]?.key;
    return typeof key === 'number' ? key : -1;
  };
  return res.issues
    .map((issue, order) => ({ issue, row: rowOf(issue), order }))
    .sort((a, b) => a.row - b.row || a.order - b.order)
    .map(({ issue, row }) => {
      if (row < 0) return `rows: ${issue.message}`;
      const raw = rows[row];
      const name = isPlainObject(raw) && typeof raw.name === 'string' ? ` (${raw.name})` : '';
      const rest = pathOf(issue).slice(`[${row}]`.length);
      return `rows[${row}]${name}${rest}: ${issue.message}`;
    });
}
