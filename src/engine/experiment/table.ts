// The experiment's table: what each row scored on the benchmarks on each seed, the mean over
// seeds (the bench JSON report with every figure averaged), the PPO rows' curves, the reward
// models' figures, and the targets' verdicts, as JSON (table.json); table-md.ts writes it as Markdown.
// What a row holds is in row-results.ts, below both this and the targets.
// No TensorFlow.js: the page builds and shows the same table from a finished job.

import type { BenchSize } from '../bench/shapes-hal';
import type { Label } from '../prefs/labels';
import type { CurvePoint, SeedRow, TableRow } from './row-results';
import type { RowSpec, StartPolicy } from './rows';
import { evaluateTargets, type TargetResult, type TargetSpec } from './targets';

/** A trained reward model's figures on one seed. */
export interface RmFigures {
  seed: number;
  /** Label set and kind: "sft-plus/careful/fact". */
  id: string;
  trainPairs: number;
  heldOutPairs: number;
  labels: Record<Label, number>;
  heldOutAccuracy: number | null;
  /** The annotator's own ceiling on the held-out pairs. */
  accuracyCeiling: number | null;
  /** Probe comparisons (share of probe scenes where the better answer scores higher). */
  probes: Record<string, number>;
  steps: number;
  seconds: number;
  /**
   * A sentence reward model's: trainPairs and heldOutPairs count marked answers, heldOutAccuracy is
   * per sentence, and these are its held-out sentences, the false ones among them, the accuracy of
   * calling every one true, and the shares of false ones caught and true ones kept.
   */
  sentences?: { heldOut: number; falseSentences: number; alwaysTrue: number | null; falseCaught: number | null; trueKept: number | null };
}

/** Where a seed's time went, in seconds. */
export interface PhaseSeconds {
  sft: number;
  label: number;
  rm: number;
  ppo: number;
  dpo: number;
  bench: number;
}

/** What the job hands back for one seed. */
export interface SeedResult {
  seed: number;
  /** The start policies' versions and where they came from. */
  starts: Partial<Record<StartPolicy, { version: string; source: 'shipped' | 'retrained' }>>;
  rows: ({ name: string } & SeedRow)[];
  rms: RmFigures[];
  seconds: PhaseSeconds;
}

export interface ExperimentTable {
  preset: string;
  description: string;
  seeds: number[];
  benchSize: BenchSize;
  /** The settings shared by every seed (pairs, steps, the PPO overrides, the reward-model job). */
  settings: Record<string, unknown>;
  starts: SeedResult['starts'][];
  rows: TableRow[];
  rms: RmFigures[];
  targets: TargetResult[];
  /** Seconds by phase over all seeds, and in all. */
  seconds: PhaseSeconds & { total: number };
  /** The job was stopped before the end: some rows or seeds are missing. */
  stopped: boolean;
  /** Set by the command line when a signal stopped it: which, and the row under way, kept at its last finished step (`step`), not in the table. */
  interrupted?: { signal: string; seed?: number; row?: string; step?: number; checkpoint?: string };
}

/**
 * The element-wise mean of objects of one shape (numbers averaged, nested objects in turn;
 * anything else taken from the first). Returns a new object.
 */
export function meanOf<T>(xs: readonly T[]): T {
  const first = xs[0];
  if (typeof first === 'number') return (xs as readonly number[]).reduce((a, b) => a + b, 0) / xs.length as T;
  if (typeof first !== 'object' || first === null || Array.isArray(first)) return first as T;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(first)) out[k] = meanOf(xs.map((x) => (x as Record<string, unknown>)[k]));
  return out as T;
}

function sdOf(xs: readonly number[]): number {
  const m = xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / Math.max(1, xs.length));
}

/** The curves of several seeds averaged step by step (a figure averaged over the seeds that have it at that step). */
export function meanCurve(curves: readonly (readonly CurvePoint[])[]): CurvePoint[] {
  const bySteps = new Map<number, CurvePoint[]>();
  for (const c of curves) for (const p of c) bySteps.set(p.step, [...(bySteps.get(p.step) ?? []), p]);
  const keys = ['rmScore', 'kl', 'length', 'goldScore', 'goldHallucination', 'goldTrueInformative', 'goldNoAnswer'] as const;
  return [...bySteps.entries()].sort((a, b) => a[0] - b[0]).map(([step, ps]) => {
    const out: CurvePoint = { step };
    for (const k of keys) {
      const xs = ps.map((p) => p[k]).filter((x): x is number => x !== undefined);
      if (xs.length) out[k] = xs.reduce((a, b) => a + b, 0) / xs.length;
    }
    return out;
  });
}

/** The table of a finished (or stopped) job: rows in the spec's order, each with the seeds it ran on. */
export function buildTable(head: { preset: string; description: string; seeds: number[]; benchSize: BenchSize; settings: Record<string, unknown>; rows: readonly RowSpec[]; targets: readonly TargetSpec[] }, seeds: readonly SeedResult[], stopped = false, slugOf: (name: string) => string = (n) => n): ExperimentTable {
  const rows: TableRow[] = head.rows.flatMap((spec): TableRow[] => {
    const perSeed = seeds.flatMap((s) => s.rows.filter((r) => r.name === spec.name).map(({ name: _name, ...r }) => r));
    if (perSeed.length === 0) return [];
    const hal = perSeed.map((r) => r.report.shapesHal);
    const row: TableRow = {
      name: spec.name, slug: slugOf(spec.name), spec,
      mean: meanOf(perSeed.map((r) => r.report)),
      sd: { trueInformative: sdOf(hal.map((h) => h.trueInformative)), score: sdOf(hal.map((h) => h.score)), hallucinationRate: sdOf(hal.map((h) => h.hallucinationRate)), informativeness: sdOf(hal.map((h) => h.informativeness)) },
      perSeed,
      meanResponseLength: perSeed.reduce((a, r) => a + r.meanResponseLength, 0) / perSeed.length,
    };
    if (spec.kind === 'ppo') row.curve = meanCurve(perSeed.map((r) => r.ppo?.curve ?? []));
    return [row];
  });
  const phases: PhaseSeconds = { sft: 0, label: 0, rm: 0, ppo: 0, dpo: 0, bench: 0 };
  for (const s of seeds) for (const k of Object.keys(phases) as (keyof PhaseSeconds)[]) phases[k] += s.seconds[k] ?? 0;
  const table: ExperimentTable = {
    preset: head.preset, description: head.description, seeds: seeds.map((s) => s.seed), benchSize: head.benchSize, settings: head.settings,
    starts: seeds.map((s) => s.starts), rows, rms: seeds.flatMap((s) => s.rms), targets: [],
    seconds: { ...phases, total: Object.values(phases).reduce((a, b) => a + b, 0) }, stopped,
  };
  table.targets = evaluateTargets(table, head.targets);
  return table;
}
