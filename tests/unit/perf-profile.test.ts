// The kernel profile: summing kernel runs by hand-made lists, and a profiled PPO step of the tiny
// model split by phase, whose sums agree with one another and which frees what it made.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend';
import { makeConfig } from '../../src/engine/model/config';
import { VOCAB } from '../../src/engine/language/vocab';
import { measurePpoPerf } from '../../src/engine/perf/ppo';
import { MATMUL_KERNELS, summarizeKernels, type KernelProfile } from '../../src/engine/perf/profile';

beforeAll(async () => {
  await initBackend({ preferred: 'wasm', wasmPaths: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
});

/** The checks every profile passes: sums agree, the top list is sorted, short and drawn from the kernels. */
function expectConsistent(p: KernelProfile, label: string): void {
  expect(p.matMulMs + p.otherMs, label).toBeCloseTo(p.kernelMs, 6);
  expect(p.top.length, label).toBeLessThanOrEqual(10);
  for (let i = 1; i < p.top.length; i++) expect(p.top[i]!.ms, label).toBeLessThanOrEqual(p.top[i - 1]!.ms);
  expect(p.top.reduce((n, t) => n + t.count, 0), label).toBeLessThanOrEqual(p.kernels);
  expect(p.top.reduce((s, t) => s + t.ms, 0), label).toBeLessThanOrEqual(p.kernelMs + 1e-9);
}

describe('summarizeKernels', () => {
  it('counts, splits matMul-like from the rest, and ranks names by total time', () => {
    const runs = [
      { name: 'MatMul', ms: 2 }, { name: 'Add', ms: 0.5 }, { name: 'MatMul', ms: 3 },
      { name: 'DepthwiseConv2dNative', ms: 1 }, { name: 'Add', ms: 0.25 }, { name: 'Transpose', ms: 4 },
    ];
    const p = summarizeKernels(runs);
    expect(p).toEqual({
      kernels: 6, kernelMs: 10.75, matMulMs: 6, otherMs: 4.75,
      top: [
        { name: 'MatMul', count: 2, ms: 5 }, { name: 'Transpose', count: 1, ms: 4 },
        { name: 'DepthwiseConv2dNative', count: 1, ms: 1 }, { name: 'Add', count: 2, ms: 0.75 },
      ],
    });
  });

  it('keeps the ten names with the most time', () => {
    const runs = Array.from({ length: 14 }, (_, i) => ({ name: `K${i}`, ms: i + 1 }));
    const p = summarizeKernels(runs);
    expect(p.top.map((t) => t.name)).toEqual(['K13', 'K12', 'K11', 'K10', 'K9', 'K8', 'K7', 'K6', 'K5', 'K4']);
    expect(p.kernels).toBe(14);
    expectConsistent(p, 'fourteen names');
  });
});

describe('measurePpoPerf with profile', () => {
  it('splits a step of the tiny model by phase into consistent sums and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const r = await measurePpoPerf(makeConfig('tiny', VOCAB.length, { nLayers: 1 }), {
      steps: 1, profile: true, ppo: { batchSize: 4, miniBatchSize: 2, ppoEpochs: 1, responseLength: 3 },
    });
    expect(tf.memory().numTensors).toBe(before);
    const prof = r.profile!;
    expect(prof).toBeDefined();
    // Every phase that runs the models runs kernels, matMul-like among them; the advantages are plain JavaScript.
    for (const k of ['rollout', 'forward', 'rewards', 'update'] as const) {
      const p = prof.phases[k];
      expect(p.kernels, k).toBeGreaterThan(0);
      expect(p.matMulMs, k).toBeGreaterThan(0);
      expect(p.top.some((t) => MATMUL_KERNELS.has(t.name)), k).toBe(true);
      expect(p.kernelMs, k).toBeLessThanOrEqual(p.wallMs);
    }
    for (const [k, p] of Object.entries(prof.phases)) expectConsistent(p, k);
    expectConsistent(prof.step, 'step');
    // The phases cover the step: their kernels add up to the step's.
    const phases = Object.values(prof.phases);
    expect(phases.reduce((n, p) => n + p.kernels, 0)).toBe(prof.step.kernels);
    expect(phases.reduce((s, p) => s + p.kernelMs, 0)).toBeCloseTo(prof.step.kernelMs, 6);
    // The update runs the forward and backward passes of two models and Adam: the most kernels.
    expect(prof.phases.update.kernels).toBeGreaterThan(prof.phases.forward.kernels);
    expect(prof.trivialKernelUs).toBeGreaterThan(0);
    expect(prof.trivialKernelUs).toBeLessThan(Infinity);
  });
});
