// The reward-model job (reward/job.ts) and its plan (reward/config.ts): the split, the pairs the
// loss can use and the run's length counted from those alone (ties and both-bad pairs with a
// weight of 0 add no steps), the bounds of its knobs, and one short run end to end.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
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
import { checkRewardJob, planRewardJob, REWARD_JOB_DEFAULTS, rewardRunSteps, usablePairs, type RewardJobConfig } from '../../src/engine/reward/config';
import { runRewardJob } from '../../src/engine/reward/job';
import { JobControl } from '../../src/engine/train/job';

/** n records with the label, each on its own training scene. */
function records(label: Label, n: number, seed: number): PreferenceRecord[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const scene = sampleScene(trainSeed(rng));
    const pair = { scene, image: { perception: { ...DEFAULT_PERCEPTION }, noiseSeed: rng.int(2 ** 31) }, question: 'is it day or night ?', responseA: `it is ${scene.background} .`, responseB: `it is ${scene.background === 'day' ? 'night' : 'day'} .`, source: 'policy' as const };
    return labelByPerson(pair, label, 'test@0', '2025-01-01T00:00:00.000Z');
  });
}

const all = [...records('A', 10, 1), ...records('tie', 6, 2), ...records('both-bad', 4, 3)];
const cfg = (over: Partial<RewardJobConfig>): RewardJobConfig => ({ ...REWARD_JOB_DEFAULTS, epochs: 2, batchPairs: 4, minSteps: 0, ...over });

describe('the reward job plan', () => {
  it('counts steps from the pairs the loss can use: 20, 14 or 10 of them, 2 epochs of 4 pairs per step', () => {
    expect(usablePairs(all, { tieWeight: 0.5, bothBadWeight: 0.5 })).toHaveLength(20);
    expect(usablePairs(all, { tieWeight: 0, bothBadWeight: 0.5 })).toHaveLength(14);
    expect(usablePairs(all, { tieWeight: 0, bothBadWeight: 0 })).toHaveLength(10);
    expect(rewardRunSteps({ epochs: 2, batchPairs: 4, minSteps: 0 }, 20)).toBe(10);
    expect(rewardRunSteps({ epochs: 2, batchPairs: 4, minSteps: 0 }, 14)).toBe(7);
    expect(rewardRunSteps({ epochs: 2, batchPairs: 4, minSteps: 12 }, 14)).toBe(12);
    // A held-out share just above 0 keeps every prompt for training here.
    const plan = planRewardJob(all, cfg({ heldOutShare: 1e-9, tieWeight: 0, bothBadWeight: 0 }));
    expect(plan.train).toHaveLength(20);
    expect(plan.usable).toBe(10);
    expect(plan.steps).toBe(5);
    expect(planRewardJob(records('tie', 5, 4), cfg({ heldOutShare: 1e-9, tieWeight: 0 })).steps).toBe(0);
  });

  it('names every knob out of bounds, and the same split for the same seed', () => {
    expect(checkRewardJob(cfg({}))).toEqual([]);
    expect(checkRewardJob(cfg({ batchPairs: 0, lr: 0, heldOutShare: 1, readout: 'mean' as never })).map((p) => `${p.field} ${p.message}`)).toEqual([
      'batchPairs must be a whole number from 1 to 256',
      'lr must be a number above 0 and at most 0.1',
      'heldOutShare must be a number above 0 and below 1',
      'readout must be last or sum',
    ]);
    const a = planRewardJob(all, cfg({ heldOutShare: 0.3, seed: 5 }));
    const b = planRewardJob(all, cfg({ heldOutShare: 0.3, seed: 5 }));
    expect(a.heldOut.map((r) => r.id)).toEqual(b.heldOut.map((r) => r.id));
    expect(a.train.length + a.heldOut.length).toBe(20);
  });
});

describe('runRewardJob', () => {
  let policy: VlmModel;
  beforeAll(async () => {
    await initBackend({ preferred: 'wasm', wasmPaths: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
    policy = createModel(makeConfig('tiny', VOCAB.length), { seed: 4 });
  });

  it('trains for the planned steps on the usable pairs, reports progress, leaves the policy untouched and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const version = policy.version;
    const c = cfg({ heldOutShare: 0.25, tieWeight: 0, bothBadWeight: 0, probeItems: 2, evalEvery: 0 });
    const plan = planRewardJob(all, c);
    const seen: number[] = [];
    const res = await runRewardJob(policy, all, c, { onPoint: (p) => seen.push(p.step) });
    expect(res.total).toBe(plan.steps);
    expect(res.run.steps).toBe(plan.steps);
    expect(seen).toEqual(Array.from({ length: plan.steps }, (_, i) => i + 1));
    expect(res.stopped).toBe(false);
    expect(res.trainPairs + res.heldOutPairs).toBe(20);
    expect(res.info).toMatchObject({ kind: 'plain', policyVersion: version, steps: plan.steps, readout: 'last' });
    // The reward model's own weights changed (one generation per step); the policy's did not.
    expect(res.rm.generation).toBe(plan.steps);
    expect(policy.version).toBe(version);
    res.rm.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops when its control says so, keeping the steps taken, and refuses a bad config before touching anything', async () => {
    const control = new JobControl();
    const res = await runRewardJob(policy, all, cfg({ minSteps: 50, probeItems: 2, evalEvery: 0 }), { control, onPoint: (p) => p.step === 3 && control.stop() });
    expect(res.run.steps).toBe(3);
    expect(res.stopped).toBe(true);
    res.rm.dispose();
    const before = tf.memory().numTensors;
    await expect(runRewardJob(policy, all, cfg({ epochs: 0 }))).rejects.toThrow('reward model: epochs must be a number above 0 and at most 1000');
    await expect(runRewardJob(policy, records('tie', 4, 9), cfg({ tieWeight: 0, heldOutShare: 1e-9 }))).rejects.toThrow('no training pair the loss can use');
    expect(tf.memory().numTensors).toBe(before);
  });
});
