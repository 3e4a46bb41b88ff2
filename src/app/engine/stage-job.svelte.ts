// One kind of job a stage runs in the worker, one at a time: whether it runs, its id while it
// does, the engine's record of it (state, progress, why it paused), and the buttons that steer it
// (stop, pause, resume, one step). Every stage's Run and Stop go through one of these, so the
// job's life (start, progress, pause, step, stop, done, failed) is written once (docs/design.md, section 5).

import type { CallType, Calls, JobAction, ProgressEvent } from '../../worker/protocol';
import type { EngineState, PageJob } from './engine.svelte';

export class StageJob<K extends CallType> {
  /** True from the start of a run until it has ended (finished, stopped or failed). */
  running = $state(false);
  /** Stop was pressed: the run ends after its current step. */
  stopRequested = $state(false);
  /** The worker's id of the running job, once it has one. */
  id = $state<number | null>(null);
  /** Stop was pressed during the last run (a stage running several in a row skips the rest). */
  stopped = false;

  /** The engine's record of the running job (its state, progress and note), or null. */
  readonly page: PageJob | null = $derived.by(() => (this.id === null ? null : (this.engine.jobs.get(this.id) ?? null)));
  /** Whether the job is held between steps (Pause, or the engine's safety net). */
  readonly paused: boolean = $derived(this.page?.state === 'paused');

  constructor(
    readonly engine: EngineState,
    readonly type: K,
    /** What the job does, in words ("tuning the policy with DPO"); a run may say more. */
    private readonly label: string,
  ) {}

  /**
   * Runs the job and resolves with the worker's answer; throws its error. While it runs, `running`
   * is true and `id` names it; both are cleared however it ends. A run while one is going throws.
   */
  async run(req: Calls[K]['req'], options: { label?: string; onProgress?: (e: ProgressEvent) => void; transfer?: Transferable[] } = {}): Promise<Calls[K]['res']> {
    if (this.running) throw new Error(`${this.label} is already running`);
    this.running = true;
    this.stopRequested = false;
    this.stopped = false;
    try {
      await this.engine.start();
      const job = this.engine.launch(options.label ?? this.label, this.type, req, options.onProgress, options.transfer);
      this.id = job.id;
      // Stop was pressed while the engine started: pass it on now that there is a job to stop.
      if (this.stopRequested) void this.engine.control(job.id, 'stop');
      return await job.result;
    } finally {
      this.running = false;
      this.stopRequested = false;
      this.id = null;
    }
  }

  /** Asks the run to stop after its current step; it keeps what it has done. */
  stop(): void {
    if (!this.running || this.stopRequested) return;
    this.stopRequested = true;
    this.stopped = true;
    if (this.id !== null) void this.engine.control(this.id, 'stop');
  }

  /** Holds the run before its next step, carries on, or runs exactly one more step while held. */
  control(action: Exclude<JobAction, 'stop'>): void {
    if (this.id !== null) void this.engine.control(this.id, action);
  }
}
