// Going back to a trainer's checkpoint (src/engine/train/trainer.ts): after updates are undone the
// variables, Adam's moments, beta powers and update count, and the step count are those kept, bit
// for bit; the next update then gives what it gives on a twin trainer that never took the undone
// ones; and no tensor is left behind, the moments made since the checkpoint included.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend';
import { disposeCheckpoint, Trainer } from '../../src/engine/train/trainer';

beforeAll(async () => {
  await initBackend({ preferred: 'wasm', wasmPaths: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
});

/** A trainer over two small variables of fixed values, and its loss for a target t: Σ (w − t)² + Σ (b·t)². */
function twin(name: string) {
  const w = tf.variable(tf.tensor2d([[0.5, -1], [2, 0.25]]), true, `${name}/w`);
  const b = tf.variable(tf.tensor1d([0.1, -0.3, 0.7]), true, `${name}/b`);
  const trainer = new Trainer([w, b], { lr: 0.05, warmupSteps: 3, totalSteps: 10, clipNorm: 1 });
  const step = (t: number) => trainer.step(() => tf.add(tf.sum(tf.square(tf.sub(w, t))), tf.sum(tf.square(tf.mul(b, t)))) as tf.Scalar);
  const read = async () => ({ vars: await Promise.all([w, b].map((v) => v.data())), adam: await trainer.optimizerState(), steps: trainer.stepCount });
  return { trainer, step, read, dispose: () => (trainer.dispose(), tf.dispose([w, b])) };
}

describe('a trainer goes back to its checkpoint', () => {
  it('restores the variables and Adam exactly, and the next update matches a trainer that never took the undone ones', async () => {
    const a = twin('a');
    const b = twin('b');
    for (const t of [1, 2]) {
      await a.step(t);
      await b.step(t);
    }
    const kept = await a.read();
    const tensors = tf.memory().numTensors;
    const cp = a.trainer.checkpoint();
    await a.step(5);
    await a.step(-3);
    expect(await a.read()).not.toEqual(kept);
    a.trainer.restore(cp);
    disposeCheckpoint(cp);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(await a.read()).toEqual(kept);
    expect(kept.adam.iterations).toBe(2);
    // 4 moments and 2 beta powers: Adam's state is all there, not merely equal by being empty.
    expect(kept.adam.values).toHaveLength(6);
    // The step count drives the schedule: the next update's rate is the third step's on both.
    const [ra, rb] = [await a.step(0.5), await b.step(0.5)];
    expect(ra.lr).toBe(rb.lr);
    expect(ra.step).toBe(3);
    const [after, twinAfter] = [await a.read(), await b.read()];
    expect(after).toEqual(twinAfter);
    a.dispose();
    b.dispose();
  });

  it('frees the moments made after a checkpoint taken before the first update, and makes them afresh', async () => {
    const a = twin('c');
    const b = twin('d');
    const tensors = tf.memory().numTensors;
    const cp = a.trainer.checkpoint();
    await a.step(3);
    expect((await a.read()).adam.values).toHaveLength(6);
    a.trainer.restore(cp);
    disposeCheckpoint(cp);
    expect(tf.memory().numTensors).toBe(tensors);
    expect((await a.read()).adam).toEqual({ iterations: 0, values: [new Float32Array([0.9]), new Float32Array([0.999])] });
    await a.step(1);
    await b.step(1);
    expect(await a.read()).toEqual(await b.read());
    a.dispose();
    b.dispose();
  });
});
