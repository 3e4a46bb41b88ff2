// The fresh decoder's starting weights (sft/init.ts): fan-in scaling of the embeddings, q/k/v and
// the MLP's first layer, the residual projections left at GPT-2's scale, the seed still deciding.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend';
import { makeConfig } from '../../src/engine/model/config';
import { createModel } from '../../src/engine/model/model';
import { applyDecoderInit } from '../../src/engine/sft/init';

beforeAll(async () => {
  await initBackend({ preferred: 'wasm', wasmPaths: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
});

const std = async (t: tf.Tensor) => {
  const v = Array.from(await t.data());
  const m = v.reduce((a, x) => a + x, 0) / v.length;
  return Math.sqrt(v.reduce((a, x) => a + (x - m) ** 2, 0) / v.length);
};

describe('applyDecoderInit', () => {
  const cfg = makeConfig('default', 160);

  it('fan-in: embeddings, q/k/v and the first MLP layer at std 1/sqrt(d_model); the rest untouched', async () => {
    const a = createModel(cfg, { seed: 3 });
    const b = createModel(cfg, { seed: 3 });
    applyDecoderInit(b, 'fan-in');
    const target = 1 / Math.sqrt(cfg.dModel); // 0.088 at d_model 128
    for (const name of ['tok/emb', 'pos/emb', 'block0/attn/wqkv', 'block1/mlp/w1']) {
      expect(await std(a.params.get(name)), name).toBeCloseTo(0.02, 2);
      expect(await std(b.params.get(name)), name).toBeCloseTo(target, 2);
      // The same draws, scaled: the seed still decides the weights.
      const [x, y] = [await a.params.get(name).data(), await b.params.get(name).data()];
      expect(y[7]! / x[7]!).toBeCloseTo(target / 0.02, 4);
    }
    for (const name of ['block0/attn/wo', 'block1/mlp/w2', 'proj/w', 'head/score/w']) {
      expect(Array.from(await b.params.get(name).data()), name).toEqual(Array.from(await a.params.get(name).data()));
    }
    expect(b.generation).toBe(a.generation + 1);
    a.dispose();
    b.dispose();
  });

  it('gpt2 leaves the model as it was made, and neither leaks a tensor', async () => {
    const m = createModel(cfg, { seed: 4 });
    const before = Array.from(await m.params.get('tok/emb').data());
    const tensors = tf.memory().numTensors;
    applyDecoderInit(m, 'gpt2');
    expect(Array.from(await m.params.get('tok/emb').data())).toEqual(before);
    applyDecoderInit(m, 'fan-in');
    expect(tf.memory().numTensors).toBe(tensors);
    m.dispose();
  });
});
