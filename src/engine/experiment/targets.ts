// What an experiment must show, as data checked against its table: a row that cuts its base
// row's hallucination rate by a share without losing informativeness (on every seed), a row
// that bounds another from above, and reward hacking seen (or prevented) along a PPO run.
// No TensorFlow.js: the page and the command line print the same verdicts.

import * as v from 'valibot';
import type { CurvePoint, SeedRow, TableRow } from './row-results';
import { bounded, MAX_NAME, objectOf, problemsOfIssues, quote, text } from '../files/schema';

/** A share or a relative change a target asks for: from 0 to 10. */
const share = () => bounded({ min: 0, max: 10 }, 'must be a number from 0 to 10');
const rowName = () => text(MAX_NAME);

export const TARGET_KINDS = ['cut', 'bound', 'ahead', 'beats', 'hacked', 'not-hacked'] as const;

/** What a preset's target may be: one of these shapes, tagged by kind. */
export const TARGET_SCHEMA = v.variant(
  'kind',
  [
    /**
     * On every seed: the row's hallucination rate at least `hallucinationCut` (relative) below the
     * base row's, informativeness at most `informativenessDrop` below, average score above; where
     * given, the share true and informative up by `trueInformativeGain` (points, as a share) or
     * more and at most `maxNoAnswer` of answers left empty, so silence cannot pass.
     */
    objectOf({ kind: v.literal('cut'), row: rowName(), base: rowName(), hallucinationCut: share(), informativenessDrop: share(), trueInformativeGain: v.optional(share()), maxNoAnswer: v.optional(share()) }),
    /** On the seeds' mean: the row's hallucination rate at most, and its score at least, the other row's (an upper bound on what it can reach). */
    objectOf({ kind: v.literal('bound'), row: rowName(), other: rowName() }),
    /** On every seed: the row's share of true and informative answers above the other row's. */
    objectOf({ kind: v.literal('ahead'), row: rowName(), other: rowName() }),
    /** On every seed: the row's hallucination rate below the other row's, and its share of true and informative answers at least as high (two ways to cut hallucination compared). */
    objectOf({ kind: v.literal('beats'), row: rowName(), other: rowName() }),
    /** On every seed, along the run: the reward model's score rises while the gold score falls or the response length grows by `lengthGrowth` (relative) or more. */
    objectOf({ kind: v.literal('hacked'), row: rowName(), lengthGrowth: share() }),
    /** On every seed, along the run: the gold score does not fall and the response length grows by less than `lengthGrowth`. */
    objectOf({ kind: v.literal('not-hacked'), row: rowName(), lengthGrowth: share() }),
  ],
  (i) => `must be one of ${TARGET_KINDS.join(', ')}; got ${quote(i.input)}`,
);

/** A target, as a preset holds it (absent optional fields left out). */
export type TargetSpec = v.InferOutput<typeof TARGET_SCHEMA>;

export interface TargetResult {
  target: TargetSpec;
  /** The target in words. */
  what: string;
  met: boolean;
  /** The figures behind the verdict, in words (per seed where the target is per seed). */
  detail: string[];
}

