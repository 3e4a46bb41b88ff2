// The over-optimisation curve's points: gold and proxy (RM) scores against d = √KL from the start
// policy, from any list of {kl, gold, rm} measurements (best-of-n rows, DPO checkpoints) or from a
// PPO run's metrics (metrics.jsonl, the keys of src/engine/ppo/metrics.ts). No TensorFlow.js.

import * as v from 'valibot';
import { quote, text as textOf } from '../files/schema';
import { MAX_METRIC_NAME, MAX_RUN_STEPS, readMetricRow } from '../ppo/run-record';

/** One measurement of a policy: its KL from the start policy and what the judge and the RM say of it. */
export interface OveroptMeasure {
  /** Nats per response from the start policy (an estimate may dip below 0; it counts as 0). */
  kl: number;
  /** The judge's mean score 0-6. */
  goldScore: number;
  /** Share of answers scoring below 3, when measured. */
  hallucinationRate?: number;
  /** The reward model's normalised score, when measured. */
  rmScore?: number;
  /** Where the point comes from: the n of best-of-n, a PPO step. */
  n?: number;
  step?: number;
}

/** A point of the curve. */
export interface CurvePoint {
  /** √KL. */
  d: number;
  kl: number;
  gold: number;
  hallucinationRate: number | null;
  rmScore: number | null;
  n?: number;
  step?: number;
}

/** The points of a curve, d = √max(0, KL), sorted by d (ties keep their order); the input is unchanged. */
export function curvePoints(measures: readonly OveroptMeasure[]): CurvePoint[] {
  return measures
    .map((m) => {
      const kl = Math.max(0, m.kl);
      const p: CurvePoint = { d: Math.sqrt(kl), kl, gold: m.goldScore, hallucinationRate: m.hallucinationRate ?? null, rmScore: m.rmScore ?? null };
      if (m.n !== undefined) p.n = m.n;
      if (m.step !== undefined) p.step = m.step;
      return p;
    })
    .sort((a, b) => a.d - b.d);
}

/** A line of a PPO run's metrics.jsonl: its step and TRL-named figures. */
export type PpoMetricsLine = { step: number } & Record<string, number | string | undefined>;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * The measures of a PPO run, one per line that carries gold figures (`gold/score`, and
 * `gold/hallucination_rate`). The gold of step k is measured after its update, while a line's
 * `objective/kl` and `objective/base_score` (the normalised RM score, before the symbolic terms)
 * come from the rollout sampled before it; so the KL and RM score of the policy the gold was
 * measured on are read from line k + 1 (the same line for the last one). Step 0's gold (before any
 * update) pairs with step 1's rollout, sampled by the start policy itself (KL 0).
 */
export function ppoMeasures(lines: readonly PpoMetricsLine[]): OveroptMeasure[] {
  const byStep = new Map<number, PpoMetricsLine>();
  for (const l of lines) if (!l.nonFinite) byStep.set(l.step, { ...byStep.get(l.step), ...l });
  const out: OveroptMeasure[] = [];
  for (const [step, l] of [...byStep].sort((a, b) => a[0] - b[0])) {
    const gold = num(l['gold/score']);
    if (gold === undefined) continue;
    const next = byStep.get(step + 1);
    const from = next && num(next['objective/kl']) !== undefined ? next : l;
    const kl = step === 0 ? 0 : num(from['objective/kl']);
    if (kl === undefined) continue;
    const m: OveroptMeasure = { kl, goldScore: gold, step };
    const hal = num(l['gold/hallucination_rate']);
    if (hal !== undefined) m.hallucinationRate = hal;
    const rm = num(from['objective/base_score']);
    if (rm !== undefined) m.rmScore = rm;
    out.push(m);
  }
  return out;
}

/** Most lines a metrics.jsonl may have: two a step (a step's figures, then its gold), over the longest run. */
export const MAX_METRICS_LINES = 2 * (MAX_RUN_STEPS + 1);

/**
 * Parses metrics.jsonl text into lines under today's names, each read as a stored run's metrics row
 * is (readMetricRow: bounded, old names mapped), with the quantity a step that went non-finite
 * names kept; blank lines are skipped. Throws an Error naming the first bad line by its number
 * ("line 4: not JSON"), or one for a file of more than MAX_METRICS_LINES lines ("has more than …
 * lines", refused before any line is read); the caller names the file.
 */
export function parseMetricsJsonl(text: string): PpoMetricsLine[] {
  let count = 1;
  for (let i = text.indexOf('\n'); i !== -1 && count <= MAX_METRICS_LINES; i = text.indexOf('\n', i + 1)) count += 1;
  if (count > MAX_METRICS_LINES) throw new Error(`has more than ${MAX_METRICS_LINES} lines`);
  const out: PpoMetricsLine[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    const bad = (why: string) => new Error(`line ${i + 1}: ${why}`);
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      throw bad('not JSON');
    }
    // A step that went non-finite names the quantity (ppo's line); the rest is an ordinary row.
    const { nonFinite, ...figures } = (value && typeof value === 'object' && !Array.isArray(value) ? value : { value }) as Record<string, unknown>;
    if (nonFinite !== undefined && !v.is(textOf(MAX_METRIC_NAME), nonFinite)) throw bad(`nonFinite must be a name of at most ${MAX_METRIC_NAME} characters; got ${quote(nonFinite)}`);
    const row = readMetricRow(value && typeof value === 'object' && !Array.isArray(value) ? figures : value);
    if (typeof row === 'string') throw bad(row);
    out.push(nonFinite === undefined ? row : { ...row, nonFinite: nonFinite as string });
  });
  return out;
}

/** The measured peak of a curve: its highest gold, where, and how far the last point has fallen below it. */
export interface MeasuredPeak {
  d: number;
  gold: number;
  /** Index of the peak among the points (by d). */
  index: number;
  /** Highest gold minus the gold at the largest d (0 when the last point is the highest). */
  fall: number;
}

/** The highest-gold point of a curve (the first on ties) and the fall after it; null for no points. */
export function measuredPeak(points: readonly CurvePoint[]): MeasuredPeak | null {
  if (points.length === 0) return null;
  let index = 0;
  points.forEach((p, i) => {
    if (p.gold > (points[index] as CurvePoint).gold) index = i;
  });
  const peak = points[index] as CurvePoint;
  return { d: peak.d, gold: peak.gold, index, fall: peak.gold - (points.at(-1) as CurvePoint).gold };
}
