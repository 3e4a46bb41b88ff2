// A soak: 300 PPO steps of the job loop (runPpoSteps, gold figures every 100 steps, the adaptive
// KL) on the tiny model with a shrunk config, through soakPpo. A leak of one tensor a step would
// show as 290 more tensors at step 300 than at step 10; the count and the bytes must not move.
// The default config on the shipped policy, heap included: `npm run cli -- perf soak --steps 300`.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend';
import { makeConfig } from '../../src/engine/model/config';
import { createModel } from '../../src/engine/model/model';
import { VOCAB } from '../../src/engine/language/vocab';
import type { CustomReward } from '../../src/engine/ppo/roles';
import { createPpoRun } from '../../src/engine/ppo/run';
import { soakPpo } from '../../src/engine/perf/soak';

beforeAll(async () => {
  await initBackend({ preferred: 'wasm', wasmPaths: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
});

/** The share of a response's tokens with an even id: a reward with no model behind it, so steps are cheap. */
const evenShare: CustomReward = (rows) => rows.map((r) => r.tokens.filter((t) => t % 2 === 0).length / r.tokens.length);

describe('a 300-step soak', () => {
  it('keeps the tensor count and tensor bytes flat from step 10 to step 300, and frees everything at the end', async () => {
    const before = tf.memory().numTensors;
    const policy = createModel(makeConfig('tiny', VOCAB.length), { seed: 4 });
    const run = createPpoRun(policy, undefined, {
      batchSize: 4, miniBatchSize: 4, ppoEpochs: 1, responseLength: 4, goldEvery: 100, goldProbeSize: 4, adaptiveKl: true,
    }, { customReward: evenShare });
    const res = await soakPpo(run, 300);
    expect(res.halted).toBeUndefined();
    expect(res.steps).toBe(300);
    expect(res.points.map((p) => p.step)).toEqual([1, 10, 50, 100, 200, 300]);
    const at = (s: number) => res.points.find((p) => p.step === s)!;
    expect(at(300).numTensors).toBe(at(10).numTensors);
    expect(at(300).numBytes).toBe(at(10).numBytes);
    for (const p of res.points) expect(p.numTensors).toBe(at(10).numTensors);
    expect(run.steps).toBe(300);
    run.dispose();
    policy.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
