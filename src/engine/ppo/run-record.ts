// A PPO run as the page's worker keeps it, in the metadata of the policy it saves (one save holds
// the weights, the run's config and its metrics up to that step), and as a run bundle carries it.
// The record has a layout version; one of a later layout is named, and a record missing knobs
// added since takes their defaults (the migration path for new knobs).

import * as v from 'valibot';
import { PPO_DEFAULTS, checkPpoConfig, type PpoConfig } from './config';
import { currentMetricNames } from './metric-names';
import { bounded, MAX_NAME, MAX_TEXT, obj, pathOf, quote, text } from '../files/schema';

/** The layout of a stored run (1). */
export const PPO_RUN_STORE_VERSION = 1;

/** Most steps a stored run may count (and most metrics rows it may hold: one a step, and step 0). */
export const MAX_RUN_STEPS = 1_000_000;
/** Most figures one metrics row may hold, and the longest name of one. */
export const MAX_METRIC_FIGURES = 256;
export const MAX_METRIC_NAME = 100;

/** A step's metrics under TRL's names, with the step. */
export type MetricRow = { step: number } & Record<string, number>;

const isPlainObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const stepCount = () => bounded({ integer: true, min: 0, max: MAX_RUN_STEPS });

/**
 * A step's metrics row: figures by name, each a number (null in JSON: a NaN written out, dropped),
 * and the step, a whole number.
 */
export const METRIC_ROW_SCHEMA = v.pipe(
  v.custom<Record<string, unknown>>(isPlainObject, 'is not an object'),
  v.check((o) => Object.keys(o).length <= MAX_METRIC_FIGURES, (i) => `has ${Object.keys(i.input as object).length} figures; at most ${MAX_METRIC_FIGURES}`),
  v.record(
    v.pipe(v.string(), v.maxLength(MAX_METRIC_NAME, (i: v.MaxLengthIssue<string, number>) => `has a figure named ${quote(i.input)}, longer than ${MAX_METRIC_NAME} characters`)),
    // NaN and the infinities too: a run kept in IndexedDB holds a step's figures as they were.
    v.nullable(v.custom<number>((x) => typeof x === 'number', (i) => `must be a number or null; got ${quote(i.input)}`)),
  ),
  v.transform((o) => Object.fromEntries(Object.entries(o).filter((e): e is [string, number] => e[1] !== null))),
  v.check((o) => v.is(stepCount(), o.step), (i) => `step must be a whole number from 0 to ${MAX_RUN_STEPS}; got ${quote((i.input as Record<string, unknown>).step)}`),
  // Rows kept before the metrics took TRL's names read under today's (metric-names.ts).
  v.transform((o) => currentMetricNames(o as MetricRow)),
);

/** Known PPO knobs of a stored config over the defaults (knobs added since take theirs; unknown ones are dropped), checked as a whole. */
const STORED_CONFIG_SCHEMA = v.pipe(
  v.custom<Record<string, unknown>>(isPlainObject, 'must be an object'),
  v.transform((c): PpoConfig => ({ ...PPO_DEFAULTS, ...Object.fromEntries(Object.entries(c).filter(([k]) => Object.hasOwn(PPO_DEFAULTS, k))) }) as PpoConfig),
  v.check((c) => checkPpoConfig(c).length === 0, (i) => {
    const bad = checkPpoConfig(i.input as PpoConfig)[0];
    return bad ? `${bad.field} ${bad.message}` : 'is not a PPO config';
  }),
);

