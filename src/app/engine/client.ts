// The page's side of the worker protocol: `call` sends a typed request and resolves with its
// typed result; progress events go to the callback given with the call, and the worker's own
// events (the policy changed, a job paused) to the listener given at construction.
//
// A worker can die: an uncaught error, or closed or killed without a word. The worker holds a Web
// Lock named after it for its whole life and the page waits for that lock, so either way the page
// hears of it: every call waiting fails, and `onDead` says why (the engine restarts the worker).

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
  /** Why the worker is gone, once it is (ended here, or died). */
  private gone: string | null = null;
  /** The name of the worker's life lock. */
  private readonly lock = `rlhf-playground/engine-${Math.random().toString(36).slice(2)}`;

  constructor(
    private readonly onEvent: (e: WorkerEvent) => void = () => {},
    private readonly onDead: (why: string) => void = () => {},
  ) {
    this.worker = new Worker(new URL('../../worker/engine-worker.ts', import.meta.url), { type: 'module', name: this.lock });
    this.worker.onmessage = (e: MessageEvent<Response>) => this.receive(e.data);
    this.worker.onerror = (e) => {
      e.preventDefault();
      this.die(`it failed with an uncaught error (${e.message || 'no message'})`);
    };
  }

  /**
   * Waits for the worker's life lock (call once the worker has answered its first call, so it
   * holds the lock by then): it is granted when the worker ends, however it ends.
   */
  watch(): void {
    void globalThis.navigator?.locks?.request(this.lock, () => this.die('it stopped without a word (closed or killed by the browser)')).catch(() => {});
  }

  /** Ends the worker (unless ended already) and fails every call waiting; tells `onDead` unless this page ended it. */
  private die(why: string): void {
    if (this.gone !== null) return;
    this.gone = why;
    this.worker.terminate();
    const err = new Error(`the engine worker stopped: ${why}`);
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.onDead(why);
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
    if (this.gone !== null) return { id, result: Promise.reject(new Error(`the engine worker stopped: ${this.gone}`)) };
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

  /** Ends the worker on purpose, for `why`: calls waiting fail with it, and `onDead` is not told. */
  terminate(why = 'this page ended it'): void {
    if (this.gone !== null) return;
    this.gone = why;
    this.worker.terminate();
    const err = new Error(`the engine worker was ended: ${why}`);
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
