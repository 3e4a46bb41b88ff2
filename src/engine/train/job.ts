// How a long job (pretraining, SFT, labelling, a reward model, PPO, a benchmark) is steered and
// heard from: a JobControl the caller holds (stop, pause, resume, single steps) that the job
// consults between steps, and hooks for progress and metric points.

/** Resolves on the next macrotask. */
export function yieldToEvents(): Promise<void> {
  // On the WASM and CPU backends `await tensor.data()` resolves without a trip through the event
  // loop, so a loop of steps would otherwise never let a worker's messages (stop, pause) in.
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export type JobState = 'running' | 'paused' | 'stopping';

/** Steers a running job. The job calls `next()` before each step; everything else is the caller's. */
export class JobControl {
  private stateNow: JobState = 'running';
  /** Single steps granted while paused. */
  private granted = 0;
  private wake: (() => void) | undefined;
  /** Runs each time the job comes to a hold (paused, no step granted), before it waits: a job saves its work there. */
  onHold: (() => Promise<void>) | undefined = undefined;

  get state(): JobState {
    return this.stateNow;
  }

  /** Ends the job before its next step (it keeps what it has done). */
  stop(): void {
    this.stateNow = 'stopping';
    this.release();
  }

  /** Holds the job before its next step until resume, step or stop. */
  pause(): void {
    if (this.stateNow === 'running') this.stateNow = 'paused';
  }

  resume(): void {
    if (this.stateNow !== 'paused') return;
    this.stateNow = 'running';
    this.release();
  }

  /** While paused: lets exactly `n` more steps run, then holds again. */
  step(n = 1): void {
    if (this.stateNow !== 'paused') return;
    this.granted += n;
    this.release();
  }

  /**
   * Called by the job before each step: lets queued events in, runs onHold and waits while paused
   * (a granted single step passes), and returns false once the job should end.
   */
  async next(): Promise<boolean> {
    await yieldToEvents();
    if (this.stateNow === 'paused' && this.granted === 0) await this.onHold?.();
    while (this.stateNow === 'paused' && this.granted === 0) await new Promise<void>((r) => (this.wake = r));
    if (this.stateNow === 'stopping') return false;
    if (this.stateNow === 'paused') this.granted -= 1;
    return true;
  }

  private release(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }
}

/** How far a job has come, in its own unit (steps, pairs, items). */
export interface JobProgress {
  /** What the job is doing now, in a few words ("vision pretraining", "sampling pairs"). */
  phase: string;
  done: number;
  total: number;
}

/** What every long job takes: its control, where to report progress, and where its metric points go. */
export interface JobHooks<P = never> {
  control?: JobControl;
  onProgress?: (p: JobProgress) => void;
  onPoint?: (p: P) => void;
}

/** Before a step of a job: the control's verdict (see JobControl.next), or just a yield without one. */
export async function nextStep(control: JobControl | undefined): Promise<boolean> {
  if (control) return control.next();
  await yieldToEvents();
  return true;
}
