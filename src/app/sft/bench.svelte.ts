// The benchmark card's state: runs ShapesHal-Bench, POPE and CHAIR on the loaded policy (greedy),
// with progress, and keeps the last report with the name of the policy it measured.

import type { BenchReport } from '../../engine/bench/report';
import type { BenchSize } from '../../engine/bench/shapes-hal';
import type { EngineState } from '../engine/engine.svelte';
import { StageJob } from '../engine/stage-job.svelte';

export class BenchState {
  /** The benchmark in the worker. */
  readonly job: StageJob<'bench'>;

  size = $state<BenchSize>('standard');
  done = $state(0);
  total = $state(0);
  report = $state.raw<BenchReport | null>(null);
  /** The policy the report measured, and how long it took. */
  reportFor = $state<string | null>(null);
  seconds = $state<number | null>(null);
  error = $state<string | null>(null);

  constructor(engine: EngineState) {
    this.job = new StageJob(engine, 'bench', 'benchmarking');
  }

  /** Benchmarks the loaded policy (named `policyName` in the report's title). */
  async run(policyName: string): Promise<void> {
    if (this.job.running) return;
    this.error = null;
    this.done = 0;
    this.total = 0;
    const t0 = performance.now();
    try {
      const { report } = await this.job.run({ size: this.size }, {
        onProgress: (e) => {
          if (e.kind !== 'progress') return;
          this.done = e.progress.done;
          this.total = e.progress.total;
        },
      });
      this.report = report;
      this.reportFor = policyName;
      this.seconds = (performance.now() - t0) / 1000;
    } catch (e) {
      this.error = `The benchmark failed: ${(e as Error).message}`;
    }
  }
}
