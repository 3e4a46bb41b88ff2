// The page's side of the worker protocol: `call` sends a typed request and resolves with its
// typed result; progress events go to the callback given with the call.

import type { CallType, Calls, ProgressEvent, Request, Response } from '../../worker/protocol';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; onProgress?: (e: ProgressEvent) => void };

export interface Call<K extends CallType> {
  id: number;
  result: Promise<Calls[K]['res']>;
}

export class EngineClient {
  private worker: Worker;
  private nextId = 1;
  private pending = new Map<number, Pending>();

  constructor() {
    this.worker = new Worker(new URL('../../worker/engine-worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (e: MessageEvent<Response>) => this.receive(e.data);
    this.worker.onerror = (e) => {
      const err = new Error(`the engine worker failed: ${e.message || 'unknown error'}`);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
  }

  private receive(msg: Response): void {
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

  /** Sends a request; returns its id (for `stop`) and a promise of its result. */
  call<K extends CallType>(type: K, req: Calls[K]['req'], onProgress?: (e: ProgressEvent) => void, transfer: Transferable[] = []): Call<K> {
    const id = this.nextId++;
    const result = new Promise<Calls[K]['res']>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, ...(onProgress ? { onProgress } : {}) });
    });
    this.worker.postMessage({ ...req, type, id } as Request, transfer);
    return { id, result };
  }

  terminate(): void {
    this.worker.terminate();
  }
}
