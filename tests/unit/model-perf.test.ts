// The perf probe on a very small setting: it returns finite, consistent figures (its kernel profile
// too) and frees what it made.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend';
import { makeConfig } from '../../src/engine/model/config';
import { createModel } from '../../src/engine/model/model';
import { measureModelPerf } from '../../src/engine/perf/model';

beforeAll(async () => {
  await initBackend({ preferred: 'wasm', wasmPaths: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
});

describe('measureModelPerf', () => {
  it('reports positive rates on the active backend and leaks no tensors', async () => {
    const cfg = makeConfig('tiny', 160, { nLayers: 1 });
    const before = tf.memory().numTensors;
    const r = await measureModelPerf(cfg, { batch: 4, newTokens: 3, promptLen: 5, sftBatch: 2, repeats: 1, profile: true });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.backend).toBe('wasm');
    for (const k of ['tokensPerSecCached', 'tokensPerSecRecompute', 'forwardMs', 'forwardBackwardMs', 'sftStepsPerSec'] as const) {
      expect(r[k], k).toBeGreaterThan(0);
      expect(r[k], k).toBeLessThan(Infinity);
    }
    // The figures describe the setting asked for, and agree with one another.
    expect(r).toMatchObject({ batch: 4, newTokens: 3, promptLen: 5, sftBatch: 2 });
    const fresh = createModel(cfg, { seed: 1 });
    expect(r.params).toBe(fresh.paramCount());
    fresh.dispose();
    expect(r.cacheSpeedup).toBeCloseTo(r.tokensPerSecCached / r.tokensPerSecRecompute, 10);
    // The profile: each measurement runs kernels whose sums agree; a backward pass runs more than a forward one.
    const p = r.profile!;
    for (const k of ['sampling', 'forward', 'forwardBackward', 'sftStep'] as const) {
      expect(p[k].kernels, k).toBeGreaterThan(0);
      expect(p[k].matMulMs + p[k].otherMs, k).toBeCloseTo(p[k].kernelMs, 6);
      expect(p[k].top.length, k).toBeLessThanOrEqual(10);
    }
    expect(p.forwardBackward.kernels).toBeGreaterThan(p.forward.kernels);
    expect(p.sftStep.kernels).toBeGreaterThan(p.forwardBackward.kernels);
  });
});
