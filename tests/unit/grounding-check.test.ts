// The learnability check (sft/grounding.ts). A policy that went through the grounding stage (the
// shipped SFT+) reads like one that sees with its pictures and fails the check with blank ones; the
// check's own training runs end to end at tiny size, and a tiny policy that has not learnt to look
// fails it. (The tiny model cannot learn the look-up within a test's budget: docs/grounding.md.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend';
import { groundingPasses, readPope, runGroundingCheck } from '../../src/engine/sft/grounding';
import { popeItems } from '../../src/engine/bench/pope';
import { loadModelDir } from '../../src/cli/model-files';
import type { VlmModel } from '../../src/engine/model/model';

let policy: VlmModel;
beforeAll(async () => {
  await initBackend({ preferred: 'wasm', wasmPaths: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
  policy = loadModelDir('models/sft-plus').model;
});
afterAll(() => policy.dispose());

describe('the learnability check', () => {
  const items = popeItems('standard');

  it('reads a grounded policy that sees the pictures: "yes" to nearly every present large object, few absent ones', async () => {
    // The shipped SFT+ went through the grounding stage, then instruction tuning on the mixture,
    // which costs it a little of the check's POPE accuracy (86.7% random here, 89.2% on the large set).
    const r = await readPope(policy, items, false);
    expect(r.byTruth.presentLarge.n).toBe(137);
    expect(r.byTruth.presentLarge.yes / r.byTruth.presentLarge.n).toBeGreaterThanOrEqual(0.95);
    expect(r.byTruth.absent.random.yes / r.byTruth.absent.random.n).toBeLessThan(0.2);
    expect(r.pope.random.accuracy).toBeGreaterThanOrEqual(0.85);
  });

  it('fails the same policy when each picture is replaced by a blank one', async () => {
    const r = await readPope(policy, items, true);
    expect(groundingPasses(r)).toBe(false);
    // Without the picture it guesses: present large objects get no more "yes" than absent ones do.
    expect(r.byTruth.presentLarge.yes / r.byTruth.presentLarge.n).toBeLessThan(0.5);
    expect(r.pope.random.accuracy).toBeLessThan(0.65);
  });

  it('trains and reads POPE at tiny size; a tiny policy after a few steps has not learnt to look', async () => {
    const res = await runGroundingCheck({ model: 'tiny', visionSteps: 5, sftSteps: 8, batchSize: 8 });
    const asked = (r: typeof res.seeing) => r.byTruth.presentLarge.n + r.byTruth.presentSmall.n + Object.values(r.byTruth.absent).reduce((a, c) => a + c.n, 0);
    expect(asked(res.seeing)).toBe(items.length);
    expect(asked(res.blank)).toBe(items.length);
    expect(Number.isFinite(res.heldOutLoss)).toBe(true);
    expect(groundingPasses(res.seeing)).toBe(false);
  });
});
