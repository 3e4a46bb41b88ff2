// The DPO loss against numbers worked out by hand: a decided pair (−log σ(βΔ)), a tie (a ½ target),
// a both-bad pair (each answer against a virtual one as likely as under the reference), a weighted
// batch, the gradients in the policy's log-probs, and TRL's statistics.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend';
import { dpoLoss, dpoStats, type DpoLossConfig } from '../../src/engine/dpo/loss';
import type { PairKind } from '../../src/engine/reward/config';

beforeAll(async () => {
  await initBackend({ preferred: 'wasm', wasmPaths: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
});

/** The loss and its gradients in the policy's log-probs of A and B (the reference's are constants). */
async function lossAndGrads(pa: number[], pb: number[], ra: number[], rb: number[], kinds: PairKind[], cfg: DpoLossConfig) {
  const a = tf.tensor1d(pa);
  const b = tf.tensor1d(pb);
  const refA = tf.tensor1d(ra);
  const refB = tf.tensor1d(rb);
  const { value, grads } = tf.valueAndGrads((x: tf.Tensor, y: tf.Tensor) => dpoLoss(x as tf.Tensor1D, y as tf.Tensor1D, refA, refB, kinds, cfg))([a, b]);
  const out = { loss: (await value.data())[0] as number, ga: [...(await grads[0]!.data())], gb: [...(await grads[1]!.data())] };
  tf.dispose([a, b, refA, refB, value, ...grads]);
  return out;
}

// One pair throughout: log π(a) = −2, log π(b) = −3, both −2.5 under the reference, β = ½:
// ρ(a) = 0.5, ρ(b) = −0.5, implicit rewards βρ = 0.25 and −0.25, βΔ = 0.5.
const PA = [-2], PB = [-3], REF = [-2.5];
const all: DpoLossConfig = { beta: 0.5, tieWeight: 1, bothBadWeight: 1 };

describe('dpoLoss', () => {
  it('is −log σ(βΔ) on a decided pair, with gradient ∓β·σ(−βΔ) in the two log-probs', async () => {
    // log(1 + e^−0.5) = 0.4740770; β·σ(−0.5) = 0.5 · 0.3775407 = 0.1887703.
    const r = await lossAndGrads(PA, PB, REF, REF, ['decided'], all);
    expect(r.loss).toBeCloseTo(0.474077, 5);
    expect(r.ga[0]).toBeCloseTo(-0.1887703, 5);
    expect(r.gb[0]).toBeCloseTo(0.1887703, 5);
  });

  it('is log 2 with no gradient pull but ∓β/2 when the policy is the reference', async () => {
    const r = await lossAndGrads([-4], [-1], [-4], [-1], ['decided'], { ...all, beta: 0.1 });
    expect(r.loss).toBeCloseTo(Math.log(2), 6);
    expect(r.ga[0]).toBeCloseTo(-0.05, 6);
    expect(r.gb[0]).toBeCloseTo(0.05, 6);
  });

  it('pulls a tie together: ½(softplus(βΔ) + softplus(−βΔ)), gradient ½β(σ(βΔ) − σ(−βΔ))', async () => {
    // ½(0.9740770 + 0.4740770) = 0.7240770; ½ · 0.5 · (0.6224593 − 0.3775407) = 0.0612297.
    const r = await lossAndGrads(PA, PB, REF, REF, ['tie'], all);
    expect(r.loss).toBeCloseTo(0.724077, 5);
    expect(r.ga[0]).toBeCloseTo(0.0612297, 5);
    expect(r.gb[0]).toBeCloseTo(-0.0612297, 5);
  });

  it('pushes both answers of a both-bad pair down: ½(softplus(βρ_a) + softplus(βρ_b)), gradients ½β·σ(βρ) > 0', async () => {
    // ½(log(1 + e^0.25) + log(1 + e^−0.25)) = ½(0.8259394 + 0.5759394) = 0.7009394;
    // ½ · 0.5 · σ(0.25) = 0.1405441 and ½ · 0.5 · σ(−0.25) = 0.1094559: descent lowers both.
    const r = await lossAndGrads(PA, PB, REF, REF, ['both-bad'], all);
    expect(r.loss).toBeCloseTo(0.7009394, 5);
    expect(r.ga[0]).toBeCloseTo(0.1405441, 5);
    expect(r.gb[0]).toBeCloseTo(0.1094559, 5);
  });

  it('weights a mixed batch Σ w·ℓ / Σ w, and drops a kind whose weight is 0', async () => {
    // The same pair three times as decided, tie, both-bad; weights 1, ½, ½ (Σ w = 2):
    //   (0.4740770 + ½·0.7240770 + ½·0.7009394) / 2 = 0.5932926
    // gradients in log π(a): −0.1887703/2, ½·0.0612297/2, ½·0.1405441/2 = −0.0943852, 0.0153074, 0.0351360
    const kinds: PairKind[] = ['decided', 'tie', 'both-bad'];
    const three = (x: number[]) => [x[0]!, x[0]!, x[0]!];
    const r = await lossAndGrads(three(PA), three(PB), three(REF), three(REF), kinds, { beta: 0.5, tieWeight: 0.5, bothBadWeight: 0.5 });
    expect(r.loss).toBeCloseTo(0.5932926, 5);
    [-0.0943852, 0.0153074, 0.035136].forEach((g, i) => expect(r.ga[i]).toBeCloseTo(g, 5));
    expect(r.gb[2]).toBeCloseTo(0.027364, 5);
    const dropped = await lossAndGrads(three(PA), three(PB), three(REF), three(REF), kinds, { beta: 0.5, tieWeight: 0, bothBadWeight: 0 });
    expect(dropped.loss).toBeCloseTo(0.474077, 5);
    expect(dropped.ga[1]).toBe(0);
    expect(dropped.ga[2]).toBe(0);
  });

  it('leaves no tensors behind', async () => {
    await lossAndGrads(PA, PB, REF, REF, ['decided'], all);
    const before = tf.memory().numTensors;
    await lossAndGrads([-1, -2], [-3, -1], [-2, -2], [-2, -2], ['decided', 'both-bad'], all);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('dpoStats', () => {
  it("gives TRL's statistics over the decided pairs only", () => {
    // Decided pairs: ρ = (0.5, −0.5) and (−1, 1); β = 0.5 → rewards (0.25, −0.25) and (−0.5, 0.5).
    const s = dpoStats([-2, -3.5, -9], [-3, -1.5, -9], [-2.5, -2.5, -1], [-2.5, -2.5, -1], ['decided', 'decided', 'tie'], 0.5)!;
    expect(s['rewards/chosen']).toBeCloseTo(-0.125, 9);
    expect(s['rewards/rejected']).toBeCloseTo(0.125, 9);
    expect(s['rewards/accuracies']).toBe(0.5);
    expect(s['rewards/margins']).toBeCloseTo(-0.25, 9);
    expect(s['logps/chosen']).toBeCloseTo(-2.75, 9);
    expect(s['logps/rejected']).toBeCloseTo(-2.25, 9);
    expect(dpoStats([1], [2], [0], [0], ['tie'], 0.1)).toBeNull();
  });

  it('counts equal implicit rewards as wrong, as TRL does: the reference itself scores 0', () => {
    // Policy = reference: both implicit rewards are 0 on every pair, so no pair is "right".
    expect(dpoStats([-2, -3], [-4, -1], [-2, -3], [-4, -1], ['decided', 'decided'], 0.1)!['rewards/accuracies']).toBe(0);
    // One pair strictly right, one tied: 1/2.
    expect(dpoStats([-1, -3], [-4, -1], [-2, -3], [-4, -1], ['decided', 'decided'], 0.1)!['rewards/accuracies']).toBe(0.5);
  });
});
