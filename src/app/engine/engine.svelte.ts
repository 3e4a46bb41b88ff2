// The engine as the page sees it: the worker's backend, the loaded policy (kept current by the
// worker's events), and the jobs running in it, by id: at most one in the training slot, and
// read-only calls beside it. One instance per page, shared by every stage through the session.
// When the worker dies, or its GPU device is lost, the engine fails the jobs that were running,
// starts a fresh worker (on WASM after a lost device) and tells `onRestart`, which restores into it.

import type { BackendAttempt, BackendName, BackendPreference } from '../../engine/backend-names';
import type { JobProgress, JobState } from '../../engine/train/job';
import { SLOT_CALLS, type CallType, type Calls, type Fault, type JobAction, type PolicyInfo, type ProgressEvent, type WorkerEvent } from '../../worker/protocol';
import { EngineClient } from './client';

/** A job running in the worker, as the page tracks it. */
export interface PageJob {
  id: number;
  type: CallType;
  /** What it does, in words ("training the Fact-RM"). */
  label: string;
  state: JobState;
  /** Its last progress report, if any. */
  progress: JobProgress | null;
  /** Why the engine paused it, when it did (a NaN, for example). */
  note?: string;
  /** The first report of progress past 0 in this phase (time and count): the rate the estimate uses, after compiling. */
  rateFrom?: { t: number; done: number; phase: string };
}

/**
 * Seconds left for a job at its rate since its first progress past 0 in this phase (so the first
 * step, which compiles, does not count), or null before there is a rate.
 */
export function secondsLeft(job: PageJob, now = performance.now()): number | null {
  const p = job.progress;
  const r = job.rateFrom;
  if (!p || !r || r.phase !== p.phase || p.done <= r.done || now <= r.t) return null;
  return ((now - r.t) / 1000 / (p.done - r.done)) * Math.max(0, p.total - p.done);
}

/** The backend to go on with once a GPU device is lost: WASM runs on the CPU, whatever state the GPU is in. */
export const AFTER_DEVICE_LOSS: BackendName = 'wasm';
/** Restarts allowed in a minute: past them the worker is failing as it starts, and the page says so instead. */
const MAX_RESTARTS = 3;

/** A restart of the engine on its own: what happened, the jobs it failed, the backends before and after. */
export interface Restart {
  /** What happened, in words (a sentence). */
  what: string;
  /** What the jobs that were running were doing ("training the plain RM"); each failed. */
  failed: string[];
  before: BackendName | null;
  after: BackendName | null;
}

const takesSlot = (type: CallType) => (SLOT_CALLS as readonly CallType[]).includes(type);

export class EngineState {
  backend = $state<BackendName | null>(null);
  /** What the engine was asked to start: a backend by name, or auto. */
  preference = $state<BackendPreference>('auto');
  /** Why the engine runs on its backend, in words. */
  reason = $state('');
  tried = $state.raw<BackendAttempt[]>([]);
  policy = $state.raw<PolicyInfo | null>(null);
  /** Every job running now, by id. */
  jobs = $state.raw<ReadonlyMap<number, PageJob>>(new Map());
  error = $state<string | null>(null);
  /** What the worker asked to tell the person (a copy it could not keep), oldest first. */
  notices = $state.raw<string[]>([]);
  /** True from a worker's death until its replacement has started. */
  restarting = $state(false);
  /** Called once the engine has restarted on its own, to bring back what the page had. */
  onRestart: ((r: Restart) => void) | undefined;
  /** When the engine restarted on its own lately (ms), to stop a worker that dies as it starts. */
  private restarts: number[] = [];

  /** The job in the training slot (load, SFT, reward model, PPO), or null. */
  readonly training: PageJob | null = $derived([...this.jobs.values()].find((j) => takesSlot(j.type)) ?? null);

  /** Why a training job (or a policy load) cannot start now, or null when the slot is free. */
  readonly note: string | null = $derived.by(() => {
    if (this.restarting) return 'The engine is restarting after its worker stopped…';
    if (this.backend === null) return this.error ? `The engine could not start: ${this.error}` : 'The engine is starting…';
    if (this.training !== null) return `The engine is busy ${this.training.label}; wait for it to finish or stop it.`;
    return null;
  });

  /** Why a read-only call (sample, label, benchmark) cannot start now: only while the engine starts. */
  readonly readNote: string | null = $derived.by(() => {
    if (this.restarting) return 'The engine is restarting after its worker stopped…';
    if (this.backend === null) return this.error ? `The engine could not start: ${this.error}` : 'The engine is starting…';
    return null;
  });

  private client: EngineClient | undefined;
  private ready: Promise<void> | undefined;

  /** Starts the worker and its backend once; later calls wait for the same start. */
  start(preferred: BackendPreference = 'auto'): Promise<void> {
    this.ready ??= (async () => {
      this.preference = preferred;
      const client = new EngineClient(
        (e) => this.onEvent(e),
        (why) => {
          if (this.client === client) this.recover(`The engine worker stopped: ${why}.`, this.preference);
        },
      );
      this.client = client;
      const r = await client.call('init', { backend: preferred }).result;
      client.watch();
      this.backend = r.backend;
      this.tried = r.tried;
      this.reason = r.reason;
    })().catch((e: unknown) => {
      this.error = `the engine could not start: ${(e as Error).message}`;
      throw e;
    });
    return this.ready;
  }

  /**
   * Runs one call on the worker as a job described by `label`; records an error in `error` and
   * rethrows it. The worker refuses a second job for the training slot with a clear message.
   */
  async run<K extends CallType>(label: string, type: K, req: Calls[K]['req'], onProgress?: (e: ProgressEvent) => void, transfer?: Transferable[]): Promise<Calls[K]['res']> {
    await this.start();
    return this.launch(label, type, req, onProgress, transfer).result;
  }

