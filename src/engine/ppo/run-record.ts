// A PPO run as the page's worker keeps it, in the metadata of the policy it saves (one save holds
// the weights, the run's config and its metrics up to that step), and as a run bundle carries it.
// The record has a layout version; one of a later layout is named, and a record missing knobs
// added since takes their defaults (the migration path for new knobs).

import { PPO_DEFAULTS, checkPpoConfig, type PpoConfig } from './config';
import { currentMetricNames } from './metric-names';

/** The layout of a stored run (1). */
export const PPO_RUN_STORE_VERSION = 1;

/** A step's metrics under TRL's names, with the step. */
export type MetricRow = { step: number } & Record<string, number>;

/** A PPO run as kept: what it was asked to do, and how far it had come at its last save. */
export interface StoredPpoRun {
  version: typeof PPO_RUN_STORE_VERSION;
  /** When the run started and when it was last saved (ISO 8601). */
  startedAt: string;
  savedAt: string;
  /** Steps applied when the policy was last saved; the metrics go up to this step. */
  step: number;
  /** The run had ended (finished or stopped) at that save. */
  ended: boolean;
  /** The policy saved with it: its name, the origin of its weights and their version then. */
  policy: { name: string; origin: string; version: string };
  preset: string;
  config: PpoConfig;
  /** Steps asked for (0: until stopped), labels per RM refresh, steps per autosave. */
  steps: number;
  refreshEvery: number;
  saveEvery: number;
  /** Every step's metrics up to `step`, oldest first (step 0 holds the gold figures before training). */
  metrics: MetricRow[];
}

const isInt = (v: unknown, min = 0): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;
const isText = (v: unknown): v is string => typeof v === 'string';

/**
 * Checks a step's metrics row: returns it (under today's names, metric-names.ts), or why it is
 * not one. Values may be null in JSON (a NaN written out), and those are dropped.
 */
export function readMetricRow(v: unknown): MetricRow | string {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'is not an object';
  const row: Record<string, number> = {};
  for (const [k, x] of Object.entries(v)) {
    if (x === null) continue;
    if (typeof x !== 'number') return `${k} is not a number`;
    row[k] = x;
  }
  if (!isInt(row.step)) return 'step is not a whole number from 0';
  return currentMetricNames(row as MetricRow);
}

/**
 * Reads a stored (or bundled) run: the run, or the first thing wrong with it in words. Knobs the
 * record lacks take their defaults; metrics past its step are left out.
 */
export function readStoredRun(v: unknown): { run: StoredPpoRun } | { problem: string } {
  if (typeof v !== 'object' || v === null) return { problem: 'it is not a record of a run' };
  const r = v as Record<string, unknown>;
  if (r.version !== PPO_RUN_STORE_VERSION) return { problem: `it is in a layout this page does not know (version ${JSON.stringify(r.version)})` };
  for (const f of ['startedAt', 'savedAt', 'preset'] as const) if (!isText(r[f])) return { problem: `${f} is not text` };
  for (const f of ['step', 'steps', 'refreshEvery', 'saveEvery'] as const) if (!isInt(r[f])) return { problem: `${f} is not a whole number from 0` };
  if (typeof r.ended !== 'boolean') return { problem: 'ended is not true or false' };
  const p = r.policy as Record<string, unknown> | null;
  if (typeof p !== 'object' || p === null || !isText(p.name) || !isText(p.origin) || !isText(p.version)) return { problem: 'policy does not name the policy (name, origin, version)' };
  if (typeof r.config !== 'object' || r.config === null) return { problem: 'config is not an object' };
  const config = { ...PPO_DEFAULTS, ...(r.config as Partial<PpoConfig>) };
  const bad = checkPpoConfig(config)[0];
  if (bad) return { problem: `config: ${bad.field} ${bad.message}` };
  if (!Array.isArray(r.metrics)) return { problem: 'metrics is not a list' };
  const metrics: MetricRow[] = [];
  for (const [i, m] of r.metrics.entries()) {
    const row = readMetricRow(m);
    if (typeof row === 'string') return { problem: `metrics row ${i + 1} ${row}` };
    if (row.step <= (r.step as number)) metrics.push(row);
  }
  const run: StoredPpoRun = {
    version: PPO_RUN_STORE_VERSION,
    startedAt: r.startedAt as string,
    savedAt: r.savedAt as string,
    step: r.step as number,
    ended: r.ended,
    policy: { name: p.name, origin: p.origin, version: p.version },
    preset: r.preset as string,
    config,
    steps: r.steps as number,
    refreshEvery: r.refreshEvery as number,
    saveEvery: r.saveEvery as number,
    metrics,
  };
  return { run };
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
