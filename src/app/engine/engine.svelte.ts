// The engine as the page sees it: the worker's backend, the loaded policy, and the job that is
// running. One instance per page, shared by every stage through the session.

import type { BackendAttempt, BackendName } from '../../engine/backend';
import type { CallType, Calls, PolicyInfo, ProgressEvent } from '../../worker/protocol';
import { EngineClient } from './client';

const BACKENDS: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** The backend asked for in the URL (`?backend=wasm`), if any. */
export function backendFromUrl(search: string): BackendName | undefined {
  const b = new URLSearchParams(search).get('backend');
  return (BACKENDS as readonly (string | null)[]).includes(b) ? (b as BackendName) : undefined;
}

export class EngineState {
  backend = $state<BackendName | null>(null);
  tried = $state.raw<BackendAttempt[]>([]);
  policy = $state.raw<PolicyInfo | null>(null);
  /** What the worker is doing now, in words; null when idle. */
  busy = $state<string | null>(null);
  /** The id of the running job (for stop). */
  jobId = $state<number | null>(null);
  error = $state<string | null>(null);

  /** Why no job can start now (engine starting, failed or busy), or null when it is free. */
  readonly note: string | null = $derived.by(() => {
    if (this.backend === null) return this.error ? `The engine could not start: ${this.error}` : 'The engine is starting…';
    if (this.busy !== null) return `The engine is busy ${this.busy}; wait for it to finish.`;
    return null;
  });

  private client: EngineClient | undefined;
  private ready: Promise<void> | undefined;

  /** Starts the worker and its backend once; later calls wait for the same start. */
  start(preferred?: BackendName): Promise<void> {
    this.ready ??= (async () => {
      this.client = new EngineClient();
      const r = await this.client.call('init', preferred ? { backend: preferred } : {}).result;
      this.backend = r.backend;
      this.tried = r.tried;
    })().catch((e: unknown) => {
      this.error = `the engine could not start: ${(e as Error).message}`;
      throw e;
    });
    return this.ready;
  }

  /**
   * Runs one call on the worker, marking the engine busy with `label` meanwhile; keeps the
   * policy info current; records an error in `error` and rethrows it.
   */
  async run<K extends CallType>(label: string, type: K, req: Calls[K]['req'], onProgress?: (e: ProgressEvent) => void, transfer?: Transferable[]): Promise<Calls[K]['res']> {
    await this.start();
    const client = this.client as EngineClient;
    this.busy = label;
    this.error = null;
    const call = client.call(type, req, onProgress, transfer);
    this.jobId = call.id;
    try {
      const res = await call.result;
      const policy = (res as { policy?: PolicyInfo }).policy ?? (type === 'load-policy' ? (res as PolicyInfo) : undefined);
      if (policy) this.policy = policy;
      return res;
    } catch (e) {
      this.error = (e as Error).message;
      throw e;
    } finally {
      this.busy = null;
      this.jobId = null;
    }
  }

  /** Asks the running job to stop after its current step. */
  stop(): void {
    if (this.client && this.jobId !== null) this.client.call('stop', { target: this.jobId });
  }
}
