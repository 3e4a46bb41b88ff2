// The Evaluate stage's state: benchmark runs on any policy (the loaded one, a shipped one, the one
// saved in this browser, an imported file), kept in this browser and compared side by side, and an
// experiment's table (a `table.json` the `experiment` command wrote) imported and drawn.

import type { BenchSize } from '../../engine/bench/shapes-hal';
import type { PolicySource } from '../../worker/protocol';
import type { EngineState } from '../engine/engine.svelte';
import { SHIPPED } from '../engine/shipped';
import { StageJob } from '../engine/stage-job.svelte';
import { shippedLabel } from '../sft/explain';
import { STORED_KEY } from '../sft/policy.svelte';
import { KeptValue } from '../storage/layouts';
import { readExperimentTable, type TableFileRow } from '../../engine/experiment/table-file';
import { RUNS_LAYOUT, type EvalRun } from './runs';

export { RUNS_KEY, RUNS_LAYOUT, type EvalRun } from './runs';

/** What to benchmark. */
export type EvalTarget = { kind: 'loaded' } | { kind: 'shipped'; folder: string } | { kind: 'stored' } | { kind: 'file'; file: File };

/** A row of an experiment's table: a pipeline stage's policy, its mean report over seeds and each seed's. */
export type ExperimentRow = TableFileRow;

export class EvaluateState {
  size = $state<BenchSize>('standard');
  runs = $state.raw<EvalRun[]>([]);
  /** The runs drawn side by side, by id. */
  compare = $state.raw<string[]>([]);
  /** The benchmark in the worker. */
  readonly job: StageJob<'bench'>;
  error = $state<string | null>(null);
  table = $state.raw<{ file: string; rows: ExperimentRow[] } | null>(null);
  tableError = $state<string | null>(null);
  /** The runs in IndexedDB: read once, then written one write after another. */
  private readonly kept = new KeptValue(RUNS_LAYOUT);
  /** Resolves once the kept runs have been read. */
  readonly loaded: Promise<void>;

  /** The runs to compare: those picked, else the two newest. */
  readonly compared: EvalRun[] = $derived.by(() => {
    const picked = this.runs.filter((r) => this.compare.includes(r.id));
    return picked.length ? picked : this.runs.slice(-2);
  });

  constructor(private readonly engine: EngineState) {
    this.job = new StageJob(engine, 'bench', 'benchmarking');
    this.loaded = this.kept.read.then(
      (read) => {
        if (read.problem) this.error = `Could not read the benchmark runs kept in this browser: ${read.problem}. New runs are shown but not kept.`;
        else this.runs = [...read.value, ...this.runs];
      },
      (e: unknown) => {
        this.error = `Could not read the benchmark runs kept in this browser: ${(e as Error).message}`;
      },
    );
  }

  get engineState(): EngineState {
    return this.engine;
  }

  /** The shipped policies, by folder, with their names. */
  readonly shipped = Object.keys(SHIPPED)
    .sort()
    .map((folder) => ({ folder, label: shippedLabel(folder) }));

  /** Benchmarks a policy (greedy) and adds the run; the loaded policy is never replaced. */
  async run(target: EvalTarget): Promise<void> {
    if (this.job.running) return;
    this.error = null;
    const t0 = performance.now();
    try {
      const source = await sourceOf(target);
      const res = await this.job.run({ size: this.size, ...(source ? { source } : {}) }, source?.kind === 'file' ? { transfer: [source.bytes] } : {});
      const run: EvalRun = { id: `${Date.now().toString(36)}-${this.runs.length}`, name: res.policy.name, version: res.policy.version, size: this.size, report: res.report, at: new Date().toISOString(), seconds: (performance.now() - t0) / 1000 };
      this.runs = [...this.runs, run];
      void this.persist();
    } catch (e) {
      this.error = `The benchmark failed: ${(e as Error).message}`;
    }
  }

  /** Picks a run for the side-by-side view, or drops it from it. */
  toggle(id: string): void {
    this.compare = this.compare.includes(id) ? this.compare.filter((x) => x !== id) : [...this.compare, id];
  }

  remove(id: string): void {
    this.runs = this.runs.filter((r) => r.id !== id);
    this.compare = this.compare.filter((x) => x !== id);
    void this.persist();
  }

  /** Reads an experiment's table.json; a file that is not one is named and nothing shown changes. */
  async importTable(file: File): Promise<void> {
    this.tableError = null;
    let v: unknown;
    try {
      v = JSON.parse(await file.text());
    } catch (e) {
      this.tableError = `${file.name} is not JSON: ${(e as Error).message}`;
      return;
    }
    const read = readExperimentTable(v);
    if ('problem' in read) {
      this.tableError = `${file.name} is not an experiment table: ${read.problem}.`;
      return;
    }
    this.table = { file: file.name, rows: read.rows };
  }

  /** Writes the runs as they are when the write comes, in the current layout (never over runs of a later layout). */
  private persist(): Promise<void> {
    return this.kept.save(() => this.runs).then(
      () => {},
      (e: unknown) => {
        this.error = `Could not keep the runs in this browser: ${(e as Error).message}`;
      },
    );
  }
}

async function sourceOf(t: EvalTarget): Promise<Exclude<PolicySource, { kind: 'session' }> | undefined> {
  switch (t.kind) {
    case 'loaded':
      return undefined;
    case 'shipped': {
      const s = SHIPPED[t.folder];
      if (!s) throw new Error(`no shipped policy ${t.folder}`);
      return s;
    }
    case 'stored':
      return { kind: 'stored', key: STORED_KEY };
    case 'file':
      return { kind: 'file', name: t.file.name.replace(/\.ckpt$/i, ''), bytes: await t.file.arrayBuffer() };
  }
}