  /**
   * Like run, once the engine has started, but returns the job's id at once (to send it more, as
   * online RLHF sends labels to a running PPO job) beside the promise of its result.
   */
  launch<K extends CallType>(label: string, type: K, req: Calls[K]['req'], onProgress?: (e: ProgressEvent) => void, transfer?: Transferable[]): { id: number; result: Promise<Calls[K]['res']> } {
    const client = this.client;
    if (!client) throw new Error('the engine has not started yet');
    this.error = null;
    let id = -1;
    const call = client.call(type, req, (e) => {
      if (e.kind === 'progress') this.onJobProgress(id, e.progress);
      onProgress?.(e);
    }, transfer);
    id = call.id;
    this.setJob({ id, type, label, state: 'running', progress: null });
    const result = call.result.then(
      (r) => {
        this.dropJob(id);
        return r;
      },
      (e: unknown) => {
        this.dropJob(id);
        this.error = (e as Error).message;
        throw e;
      },
    );
    return { id, result };
  }

  /** Resolves once no job holds the training slot (at once when it is free). */
  slotFree(): Promise<void> {
    if (this.training === null) return Promise.resolve();
    return new Promise((resolve) => {
      const stop = $effect.root(() => {
        $effect(() => {
          if (this.training === null) {
            queueMicrotask(() => stop());
            resolve();
          }
        });
      });
    });
  }

  /** Steers a running job: stop (after its current step), pause, resume, or one step while paused. */
  async control(id: number, action: JobAction): Promise<void> {
    if (!this.client || !this.jobs.has(id)) return;
    if (action === 'stop') this.update(id, { state: 'stopping' });
    // Going on clears why the engine had paused it, and the rate starts again: time held is no step's.
    if (action === 'resume' || action === 'step') this.update(id, { note: undefined, rateFrom: undefined });
    const { state } = await this.client.call('control', { target: id, action }).result;
    if (state !== 'ended') this.update(id, { state });
  }

  /** The running jobs of one type (the label stage's sampling, which is no stage job). */
  jobsOf(type: CallType): PageJob[] {
    return [...this.jobs.values()].filter((j) => j.type === type);
  }

  /**
   * Replaces a dead worker (or one whose GPU device was lost) with a fresh one on `backend`: the
   * jobs that were running fail with the reason, and `onRestart` hears what happened once it runs.
   */
  private recover(what: string, backend: BackendPreference): void {
    const now = Date.now();
    this.restarts = [...this.restarts.filter((t) => now - t < 60_000), now];
    const failed = [...this.jobs.values()].map((j) => j.label);
    const before = this.backend;
    this.client?.terminate(what);
    this.client = undefined;
    this.ready = undefined;
    this.backend = null;
    this.policy = null;
    this.jobs = new Map();
    if (this.restarts.length > MAX_RESTARTS) {
      this.error = `${what} It stopped ${this.restarts.length} times in a minute, so it was not started again; reload the page`;
      this.ready = Promise.reject(new Error(this.error));
      this.ready.catch(() => {});
      return;
    }
    this.restarting = true;
    this.start(backend).then(
      () => {
        this.restarting = false;
        this.error = null;
        this.onRestart?.({ what, failed, before, after: this.backend });
      },
      () => (this.restarting = false),
    );
  }

  /** Makes the worker fail on purpose (tests): throw, close itself, or lose its GPU device. */
  injectFault(fault: Fault): Promise<void> {
    return this.start().then(() => (this.client as EngineClient).call('fault', { fault }).result.then(() => {}));
  }

  /** Sends a message outside the typed protocol; resolves with the worker's answer (for tests). */
  raw(message: unknown): Promise<unknown> {
    return this.start().then(() => (this.client as EngineClient).sendRaw(message));
  }

  private onJobProgress(id: number, progress: JobProgress): void {
    const j = this.jobs.get(id);
    if (!j) return;
    const r = j.rateFrom;
    const fresh = progress.done > 0 && (!r || r.phase !== progress.phase);
    this.setJob({ ...j, progress, ...(fresh ? { rateFrom: { t: performance.now(), done: progress.done, phase: progress.phase } } : {}) });
  }

  private onEvent(e: WorkerEvent): void {
    switch (e.kind) {
      case 'policy':
        this.policy = e.info;
        return;
      case 'policy-version':
        // A run's first update gives the weights an origin of their own, under the loaded one's.
        if (this.policy && e.origin.startsWith(this.policy.origin)) this.policy = { ...this.policy, origin: e.origin, version: e.version };
        return;
      case 'job':
        this.update(e.id, { state: e.state, ...(e.note ? { note: e.note } : {}) });
        return;
      case 'notice':
        this.notices = [...this.notices, e.text];
        return;
      case 'device-lost':
        this.recover(`The ${e.backend} device was lost (${e.message}), and the weights on it with it.`, AFTER_DEVICE_LOSS);
        return;
      default: {
        const never: never = e;
        throw new Error(`unknown worker event ${JSON.stringify(never)}`);
      }
    }
  }

  private setJob(j: PageJob): void {
    const next = new Map(this.jobs);
    next.set(j.id, j);
    this.jobs = next;
  }

  private update(id: number, patch: Partial<PageJob>): void {
    const j = this.jobs.get(id);
    if (j) this.setJob({ ...j, ...patch });
  }

  private dropJob(id: number): void {
    if (!this.jobs.has(id)) return;
    const next = new Map(this.jobs);
    next.delete(id);
    this.jobs = next;
  }
}
