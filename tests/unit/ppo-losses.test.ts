// The clipped policy and value losses, the KL loss term, the per-token KL estimators and the
// adaptive KL controller, against values and gradients worked by hand.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend';
import { clippedPolicyLoss, clippedValueLoss, klLoss } from '../../src/engine/ppo/losses';
import { klEstimate, nextKlCoef, perTokenKl } from '../../src/engine/ppo/kl';

beforeAll(async () => {
  await initBackend({ preferred: 'wasm', wasmPaths: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
});

const t2 = (xs: number[]) => tf.tensor2d(xs, [1, xs.length]);
const read = async (t: tf.Tensor) => Array.from(await t.data());

describe('clipped policy loss', () => {
  // Ratios 1.5, 0.5, 1.1 (and a pad); advantages 1, 1, −2; ε = 0.2.
  //   token 0: −1·1.5 = −1.5 vs −1·1.2 = −1.2 → −1.2 (clipped)
  //   token 1: −0.5 vs −0.8 → −0.5
  //   token 2: 2.2 vs 2.2 → 2.2
  const newLogp = [Math.log(1.5), Math.log(0.5), Math.log(1.1), 7];
  const adv = [1, 1, -2, 5];
  const mask = [1, 1, 1, 0];

  it('takes the larger of the plain and clipped terms, averaged over real tokens', async () => {
    const before = tf.memory().numTensors;
    const out = tf.tidy(() => {
      const l = clippedPolicyLoss(t2(newLogp), t2([0, 0, 0, 0]), t2(adv), t2(mask), 0.2);
      return [l.loss, l.clipfrac, l.approxkl, l.ratio];
    });
    const [loss, clipfrac, approxkl, ratio] = await Promise.all(out.map((t) => t.data()));
    tf.dispose(out);
    expect(loss![0]).toBeCloseTo((-1.2 - 0.5 + 2.2) / 3, 5);
    expect(clipfrac![0]).toBeCloseTo(1 / 3, 6);
    expect(approxkl![0]).toBeCloseTo((0.5 * (Math.log(1.5) ** 2 + Math.log(0.5) ** 2 + Math.log(1.1) ** 2)) / 3, 5);
    expect(ratio![0]).toBeCloseTo((1.5 + 0.5 + 1.1) / 3, 5);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('sends no gradient through a clipped token: d/d log p = [0, −ρA/3, −ρA/3, 0]', async () => {
    const x = t2(newLogp);
    const g = tf.grad((lp: tf.Tensor) => clippedPolicyLoss(lp as tf.Tensor2D, t2([0, 0, 0, 0]), t2(adv), t2(mask), 0.2).loss)(x);
    const got = await read(g);
    tf.dispose([x, g]);
    [0, -0.5 / 3, 2.2 / 3, 0].forEach((w, i) => expect(got[i]).toBeCloseTo(w, 5));
  });
});

describe('clipped value loss', () => {
  // V 1.5, 0, 2.5; V_old 1, 0.1, 2; returns 1.2, 1, 3; clip 0.2.
  //   token 0: V_clip 1.2: (0.3)² = 0.09 vs 0 → 0.09
  //   token 1: inside the clip: 1 vs 1 → 1
  //   token 2: V_clip 2.2: 0.25 vs 0.64 → 0.64 (clipped is larger)
  const v = [1.5, 0, 2.5];
  const old = [1, 0.1, 2];
  const ret = [1.2, 1, 3];

  it('is half the mean of the larger squared error', async () => {
    const out = tf.tidy(() => {
      const l = clippedValueLoss(t2(v), t2(old), t2(ret), t2([1, 1, 1]), 0.2);
      return [l.loss, l.clipfrac];
    });
    const [loss, clipfrac] = await Promise.all(out.map((t) => t.data()));
    tf.dispose(out);
    expect(loss![0]).toBeCloseTo((0.5 * (0.09 + 1 + 0.64)) / 3, 5);
    expect(clipfrac![0]).toBeCloseTo(1 / 3, 6);
  });

  it('has gradient (V − G)/N on unclipped tokens and 0 where the clipped error wins', async () => {
    const x = t2(v);
    const g = tf.grad((vp: tf.Tensor) => clippedValueLoss(vp as tf.Tensor2D, t2(old), t2(ret), t2([1, 1, 1]), 0.2).loss)(x);
    const got = await read(g);
    tf.dispose([x, g]);
    [0.3 / 3, -1 / 3, 0].forEach((w, i) => expect(got[i]).toBeCloseTo(w, 5));
  });
});

describe('KL estimators', () => {
  it('k1 = log p − log p_ref; k3 = r − 1 − log r with r = p_ref / p', () => {
    expect(klEstimate(-1, -2, 'k1')).toBeCloseTo(1, 10);
    expect(klEstimate(-2, -1, 'k1')).toBeCloseTo(-1, 10);
    expect(klEstimate(-1, -2, 'k3')).toBeCloseTo(Math.exp(-1), 10); // e^−1 − 1 + 1
    expect(klEstimate(-2, -1, 'k3')).toBeCloseTo(Math.E - 2, 10);
    expect(klEstimate(-0.7, -0.7, 'k3')).toBe(0);
  });

  it('per token, zero on pads', () => {
    const kl = perTokenKl(Float32Array.from([-1, -2, 3]), Float32Array.from([-2, -1, 9]), Float32Array.from([1, 1, 0]), 'k1');
    expect(Array.from(kl)).toEqual([1, -1, 0]);
  });

  it('as a loss term: the mean k3 with gradient 1 − exp(log p_ref − log p) per token', async () => {
    const x = t2([-1, -2]);
    const val = tf.tidy(() => klLoss(x, t2([-2, -1]), t2([1, 1]), 'k3'));
    expect((await val.data())[0]).toBeCloseTo((Math.exp(-1) + Math.E - 2) / 2, 5);
    const g = tf.grad((lp: tf.Tensor) => klLoss(lp as tf.Tensor2D, t2([-2, -1]), t2([1, 1]), 'k3'))(x);
    const got = await read(g);
    tf.dispose([x, val, g]);
    expect(got[0]).toBeCloseTo((1 - Math.exp(-1)) / 2, 5);
    expect(got[1]).toBeCloseTo((1 - Math.E) / 2, 5);
  });
});

describe('KL controller', () => {
  const ctl = { value: 0.1, adaptive: true, target: 6, horizon: 10000 };
  it('adaptive: β·(1 + clip(kl/target − 1, ±0.2)·n/horizon)', () => {
    expect(nextKlCoef(ctl, 9, 64)).toBeCloseTo(0.1 * (1 + (0.2 * 64) / 10000), 12); // error 0.5 clipped to 0.2
    expect(nextKlCoef(ctl, 5.4, 64)).toBeCloseTo(0.1 * (1 - (0.1 * 64) / 10000), 12);
    expect(nextKlCoef(ctl, 0, 64)).toBeCloseTo(0.1 * (1 - (0.2 * 64) / 10000), 12);
    expect(nextKlCoef(ctl, 6, 64)).toBeCloseTo(0.1, 12);
  });
  it('fixed: unchanged', () => {
    expect(nextKlCoef({ ...ctl, adaptive: false }, 100, 64)).toBe(0.1);
  });
});
