// The DPO job end to end on a tiny policy: its plan is the reward model's split, ties and both-bad
// pairs are dropped by default; the first step sees the policy equal to the reference (loss log 2,
// margins 0); training raises the chosen answers' implicit reward; the reference is left unchanged.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend';
import { makeConfig } from '../../src/engine/model/config';
import { createModel, type VlmModel } from '../../src/engine/model/model';
import { VOCAB } from '../../src/engine/language/vocab';
import { Rng } from '../../src/engine/world/rng';
import { sampleScene, trainSeed } from '../../src/engine/world/sampler';
import { DEFAULT_PERCEPTION } from '../../src/engine/world/render';
import { labelByPerson } from '../../src/engine/prefs/label';
import type { Label } from '../../src/engine/prefs/labels';
import type { PreferenceRecord } from '../../src/engine/prefs/record';
import { planRewardJob, REWARD_JOB_DEFAULTS } from '../../src/engine/reward/config';
import { checkDpoConfig, DPO_DEFAULTS, planDpoJob } from '../../src/engine/dpo/config';
import { runDpoJob, type DpoPoint } from '../../src/engine/dpo/job';

/** n records about day and night: A the right answer, B the wrong one. */
function records(label: Label, n: number, seed: number): PreferenceRecord[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const scene = sampleScene(trainSeed(rng));
    const right = `it is ${scene.background} .`;
    const wrong = `it is ${scene.background === 'day' ? 'night' : 'day'} . there is a red circle .`;
    return labelByPerson({ scene, image: { perception: { ...DEFAULT_PERCEPTION }, noiseSeed: rng.int(2 ** 31) }, question: 'is it day or night ?', responseA: right, responseB: wrong, source: 'policy' }, label, 'test@0', '2025-01-01T00:00:00.000Z');
  });
}

let reference: VlmModel;
beforeAll(async () => {
  await initBackend({ preferred: 'wasm', wasmPaths: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
  reference = createModel(makeConfig('tiny', VOCAB.length), { seed: 2 });
});
afterAll(() => reference.dispose());

describe('the DPO plan and config', () => {
  it("splits as the reward model's job does, and uses ties and both-bad pairs only with a weight", () => {
    const all = [...records('A', 30, 1), ...records('tie', 6, 2), ...records('both-bad', 4, 3)];
    const dpo = planDpoJob(all, { ...DPO_DEFAULTS, seed: 4 });
    const rmPlan = planRewardJob(all, { ...REWARD_JOB_DEFAULTS, seed: 4 });
    expect(dpo.train.map((r) => r.id)).toEqual(rmPlan.train.map((r) => r.id));
    expect(dpo.usable).toBe(dpo.train.filter((r) => r.label === 'A').length);
    expect(planDpoJob(all, { ...DPO_DEFAULTS, seed: 4, tieWeight: 1, bothBadWeight: 1 }).usable).toBe(dpo.train.length);
    expect(checkDpoConfig({ ...DPO_DEFAULTS, beta: 0, lr: 1 }).map((p) => `${p.field} ${p.message}`)).toEqual(['beta must be a number above 0 and at most 100', 'lr must be a number above 0 and at most 0.1']);
  });
});

describe('runDpoJob', () => {
  it('starts at loss log 2 and margin 0, raises the chosen implicit reward, and leaves the reference as it was', async () => {
    const refWeights = await Promise.all(reference.namedWeights().map(([, v]) => v.data()));
    const before = tf.memory().numTensors;
    const points: DpoPoint[] = [];
    const res = await runDpoJob(reference, records('A', 40, 7), { minSteps: 30, epochs: 1, batchPairs: 8, lr: 3e-3, beta: 0.5, goldEvery: 15, goldProbeSize: 8, klPrompts: 8, heldOutShare: 0.25 }, { onPoint: (p) => points.push(p) });
    const first = points.find((p) => p.loss !== undefined)!;
    expect(first.loss).toBeCloseTo(Math.log(2), 4);
    expect(first.metrics!['rewards/margins']).toBeCloseTo(0, 4);
    const last = points.filter((p) => p.loss !== undefined).at(-1)!;
    expect(last.metrics!['rewards/margins']).toBeGreaterThan(1);
    expect(res.steps).toBe(30);
    expect(res.heldOut.stats!['rewards/accuracies']).toBeGreaterThan(0.9);
    expect(points.filter((p) => p.gold).map((p) => p.step)).toEqual([0, 15, 30]);
    // KL from the reference: 0 at the start (the same weights; sampler and forward pass agree to rounding), above it at the end.
    expect(Math.abs(res.start.kl!)).toBeLessThan(1e-2);
    expect(res.end.kl!).toBeGreaterThan(0.05);
    expect(res.policy.version).not.toBe(reference.version);
    const after = await Promise.all(reference.namedWeights().map(([, v]) => v.data()));
    after.forEach((w, i) => expect(w).toEqual(refWeights[i]));
    res.policy.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses labels it cannot learn from, and a bad config', async () => {
    await expect(runDpoJob(reference, records('tie', 10, 3))).rejects.toThrow(/no training pair the loss can use/);
    await expect(runDpoJob(reference, records('A', 10, 3), { beta: -1 })).rejects.toThrow('dpo: beta must be a number above 0 and at most 100');
  });
});
