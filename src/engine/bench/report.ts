// The benchmark report: ShapesHal-Bench, POPE and CHAIR together, in the JSON shape that
// scripts rely on (`bench --json`).

import { chairItems, scoreChair, type ChairItem, type ChairReport } from './chair';
import { popeItems, scorePope, type PopeItem, type PopeMetrics, type PopeSplit } from './pope';
import { scoreShapesHal, shapesHalItems, type BenchItem, type BenchSize, type ShapesHalReport } from './shapes-hal';

export interface BenchSuite {
  shapesHal: BenchItem[];
  pope: PopeItem[];
  chair: ChairItem[];
}

export interface BenchReport {
  shapesHal: ShapesHalReport;
  pope: Record<PopeSplit, PopeMetrics>;
  chair: ChairReport;
}

/** Returns every benchmark item at the given size. */
export function benchSuite(size: BenchSize = 'standard'): BenchSuite {
  return { shapesHal: shapesHalItems(size), pope: popeItems(size), chair: chairItems(size) };
}

/** All items as one list of {id, scene, question}: what a model must answer. */
export function allPrompts(s: BenchSuite): { id: string; scene: BenchItem['scene']; question: string }[] {
  return [...s.shapesHal, ...s.pope, ...s.chair].map(({ id, scene, question }) => ({ id, scene, question }));
}

/** Scores responses by item id against every benchmark. */
export function scoreBench(s: BenchSuite, responses: ReadonlyMap<string, string>): BenchReport {
  return { shapesHal: scoreShapesHal(s.shapesHal, responses), pope: scorePope(s.pope, responses), chair: scoreChair(s.chair, responses) };
}
