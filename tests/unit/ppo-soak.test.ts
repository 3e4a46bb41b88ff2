// A short soak: 10 PPO steps of the job loop (runPpoSteps, gold figures every 5 steps, the
// adaptive KL) on the tiny model with a shrunk config, through soakPpo: a leak of one tensor a step
// would show as 9 more tensors at step 10 than at step 1; the count and the bytes must not move,
// and disposing the run and the policy frees everything. The verdict a soak's figures get (what
// `perf soak` exits 1 on) on known figures. The long soak, on the default config and the shipped
// policy, heap included, is a benchmark: `npm run cli -- perf soak --steps 300`.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend';
import { makeConfig } from '../../src/engine/model/config';
import { createModel } from '../../src/engine/model/model';
import { VOCAB } from '../../src/engine/language/vocab';
import type { CustomReward } from '../../src/engine/ppo/roles';
import { createPpoRun } from '../../src/engine/ppo/run';
import { soakPpo, soakVerdict, type SoakPoint } from '../../src/engine/perf/soak';

beforeAll(async () => {
  await initBackend({ preferred: 'wasm', wasmPaths: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
});

/** The share of a response's tokens with an even id: a reward with no model behind it, so steps are cheap. */
const evenShare: CustomReward = (rows) => rows.map((r) => r.tokens.filter((t) => t % 2 === 0).length / r.tokens.length);

describe('a 10-step soak', () => {
  it('keeps the tensor count and tensor bytes flat from step 1 to step 10, and frees everything at the end', async () => {
    const before = tf.memory().numTensors;
    const policy = createModel(makeConfig('tiny', VOCAB.length), { seed: 4 });
    const run = createPpoRun(policy, undefined, {
      batchSize: 4, miniBatchSize: 4, ppoEpochs: 1, responseLength: 4, goldEvery: 5, goldProbeSize: 4, adaptiveKl: true,
    }, { customReward: evenShare });
    const res = await soakPpo(run, 10, { at: [1, 5, 10] });
    expect(res.halted).toBeUndefined();
    expect(res.steps).toBe(10);
    expect(res.points.map((p) => p.step)).toEqual([1, 5, 10]);
    for (const p of res.points) expect([p.numTensors, p.numBytes]).toEqual([res.points[0]!.numTensors, res.points[0]!.numBytes]);
    expect(soakVerdict(res).problems).toEqual([]);
    expect(run.steps).toBe(10);
    run.dispose();
    policy.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('a soak\'s verdict', () => {
  const point = (step: number, numTensors: number, numBytes: number, seconds: number): SoakPoint => ({ step, numTensors, numBytes, seconds });

  it('measures from the second point when there are more than two, and finds nothing wrong in flat figures', () => {
    const res = { steps: 300, points: [point(1, 90, 4000, 2), point(10, 100, 5000, 5), point(300, 100, 5000, 150)] };
    expect(soakVerdict(res)).toEqual({ summary: { from: 10, to: 300, tensorsFrom: 100, tensorsTo: 100, bytesFrom: 5000, bytesTo: 5000, msPerStep: 500 }, problems: [] });
  });

  it('names a growing count, growing bytes and a non-finite step', () => {
    const res = { steps: 3, points: [point(1, 100, 5000, 1), point(3, 102, 5016, 2)], halted: { step: 4, quantity: 'loss' } };
    expect(soakVerdict(res)).toEqual({
      summary: { from: 1, to: 3, tensorsFrom: 100, tensorsTo: 102, bytesFrom: 5000, bytesTo: 5016, msPerStep: 500 },
      problems: ['step 4 was not applied (loss was not finite)', 'the tensor count grew by 2 from step 1 to step 3: a leak', 'tensor bytes grew by 16 from step 1 to step 3: a leak'],
    });
  });

  it('with one point, times every step', () => {
    expect(soakVerdict({ steps: 4, points: [point(4, 7, 8, 2)] }).summary?.msPerStep).toBe(500);
    expect(soakVerdict({ steps: 0, points: [] })).toEqual({ summary: null, problems: [] });
  });
});
