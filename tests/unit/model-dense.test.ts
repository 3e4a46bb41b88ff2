// The dense layer's fused forward and its own gradient (the bias's as ones @ dy), and the embedding's
// table-only gradient, agree with the plain formulations under tf's own gradients.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend';
import { dense, embed } from '../../src/engine/model/layers';

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

  it('embed: the rows of the table, and the table\'s gradient of oneHot(ids) @ table', async () => {
    const ids = tf.tensor2d([1, 2, 3, 1, 0, 4], [2, 3], 'int32');
    const table = tf.randomNormal([5, 4], 0, 1, 'float32', 5);
    const up = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 6);
    const before = tf.memory().numTensors;
    const [rows, g, gPlain] = tf.tidy(() => [
      embed(ids, table),
      tf.grad((t: tf.Tensor) => tf.sum(tf.mul(embed(ids, t), up)))(table),
      tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.matMul(tf.oneHot(ids.reshape([-1]) as tf.Tensor1D, 5), t).reshape([2, 3, 4]), up)))(table),
    ]);
    const tab = (await table.array()) as number[][];
    expect(await rows!.array()).toEqual([[tab[1], tab[2], tab[3]], [tab[1], tab[0], tab[4]]]);
    const [a, b] = [await g!.data(), await gPlain!.data()];
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i] as number, 5));
    tf.dispose([rows!, g!, gPlain!]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
