// The dense layer's fused forward and its own gradient (the bias's as ones @ dy) agree with the plain
// formulation x @ w + b under tf's own gradients.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend';
import { dense } from '../../src/engine/model/layers';

beforeAll(async () => {
  await initBackend({ preferred: 'wasm', wasmPaths: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
});

describe('dense', () => {
  it('gives the values and gradients of x @ w + b, for a rank-3 input, without leaking', async () => {
    const x = tf.randomNormal([2, 5, 4], 0, 1, 'float32', 1);
    const w = tf.randomNormal([4, 3], 0, 1, 'float32', 2);
    const b = tf.randomNormal([3], 0, 1, 'float32', 3);
    const up = tf.randomNormal([2, 5, 3], 0, 1, 'float32', 4);
    const before = tf.memory().numTensors;
    const f = (impl: (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.Tensor) => tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(impl(xx, ww, bb), up)));
    const plainDense = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.add(tf.matMul(xx.reshape([10, 4]), ww), bb).reshape([2, 5, 3]);
    const [y, yPlain, ...grads] = tf.tidy(() => [dense(x, w, b), plainDense(x, w, b), ...f(dense)([x, w, b]), ...f(plainDense)([x, w, b])]);
    const ours = grads.slice(0, 3);
    const plain = grads.slice(3);
    const diffs = await Promise.all([[y, yPlain], ...ours.map((g, i) => [g, plain[i]!])].map(async ([a, c]) => {
      const d = tf.tidy(() => tf.max(tf.abs(tf.sub(a!, c!))));
      const v = (await d.data())[0] as number;
      d.dispose();
      return v;
    }));
    expect(y!.shape).toEqual([2, 5, 3]);
    for (const d of diffs) expect(d).toBeLessThan(1e-5);
    tf.dispose([...grads, y!, yPlain!]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
