// Attention's batched products through a depthwise convolution (the WASM path) give tf.matMul's
// values and gradients.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend';
import { attentionMix, attentionScores } from '../../src/engine/model/bmm';

beforeAll(async () => {
  await initBackend({ preferred: 'wasm', wasmPaths: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
});

async function maxDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const d = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))));
  const v = (await d.data())[0] as number;
  d.dispose();
  return v;
}

describe('attention products on WASM', () => {
  const [b, h, t, s, d] = [3, 2, 5, 7, 4];
  it('q·kᵀ: values and gradients as tf.matMul', async () => {
    expect(tf.getBackend()).toBe('wasm');
    const q = tf.randomNormal([b, h, t, d], 0, 1, 'float32', 1) as tf.Tensor4D;
    const k = tf.randomNormal([b, h, s, d], 0, 1, 'float32', 2) as tf.Tensor4D;
    const w = tf.randomNormal([b, h, t, s], 0, 1, 'float32', 3);
    const before = tf.memory().numTensors;
    const ours = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(attentionScores(x as tf.Tensor4D, y as tf.Tensor4D), w)));
    const ref = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y, false, true), w)));
    const [gq, gk] = ours([q, k]);
    const [rq, rk] = ref([q, k]);
    const value = attentionScores(q, k);
    const refValue = tf.matMul(q, k, false, true);
    expect(value.shape).toEqual([b, h, t, s]);
    expect(await maxDiff(value, refValue)).toBeLessThan(1e-5);
    expect(await maxDiff(gq!, rq!)).toBeLessThan(1e-5);
    expect(await maxDiff(gk!, rk!)).toBeLessThan(1e-5);
    tf.dispose([gq!, gk!, rq!, rk!, value, refValue]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('weights·v: values and gradients as tf.matMul', async () => {
    const a = tf.randomNormal([b, h, t, s], 0, 1, 'float32', 4) as tf.Tensor4D;
    const v = tf.randomNormal([b, h, s, d], 0, 1, 'float32', 5) as tf.Tensor4D;
    const w = tf.randomNormal([b, h, t, d], 0, 1, 'float32', 6);
    const [ga, gv] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(attentionMix(x as tf.Tensor4D, y as tf.Tensor4D), w)))([a, v]);
    const [ra, rv] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y), w)))([a, v]);
    const value = attentionMix(a, v);
    const refValue = tf.matMul(a, v);
    expect(await maxDiff(value, refValue)).toBeLessThan(1e-5);
    expect(await maxDiff(ga!, ra!)).toBeLessThan(1e-5);
    expect(await maxDiff(gv!, rv!)).toBeLessThan(1e-5);
    tf.dispose([a, v, w, ga!, gv!, ra!, rv!, value, refValue]);
  });
});
