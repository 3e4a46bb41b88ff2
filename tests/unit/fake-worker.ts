// A stand-in for the engine worker in Node, for tests of the page's engine (src/app/engine/): it
// answers init at once and holds every other call until the test replies; Web Locks as far as the
// client uses them.

/** A call as the page posts it: its type, its id and the request's fields. */
export interface Msg {
  type: string;
  id: number;
  [field: string]: unknown;
}

/** A stand-in for the engine worker: answers init at once, holds every other call until told. */
export class FakeWorker {
  static made: FakeWorker[] = [];
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onerror: ((e: { message: string; preventDefault(): void }) => void) | null = null;
  received: Msg[] = [];
  terminated = false;
  constructor(
    _url: URL,
    readonly options: { name: string },
  ) {
    FakeWorker.made.push(this);
  }
  postMessage(msg: Msg): void {
    this.received.push(msg);
    if (msg.type === 'init') queueMicrotask(() => this.reply({ type: 'result', id: msg.id, call: 'init', result: { backend: msg.backend === 'auto' ? 'webgpu' : msg.backend, tried: [], reason: 'test' } }));
  }
  reply(data: unknown): void {
    this.onmessage?.({ data });
  }
  terminate(): void {
    this.terminated = true;
  }
}

/** Web Locks as far as the client uses them: the page's request is granted when the test says the worker ended. */
export const waiting = new Map<string, () => unknown>();
const locks = { request: (name: string, cb: () => unknown) => (waiting.set(name, cb), Promise.resolve()) };

export const settle = () => new Promise((r) => setTimeout(r, 0));
export const last = () => FakeWorker.made.at(-1) as FakeWorker;

/** Puts the fake worker and locks in place of the browser's (beforeEach). */
export function installFakeWorker(): void {
  FakeWorker.made = [];
  waiting.clear();
  Object.assign(globalThis, { Worker: FakeWorker, navigator: { locks } });
}

/** Takes them away again (afterEach). */
export function removeFakeWorker(): void {
  delete (globalThis as { Worker?: unknown }).Worker;
  delete (globalThis as { navigator?: unknown }).navigator;
}
