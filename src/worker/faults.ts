// How the worker's failures reach the page: it holds a Web Lock for as long as it lives (the page
// waits on the same lock, so it learns of a worker closed or killed without a word), it reports
// the WebGPU device's loss, and it injects either fault on request, for tests.

import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from '../engine/backend-names';
import type { HandlerSet } from './handlers/types';
import { announce } from './state';

const scope = self as unknown as { name: string; close(): void; navigator: { locks?: LockManager } };

let life: Promise<void> | undefined;

/**
 * Takes the lock named after this worker and holds it until the worker ends; resolves once it is
 * held (at once where there are no Web Locks: then only an uncaught error reaches the page).
 */
export function holdLife(): Promise<void> {
  life ??= new Promise<void>((held) => {
    const locks = scope.navigator.locks;
    if (!locks || !scope.name) return held();
    locks.request(scope.name, () => {
      held();
      return new Promise<never>(() => {});
    }).catch(() => held());
  });
  return life;
}

let lost = false;

/** Tells the page, once, that the backend's GPU device was lost, and why. */
function deviceLost(backend: BackendName, message: string): void {
  if (lost) return;
  lost = true;
  announce({ kind: 'device-lost', backend, message });
}

/** Watches the WebGPU backend's device, when it is the active backend, for its loss. */
export function watchDevice(backend: BackendName): void {
  if (backend !== 'webgpu') return;
  const device = (tf.backend() as unknown as { device?: GPUDevice }).device;
  void device?.lost.then((info) => {
    // A device destroyed on purpose (the backend disposed) is not a loss.
    if (info.reason !== 'destroyed') deviceLost(backend, info.message || 'no reason given');
  });
}

export const faultHandlers: HandlerSet<'fault'> = {
  async fault(req) {
    switch (req.fault) {
      case 'throw':
        setTimeout(() => {
          throw new Error('a fault injected for a test: the worker threw');
        });
        break;
      case 'close':
        // After this answer; the page hears nothing more from the worker.
        setTimeout(() => scope.close());
        break;
      case 'device-lost':
        // After this answer, as a real loss comes between calls.
        setTimeout(() => deviceLost(tf.getBackend() as BackendName, 'a device loss simulated for a test'));
        break;
      default: {
        const never: never = req.fault;
        throw new Error(`unknown fault ${String(never)}`);
      }
    }
    return {};
  },
};
