// The reward-model loss against numbers worked out by hand: Bradley-Terry, the centring term,
// ties (pulled together) and both-bad pairs (pushed below the margin), values and gradients.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend';
import { preferenceLoss } from '../../src/engine/reward/loss';
import { REWARD_LOSS_DEFAULTS, type PairKind, type RewardLossConfig } from '../../src/engine/reward/config';

beforeAll(async () => {
  await initBackend({ preferred: 'wasm', wasmPaths: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
});

/** The loss and its gradients with respect to both score vectors. */
async function lossAndGrads(sa: number[], sb: number[], kinds: PairKind[], cfg: RewardLossConfig) {
  const a = tf.tensor1d(sa);
  const b = tf.tensor1d(sb);
  const { value, grads } = tf.valueAndGrads((x: tf.Tensor, y: tf.Tensor) => preferenceLoss(x as tf.Tensor1D, y as tf.Tensor1D, kinds, cfg))([a, b]);
  const out = { loss: (await value.data())[0] as number, ga: [...(await grads[0]!.data())], gb: [...(await grads[1]!.data())] };
  tf.dispose([a, b, value, ...grads]);
  return out;
}

const none: RewardLossConfig = { centreCoef: 0, tieWeight: 1, bothBadWeight: 1, bothBadMargin: 0 };

describe('preferenceLoss', () => {
  it('is −log σ(s_c − s_r) for one decided pair, with gradient ∓σ(−d)', async () => {
    // d = 1: log(1 + e^−1) = 0.3132617; σ(−1) = 0.2689414.
    const r = await lossAndGrads([1], [0], ['decided'], none);
    expect(r.loss).toBeCloseTo(0.3132617, 5);
    expect(r.ga[0]).toBeCloseTo(-0.2689414, 5);
    expect(r.gb[0]).toBeCloseTo(0.2689414, 5);
  });

  it('adds centreCoef · (s_a + s_b)², gradient 2·c·(s_a + s_b) on both scores', async () => {
    // 0.3132617 + 0.01 · 1² ; gradients −0.2689414 + 0.02 and 0.2689414 + 0.02.
    const r = await lossAndGrads([1], [0], ['decided'], { ...none, centreCoef: 0.01 });
    expect(r.loss).toBeCloseTo(0.3232617, 5);
    expect(r.ga[0]).toBeCloseTo(-0.2489414, 5);
    expect(r.gb[0]).toBeCloseTo(0.2889414, 5);
  });

  it('pulls a tie together: ½(σ(d) − σ(−d)) on the higher score, least at d = 0', async () => {
    // d = 1: loss ½(log(1 + e) + log(1 + e^−1)) = ½(1.3132617 + 0.3132617) = 0.8132617;
    // gradient on s_a: ½(σ(1) − σ(−1)) = ½(0.7310586 − 0.2689414) = 0.2310586.
    const r = await lossAndGrads([1], [0], ['tie'], none);
    expect(r.loss).toBeCloseTo(0.8132617, 5);
    expect(r.ga[0]).toBeCloseTo(0.2310586, 5);
    expect(r.gb[0]).toBeCloseTo(-0.2310586, 5);
    const flat = await lossAndGrads([0.3], [0.3], ['tie'], none);
    expect(flat.loss).toBeCloseTo(Math.log(2), 5);
    expect(flat.ga[0]).toBeCloseTo(0, 6);
  });

  it('pushes both answers of a both-bad pair below the margin: ½σ(s − m) on each', async () => {
    // m = 0.5, scores 2 and −1: ½(log(1 + e^1.5) + log(1 + e^−1.5)) = ½(1.7014132 + 0.2014132) = 0.9514132;
    // gradients ½σ(1.5) = 0.4087872 and ½σ(−1.5) = 0.0912128, both positive: descent lowers both.
    const r = await lossAndGrads([2], [-1], ['both-bad'], { ...none, bothBadMargin: 0.5 });
    expect(r.loss).toBeCloseTo(0.9514132, 5);
    expect(r.ga[0]).toBeCloseTo(0.4087872, 5);
    expect(r.gb[0]).toBeCloseTo(0.0912128, 5);
  });

  it('weights a mixed batch: Σ w·ℓ / Σ w plus the centring over decided and tie pairs', async () => {
    // Pairs: decided (1, 0), tie (0.5, 0.5), both-bad (2, −1); weights 1, ½, ½ (Σ w = 2); c = 0.01, m = 0.
    //   ℓ = 0.3132617, log 2 = 0.6931472, ½(log(1 + e²) + log(1 + e^−1)) = ½(2.1269280 + 0.3132617) = 1.2200949
    //   main = (0.3132617 + ½·0.6931472 + ½·1.2200949) / 2 = 0.6349414
    //   centre = 0.01 · mean((1 + 0)², (0.5 + 0.5)²) = 0.01            → loss 0.6449414
    // Gradients (the 1/Σw = ½ and the centring's 2·c·(s_a + s_b)/2 = 0.01 on the first two pairs):
    //   decided: −σ(−1)/2 + 0.01 = −0.1244707 and σ(−1)/2 + 0.01 = 0.1444707
    //   tie:      0 + 0.01 on both
    //   both-bad: ½·½·σ(2)/2 = 0.1100996 and ½·½·σ(−1)/2 = 0.0336177
    const r = await lossAndGrads([1, 0.5, 2], [0, 0.5, -1], ['decided', 'tie', 'both-bad'], REWARD_LOSS_DEFAULTS);
    expect(REWARD_LOSS_DEFAULTS).toEqual({ centreCoef: 0.01, tieWeight: 0.5, bothBadWeight: 0.5, bothBadMargin: 0 });
    expect(r.loss).toBeCloseTo(0.6449414, 5);
    const want = { ga: [-0.1244707, 0.01, 0.1100996], gb: [0.1444707, 0.01, 0.0336177] };
    want.ga.forEach((g, i) => expect(r.ga[i]).toBeCloseTo(g, 5));
    want.gb.forEach((g, i) => expect(r.gb[i]).toBeCloseTo(g, 5));
  });

  it('leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    const a = tf.tensor1d([1, 2]);
    const b = tf.tensor1d([0, 3]);
    const l = preferenceLoss(a, b, ['decided', 'tie']);
    tf.dispose([a, b, l]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
