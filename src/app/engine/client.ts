// The page's side of the worker protocol: `call` sends a typed request and resolves with its
// typed result; progress events go to the callback given with the call, and the worker's own
// events (the policy changed, a job paused) to the listener given at construction.

import type { CallType, Calls, ProgressEvent, Request, Response, WorkerEvent } from '../../worker/protocol';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; onProgress?: (e: ProgressEvent) => void };

export interface Call<K extends CallType> {
  id: number;
  result: Promise<Calls[K]['res']>;
}

export class EngineClient {
  private worker: Worker;
  private nextId = 1;
  private pending = new Map<number, Pending>();

  constructor(private readonly onEvent: (e: WorkerEvent) => void = () => {}) {
    this.worker = new Worker(new URL('../../worker/engine-worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (e: MessageEvent<Response>) => this.receive(e.data);
    this.worker.onerror = (e) => {
      const err = new Error(`the engine worker failed: ${e.message || 'unknown error'}`);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
  }

  private receive(msg: Response): void {
    if (msg.type === 'event') {
      this.onEvent(msg.event);
      return;
    }
    const p = this.pending.get(msg.id);
    if (!p) return;
    switch (msg.type) {
      case 'progress':
        p.onProgress?.(msg.event);
        return;
      case 'result':
        this.pending.delete(msg.id);
        p.resolve(msg.result);
        return;
      case 'error':
        this.pending.delete(msg.id);
        p.reject(new Error(msg.message));
        return;
      default: {
        const never: never = msg;
        throw new Error(`unknown message ${JSON.stringify(never)}`);
      }
    }
  }

  /** Sends a request; returns its id (to steer it) and a promise of its result. */
  call<K extends CallType>(type: K, req: Calls[K]['req'], onProgress?: (e: ProgressEvent) => void, transfer: Transferable[] = []): Call<K> {
    const id = this.nextId++;
    const result = new Promise<Calls[K]['res']>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, ...(onProgress ? { onProgress } : {}) });
    });
    this.worker.postMessage({ ...req, type, id } as Request, transfer);
    return { id, result };
  }

  /** Sends a message as it is, outside the typed protocol (tests of the worker's replies to bad input). */
  sendRaw(message: unknown): Promise<unknown> {
    const id = (message as { id?: unknown } | null)?.id;
    // The worker answers a message without a usable id under id -1.
    const key = typeof id === 'number' ? id : -1;
    const result = new Promise((resolve, reject) => this.pending.set(key, { resolve, reject }));
    this.worker.postMessage(message);
    return result;
  }

  terminate(): void {
    this.worker.terminate();
  }
}
