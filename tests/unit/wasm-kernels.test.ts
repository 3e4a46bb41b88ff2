// The WASM backend's Identity, Slice and SplitV as the engine registers them (src/engine/wasm-kernels.ts):
// slices of every rank against the values worked out by index, splits along each axis, int32 and
// bool tensors, a clone that shares memory and frees it only with its last holder, and a gradient
// through the tape's saved copies.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend';

beforeAll(async () => {
  await initBackend({ preferred: 'wasm', wasmPaths: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
  expect(tf.getBackend()).toBe('wasm');
});

/** 0, 1, 2, … laid out in `shape`. */
const iota = (shape: number[]) => tf.range(0, shape.reduce((a, b) => a * b, 1)).reshape(shape);

/** x[begin : begin + size] by walking every index (row-major), for the expected values. */
function sliceByHand(shape: number[], begin: number[], size: number[]): number[] {
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const out: number[] = [];
  const walk = (d: number, at: number) => {
    if (d === shape.length) return void out.push(at);
    for (let i = 0; i < size[d]!; i++) walk(d + 1, at + (begin[d]! + i) * strides[d]!);
  };
  walk(0, 0);
  return out;
}

describe('Slice on WASM', () => {
  const cases: [number[], number[], number[]][] = [
    [[10], [3], [4]],
    [[4, 6], [1, 2], [2, 3]],
    [[4, 6], [1, 0], [2, 6]], // whole rows: one run
    [[3, 5, 7], [0, 1, 2], [3, 3, 4]],
    [[3, 5, 7], [1, 0, 0], [2, 5, 7]],
    [[3, 5, 7], [0, 2, 0], [3, 2, 7]],
    [[2, 3, 4, 5], [1, 1, 1, 1], [1, 2, 2, 3]],
    [[2, 3, 4, 5, 2], [0, 1, 0, 2, 1], [2, 2, 4, 3, 1]], // rank 5
  ];
  for (const [shape, begin, size] of cases) {
    it(`takes [${begin}] + [${size}] of a [${shape}] tensor`, () => {
      const x = iota(shape);
      const y = tf.slice(x, begin, size);
      expect(y.shape).toEqual(size);
      expect(Array.from(y.dataSync())).toEqual(sliceByHand(shape, begin, size));
      tf.dispose([x, y]);
    });
  }

  it('slices int32 and bool tensors', () => {
    const i = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], 'int32');
    const b = tf.tensor2d([true, false, true, false, false, true], [2, 3], 'bool');
    const si = tf.slice(i, [0, 1], [2, 2]);
    const sb = tf.slice(b, [0, 1], [2, 2]);
    expect(si.dtype).toBe('int32');
    expect(Array.from(si.dataSync())).toEqual([2, 3, 5, 6]);
    expect(sb.dtype).toBe('bool');
    expect(Array.from(sb.dataSync())).toEqual([0, 1, 0, 1]);
    tf.dispose([i, b, si, sb]);
  });

  it('gives an empty tensor for a slice of size 0', () => {
    const x = iota([3, 4]);
    const y = tf.slice(x, [1, 2], [2, 0]);
    expect(y.shape).toEqual([2, 0]);
    expect(y.dataSync().length).toBe(0);
    tf.dispose([x, y]);
  });
});

describe('SplitV on WASM', () => {
  it('splits a [2, 3, 6] tensor in three along the last axis, as attention splits q, k, v', () => {
    const x = iota([2, 3, 6]);
    const parts = tf.split(x, 3, -1);
    expect(parts.map((p) => Array.from(p.dataSync()))).toEqual([
      [0, 1, 6, 7, 12, 13, 18, 19, 24, 25, 30, 31],
      [2, 3, 8, 9, 14, 15, 20, 21, 26, 27, 32, 33],
      [4, 5, 10, 11, 16, 17, 22, 23, 28, 29, 34, 35],
    ]);
    tf.dispose([x, ...parts]);
  });

  it('splits by uneven sizes along the first and the middle axis', () => {
    const x = iota([4, 3, 2]);
    const [a, b] = tf.split(x, [1, 3], 0);
    expect(Array.from(a!.dataSync())).toEqual([0, 1, 2, 3, 4, 5]);
    expect(b!.shape).toEqual([3, 3, 2]);
    expect(Array.from(b!.dataSync())).toEqual(sliceByHand([4, 3, 2], [1, 0, 0], [3, 3, 2]));
    const [c, d] = tf.split(x, [2, 1], 1);
    expect(Array.from(c!.dataSync())).toEqual(sliceByHand([4, 3, 2], [0, 0, 0], [4, 2, 2]));
    expect(Array.from(d!.dataSync())).toEqual([4, 5, 10, 11, 16, 17, 22, 23]);
    tf.dispose([x, a!, b!, c!, d!]);
  });

  it('passes the gradient of a split back to the right columns', () => {
    const x = iota([2, 4]);
    const g = tf.grad((t: tf.Tensor) => {
      const [l, r] = tf.split(t, 2, 1);
      return tf.add(tf.sum(l!), tf.mul(tf.sum(r!), 3));
    })(x);
    expect(Array.from(g.dataSync())).toEqual([1, 1, 3, 3, 1, 1, 3, 3]);
    tf.dispose([x, g]);
  });
});

describe('Identity on WASM', () => {
  it('makes a clone that shares the memory and keeps it until the last holder is disposed', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor1d([1, 2, 3]);
    const buffers = tf.memory().numDataBuffers;
    const c = tf.clone(x);
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(tf.memory().numDataBuffers).toBe(buffers); // one buffer, two tensors
    x.dispose();
    expect(Array.from(c.dataSync())).toEqual([1, 2, 3]);
    c.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives the tape saved copies that outlive their originals: the gradient of x·x·x at 2 is 12', () => {
    const g = tf.grad((t: tf.Tensor) => tf.tidy(() => tf.sum(tf.mul(tf.mul(t, t), t))))(tf.scalar(2));
    expect(g.dataSync()[0]).toBeCloseTo(12, 5);
    g.dispose();
  });
});