/** A PPO run as kept: what it was asked to do, and how far it had come at its last save. */
export const STORED_RUN_SCHEMA = obj(
  {
    version: v.literal(PPO_RUN_STORE_VERSION),
    /** When the run started and when it was last saved (ISO 8601). */
    startedAt: text(64),
    savedAt: text(64),
    /** Steps applied when the policy was last saved; the metrics go up to this step. */
    step: stepCount(),
    /** The run had ended (finished or stopped) at that save. */
    ended: v.boolean('must be true or false'),
    /** The policy saved with it: its name, the origin of its weights and their version then. */
    // Versions grow by a run's name with each run in the page: a free text's length.
    policy: obj({ name: text(MAX_NAME), origin: text(MAX_TEXT), version: text(MAX_TEXT) }, 'must name the policy (name, origin, version)'),
    preset: text(MAX_NAME),
    config: STORED_CONFIG_SCHEMA,
    /** Steps asked for (0: until stopped), labels per RM refresh, steps per autosave. */
    steps: stepCount(),
    refreshEvery: stepCount(),
    saveEvery: stepCount(),
    /** Every step's metrics up to `step`, oldest first (step 0 holds the gold figures before training). */
    metrics: v.pipe(
      v.array(v.unknown(), 'must be a list'),
      v.maxLength(MAX_RUN_STEPS + 1, (i: v.MaxLengthIssue<unknown[], number>) => `has ${i.input.length} rows; at most ${MAX_RUN_STEPS + 1}`),
      v.array(METRIC_ROW_SCHEMA),
    ),
  },
  'is not a record of a run',
);

export type StoredPpoRun = v.InferOutput<typeof STORED_RUN_SCHEMA>;

/** An issue in words, its place first: "step: must be …", "metrics row 2: objective/kl must be …". */
function describeIssue(i: v.BaseIssue<unknown>): string {
  const path = pathOf(i);
  const row = /^metrics\[(\d+)\]\.?(.*)$/.exec(path);
  if (row) return `metrics row ${Number(row[1]) + 1}: ${row[2] ? `${row[2]} ` : ''}${i.message}`;
  return path ? `${path}: ${i.message}` : i.message;
}

/**
 * Checks a step's metrics row: returns it (under today's names, metric-names.ts), or why it is
 * not one. Values may be null in JSON (a NaN written out), and those are dropped.
 */
export function readMetricRow(value: unknown): MetricRow | string {
  const res = v.safeParse(METRIC_ROW_SCHEMA, value);
  if (!res.success) return res.issues.map((i) => { const p = pathOf(i); return p ? `${p} ${i.message}` : i.message; })[0] as string;
  return res.output;
}

/**
 * Reads a stored (or bundled) run: the run, or the first thing wrong with it in words. Knobs the
 * record lacks take their defaults; metrics past its step are left out.
 */
export function readStoredRun(value: unknown): { run: StoredPpoRun } | { problem: string } {
  if (!isPlainObject(value)) return { problem: 'it is not a record of a run' };
  if (value.version !== PPO_RUN_STORE_VERSION) return { problem: `it is in a layout this page does not know (version ${quote(value.version)})` };
  const res = v.safeParse(STORED_RUN_SCHEMA, value);
  if (!res.success) return { problem: describeIssue(res.issues[0]) };
  const run = res.output;
  return { run: { ...run, metrics: run.metrics.filter((m) => m.step <= run.step) } };
}

/** The generation a version names past its origin ("sft@1a2b3c4d+12" → 12), or null when it is not of that origin. */
export function generationOf(origin: string, version: string): number | null {
  if (version === origin) return 0;
  if (!version.startsWith(`${origin}+`)) return null;
  const n = Number(version.slice(origin.length + 1));
  return Number.isInteger(n) && n > 0 ? n : null;
}

/** What a run was asked to do, set when it starts. */
export type RunPlan = Pick<StoredPpoRun, 'startedAt' | 'preset' | 'config' | 'steps' | 'refreshEvery' | 'saveEvery'>;

/** The run kept in a policy's metadata (under ppo.run), read; null when the policy has none. */
export function runOfPolicy(metadata: Record<string, unknown>): ReturnType<typeof readStoredRun> | null {
  const run = (metadata.ppo as { run?: unknown } | undefined)?.run;
  return run === undefined ? null : readStoredRun(run);
}
