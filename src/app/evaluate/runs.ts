// The benchmark runs this browser keeps: what a run holds, and its key and layout in IndexedDB.

import type { StoredBenchReport } from '../../engine/bench/report';
import type { BenchSize } from '../../engine/bench/shapes-hal';
import type { KeptLayout } from '../storage/layouts';

/** IndexedDB (idb-keyval): the benchmark runs of this browser. */
export const RUNS_KEY = 'rlhf-playground/eval-runs';

export interface EvalRun {
  id: string;
  /** The policy's name and the version of its weights. */
  name: string;
  version: string;
  size: BenchSize;
  /** Runs kept before POPE was split by the truth have no popeByTruth. */
  report: StoredBenchReport;
  at: string;
  seconds: number;
}

/** The runs kept: layout 2 is `{ version: 2, runs }`; layout 1 was the bare list. A run without a report is dropped. */
export const RUNS_LAYOUT: KeptLayout<EvalRun[]> = {
  key: RUNS_KEY,
  what: 'the benchmark runs',
  version: 2,
  field: 'runs',
  parse: (v) => (Array.isArray(v) ? v.filter((r: Partial<EvalRun> | null) => typeof r?.id === 'string' && r.report?.shapesHal !== undefined) : null),
  empty: () => [],
};
