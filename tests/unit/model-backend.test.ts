// Backend selection in Node: WebGPU and WebGL are not available, so WASM is chosen (from a file-path
// prefix to its binaries); a preferred backend is tried first; every attempt is reported; `auto`
// times the model on each backend that starts and keeps the fastest.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it, vi } from 'vitest';
import { initBackend } from '../../src/engine/backend';

describe('initBackend', () => {
  it('falls through WebGPU and WebGL to WASM in Node, and CPU or WASM on request', async () => {
    // No trailing slash on purpose: initBackend adds it (tfjs joins prefix and file name as strings).
    const auto = await initBackend({ wasmPaths: 'node_modules/@tensorflow/tfjs-backend-wasm/dist' });
    expect(auto.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(auto.tried.map((t) => [t.name, t.ok])).toEqual([['webgpu', false], ['webgl', false], ['wasm', true]]);
    expect(auto.tried[0]!.error).toMatch(/webgpu/);

    expect(auto.reason).toBe('the first that works');

    const cpu = await initBackend({ preferred: 'cpu' });
    expect(cpu).toEqual({ name: 'cpu', tried: [{ name: 'cpu', ok: true }], reason: 'asked for' });
    expect(tf.getBackend()).toBe('cpu');

    const back = await initBackend({ preferred: 'wasm' });
    expect(back.name).toBe('wasm');
    const x = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])));
    expect(Array.from(await x.data())).toEqual([11]);
    x.dispose();
  });

  it('auto: times the model on every backend that starts (WASM alone in Node) and keeps the fastest', async () => {
    const calls: string[] = [];
    // On a fake clock the warm-up pass takes 30 ms and the timed pass 12 ms: the time reported is the timed pass alone.
    vi.useFakeTimers({ toFake: ['performance'] });
    try {
      const choice = await initBackend({
        preferred: 'auto',
        measure: async () => {
          calls.push(tf.getBackend());
          vi.advanceTimersByTime(calls.length === 1 ? 30 : 12);
        },
      });
      expect(choice.name).toBe('wasm');
      expect(tf.getBackend()).toBe('wasm');
      // A warm-up and a timed pass on each backend that started.
      expect(calls).toEqual(['wasm', 'wasm']);
      expect(choice.tried.map((t) => [t.name, t.ok])).toEqual([['wasm', true], ['webgpu', false], ['webgl', false]]);
      expect(choice.tried[0]).toEqual({ name: 'wasm', ok: true, ms: 12 });
      expect(choice.reason).toBe('the only fast backend here');
    } finally {
      vi.useRealTimers();
    }
  });
});