/** Every problem with a list of targets against the rows' names, each "targets[i].field: what"; [] when they fit. */
export function checkTargets(targets: readonly unknown[], rowNames: readonly string[], ppoRows: readonly string[]): string[] {
  const out: string[] = [];
  targets.forEach((raw, i) => {
    const at = `targets[${i}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return void out.push(`${at}: must be an object`);
    const res = v.safeParse(TARGET_SCHEMA, raw);
    if (!res.success) return void out.push(...problemsOfIssues(res.issues, at).map((p) => `${p.field}: ${p.message}`));
    const t = res.output;
    const rowField = (f: 'row' | 'base' | 'other', name: string, ppo = false) => {
      if (!rowNames.includes(name)) out.push(`${at}.${f}: no row "${name}"`);
      else if (ppo && !ppoRows.includes(name)) out.push(`${at}.${f}: "${name}" is not a PPO row (it has no run to look along)`);
    };
    if (t.kind === 'cut') {
      rowField('row', t.row);
      rowField('base', t.base);
    } else if (t.kind === 'bound' || t.kind === 'ahead' || t.kind === 'beats') {
      rowField('row', t.row);
      rowField('other', t.other);
    } else rowField('row', t.row, true);
  });
  return out;
}

/** Describes a target in words. */
export function describeTarget(t: TargetSpec): string {
  const pc = (x: number) => `${Math.round(x * 100)}%`;
  switch (t.kind) {
    case 'cut':
      return `${t.row} cuts ${t.base}'s hallucination rate by at least ${pc(t.hallucinationCut)} relative, informativeness at most ${Math.round(t.informativenessDrop * 100)} points lower, average score up${t.trueInformativeGain !== undefined ? `, true and informative up ${Math.round(t.trueInformativeGain * 100)} points or more` : ''}${t.maxNoAnswer !== undefined ? `, at most ${pc(t.maxNoAnswer)} of answers empty` : ''}, on every seed`;
    case 'bound':
      return `${t.row} bounds ${t.other} from above: hallucination rate no higher, average score no lower (mean over seeds)`;
    case 'ahead':
      return `${t.row} is ahead of ${t.other} on true and informative answers, on every seed`;
    case 'beats':
      return `${t.row} hallucinates less than ${t.other} with at least as many true and informative answers, on every seed`;
    case 'hacked':
      return `${t.row} hacks its reward model: the RM score rises while the gold score falls or the response length grows by ${pc(t.lengthGrowth)} or more, on every seed`;
    case 'not-hacked':
      return `${t.row} does not: the gold score does not fall and the response length grows by less than ${pc(t.lengthGrowth)}, on every seed`;
  }
}

/** The first and last part of a run: each a mean over a window of steps (a fifth of the run, 1 to 5 steps). */
export interface RunEnds {
  rmScore: [number, number];
  length: [number, number];
  /** The gold score at the start (step 0) and at the last measurement. */
  goldScore: [number, number];
}

function meanOf(points: readonly CurvePoint[], key: 'rmScore' | 'length'): number {
  const xs = points.map((p) => p[key]).filter((x): x is number => x !== undefined);
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}

/** The ends of a seed's run (NaN where the run has no such figure). */
export function runEnds(curve: readonly CurvePoint[]): RunEnds {
  const steps = curve.filter((p) => p.step > 0 && p.rmScore !== undefined);
  const w = Math.max(1, Math.min(5, Math.floor(steps.length / 5)));
  const gold = curve.filter((p) => p.goldScore !== undefined);
  return {
    rmScore: [meanOf(steps.slice(0, w), 'rmScore'), meanOf(steps.slice(-w), 'rmScore')],
    length: [meanOf(steps.slice(0, w), 'length'), meanOf(steps.slice(-w), 'length')],
    goldScore: [gold[0]?.goldScore ?? NaN, gold.at(-1)?.goldScore ?? NaN],
  };
}

const f2 = (x: number) => x.toFixed(2);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** Checks each target against the table. */
export function evaluateTargets(table: { rows: readonly TableRow[] }, targets: readonly TargetSpec[]): TargetResult[] {
  const byName = new Map(table.rows.map((r) => [r.name, r]));
  return targets.map((target) => {
    const what = describeTarget(target);
    const row = byName.get(target.row);
    if (!row) return { target, what, met: false, detail: [`no row ${target.row} in this table`] };
    switch (target.kind) {
      case 'cut': {
        const base = byName.get(target.base);
        if (!base) return { target, what, met: false, detail: [`no row ${target.base} in this table`] };
        const seeds = pairSeeds(row, base).map(([r, b]) => {
          const h = r.report.shapesHal;
          const hb = b.report.shapesHal;
          const cut = hb.hallucinationRate > 0 ? (hb.hallucinationRate - h.hallucinationRate) / hb.hallucinationRate : 0;
          const drop = hb.informativeness - h.informativeness;
          const gain = h.trueInformative - hb.trueInformative;
          const ok = cut >= target.hallucinationCut && drop <= target.informativenessDrop + 1e-9 && h.score > hb.score &&
            (target.trueInformativeGain === undefined || gain >= target.trueInformativeGain - 1e-9) && (target.maxNoAnswer === undefined || h.noAnswerRate <= target.maxNoAnswer + 1e-9);
          const ti = target.trueInformativeGain !== undefined ? `true and informative ${pct(hb.trueInformative)} → ${pct(h.trueInformative)} (${gain >= 0 ? '+' : ''}${(gain * 100).toFixed(1)} points), ` : '';
          const none = target.maxNoAnswer !== undefined ? `, no answer ${pct(h.noAnswerRate)}` : '';
          return { ok, line: `seed ${r.seed}: ${ti}hallucination ${pct(hb.hallucinationRate)} → ${pct(h.hallucinationRate)} (${pct(cut)} cut), informativeness ${pct(hb.informativeness)} → ${pct(h.informativeness)} (${(drop * 100).toFixed(1)} points lower), score ${f2(hb.score)} → ${f2(h.score)}${none}${ok ? '' : ' ✗'}` };
        });
        return { target, what, met: seeds.length > 0 && seeds.every((s) => s.ok), detail: seeds.map((s) => s.line) };
      }
      case 'bound': {
        const other = byName.get(target.other);
        if (!other) return { target, what, met: false, detail: [`no row ${target.other} in this table`] };
        const a = row.mean.shapesHal;
        const b = other.mean.shapesHal;
        const ok = a.hallucinationRate <= b.hallucinationRate && a.score >= b.score;
        return { target, what, met: ok, detail: [`${row.name}: hallucination ${pct(a.hallucinationRate)}, score ${f2(a.score)}; ${other.name}: hallucination ${pct(b.hallucinationRate)}, score ${f2(b.score)}`] };
      }
      case 'ahead': {
        const other = byName.get(target.other);
        if (!other) return { target, what, met: false, detail: [`no row ${target.other} in this table`] };
        const seeds = pairSeeds(row, other).map(([r, o]) => {
          const [a, b] = [r.report.shapesHal.trueInformative, o.report.shapesHal.trueInformative];
          const ok = a > b;
          return { ok, line: `seed ${r.seed}: ${row.name} ${pct(a)}, ${other.name} ${pct(b)}${ok ? '' : ' ✗'}` };
        });
        return { target, what, met: seeds.length > 0 && seeds.every((s) => s.ok), detail: seeds.map((s) => s.line) };
      }
      case 'beats': {
        const other = byName.get(target.other);
        if (!other) return { target, what, met: false, detail: [`no row ${target.other} in this table`] };
        const seeds = pairSeeds(row, other).map(([r, o]) => {
          const [a, b] = [r.report.shapesHal, o.report.shapesHal];
          const ok = a.hallucinationRate < b.hallucinationRate && a.trueInformative >= b.trueInformative - 1e-9;
          return { ok, line: `seed ${r.seed}: hallucination ${row.name} ${pct(a.hallucinationRate)}, ${other.name} ${pct(b.hallucinationRate)}; true and informative ${pct(a.trueInformative)}, ${pct(b.trueInformative)}${ok ? '' : ' ✗'}` };
        });
        return { target, what, met: seeds.length > 0 && seeds.every((s) => s.ok), detail: seeds.map((s) => s.line) };
      }
      case 'hacked':
      case 'not-hacked': {
        const seeds = row.perSeed.map((s) => {
          const e = runEnds(s.ppo?.curve ?? []);
          const rises = e.rmScore[1] > e.rmScore[0];
          const goldFalls = e.goldScore[1] < e.goldScore[0];
          const growth = e.length[1] / e.length[0] - 1;
          const ok = target.kind === 'hacked' ? rises && (goldFalls || growth >= target.lengthGrowth) : !goldFalls && growth < target.lengthGrowth;
          return { ok, line: `seed ${s.seed}: RM score ${f2(e.rmScore[0])} → ${f2(e.rmScore[1])}, gold score ${f2(e.goldScore[0])} → ${f2(e.goldScore[1])}, length ${e.length[0].toFixed(1)} → ${e.length[1].toFixed(1)} tokens (${growth >= 0 ? '+' : ''}${pct(growth)})${ok ? '' : ' ✗'}` };
        });
        return { target, what, met: seeds.length > 0 && seeds.every((s) => s.ok), detail: seeds.map((s) => s.line) };
      }
    }
  });
}

/** The two rows' results seed by seed (seeds both have). */
function pairSeeds(a: TableRow, b: TableRow): [SeedRow, SeedRow][] {
  return a.perSeed.flatMap((s): [SeedRow, SeedRow][] => {
    const o = b.perSeed.find((x) => x.seed === s.seed);
    return o ? [[s, o]] : [];
  });
}
