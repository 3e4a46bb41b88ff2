// The benchmark report: ShapesHal-Bench, POPE and CHAIR together, in the JSON shape that
// scripts rely on (`bench --json`).

import { chairItems, scoreChair, type ChairItem, type ChairReport } from './chair';
import { popeByTruth, popeItems, scorePope, type PopeByTruth, type PopeItem, type PopeMetrics, type PopeSplit } from './pope';
import { factSentences } from '../world/facts';
import type { PromptExample } from '../data/batches';
import { scoreShapesHal, shapesHalItems, type BenchItem, type BenchSize, type ShapesHalReport } from './shapes-hal';

export interface BenchSuite {
  shapesHal: BenchItem[];
  pope: PopeItem[];
  chair: ChairItem[];
}

export interface BenchReport {
  shapesHal: ShapesHalReport;
  pope: Record<PopeSplit, PopeMetrics>;
  /** POPE's "yes" answers by the truth: present large, present small, absent per pool. */
  popeByTruth: PopeByTruth;
  chair: ChairReport;
}

/** A report as stored before POPE was split by the truth (runs kept in a browser, older table.json files). */
export type StoredBenchReport = Omit<BenchReport, 'popeByTruth'> & { popeByTruth?: PopeByTruth };

/** Returns every benchmark item at the given size. */
export function benchSuite(size: BenchSize = 'standard'): BenchSuite {
  return { shapesHal: shapesHalItems(size), pope: popeItems(size), chair: chairItems(size) };
}

/**
 * All items as one list of {id, scene, question}: what a model must answer. With `facts`, each
 * prompt carries its scene's facts caption: what the policy says when it is told what is there,
 * apart from what it sees.
 */
export function allPrompts(s: BenchSuite, facts = false): (PromptExample & { id: string })[] {
  return [...s.shapesHal, ...s.pope, ...s.chair].map(({ id, scene, question }) => ({ id, scene, question, ...(facts ? { facts: factSentences(scene) } : {}) }));
}

/** Scores responses by item id against every benchmark. */
export function scoreBench(s: BenchSuite, responses: ReadonlyMap<string, string>): BenchReport {
  return { shapesHal: scoreShapesHal(s.shapesHal, responses), pope: scorePope(s.pope, responses), popeByTruth: popeByTruth(s.pope, responses), chair: scoreChair(s.chair, responses) };
}
