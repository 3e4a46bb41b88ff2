// Batched generation: the KV-cache path against full recomputation (padded prompts of different
// lengths), seeded reproducibility, greedy decoding, stopping at EOS, and no leaked tensors.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend';
import { disposeBatch, packBatch } from '../../src/engine/model/batch';
import { makeConfig } from '../../src/engine/model/config';
import { generate } from '../../src/engine/model/generate';
import { computeLogProbs } from '../../src/engine/model/logprobs';
import { createModel, type VlmModel } from '../../src/engine/model/model';
import { images, PIX, roughen } from '../helpers/model';

const cfg = makeConfig('tiny', 160);
let model: VlmModel;



const PROMPTS = [[4, 5, 6, 3], [7, 8, 9, 10, 11, 12, 13, 14, 3], [15, 3], [16, 17, 18, 19, 20, 3]];

beforeAll(async () => {
  await initBackend({ preferred: 'wasm', wasmPaths: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
  model = createModel(cfg, { seed: 3 });
  roughen(model, 4);
});
afterAll(() => model.dispose());

describe('generate', () => {
  it('gives the same logits (within 1e-4) and tokens with the KV cache as with full recomputation', async () => {
    const img = images(4, 1);
    const opts = { maxNewTokens: 10, temperature: 1, seed: 5, returnLogits: true };
    const cached = await generate(model, img, PROMPTS, opts);
    const full = await generate(model, img, PROMPTS, { ...opts, useCache: false });
    expect(cached.steps).toBe(full.steps);
    expect(cached.steps).toBeGreaterThan(3);
    let worst = 0;
    cached.stepLogits!.forEach((l, s) => {
      const f = full.stepLogits![s]!;
      for (let i = 0; i < l.length; i++) if (i % cfg.vocabSize !== cfg.padId) worst = Math.max(worst, Math.abs(l[i]! - f[i]!));
    });
    expect(worst).toBeLessThan(1e-4);
    expect(cached.responses).toEqual(full.responses);
    expect(Array.from(cached.tokens)).toEqual(Array.from(full.tokens));
  });

  it('is reproducible from its seed, and different seeds sample differently', async () => {
    const img = images(4, 2);
    const a = await generate(model, img, PROMPTS, { maxNewTokens: 8, seed: 9, ignoreEos: true });
    const b = await generate(model, img, PROMPTS, { maxNewTokens: 8, seed: 9, ignoreEos: true });
    const c = await generate(model, img, PROMPTS, { maxNewTokens: 8, seed: 10, ignoreEos: true });
    expect(a.responses).toEqual(b.responses);
    expect(a.responses).not.toEqual(c.responses);
  });

  it('decodes greedily at temperature 0: each token is the argmax of its step, whatever the seed', async () => {
    const img = images(4, 3);
    const g1 = await generate(model, img, PROMPTS, { maxNewTokens: 6, temperature: 0, seed: 1, returnLogits: true, ignoreEos: true });
    const g2 = await generate(model, img, PROMPTS, { maxNewTokens: 6, temperature: 0, seed: 2, ignoreEos: true });
    expect(g1.responses).toEqual(g2.responses);
    g1.responses.forEach((resp, row) =>
      resp.forEach((tok, s) => {
        const l = Array.from(g1.stepLogits![s]!.subarray(row * cfg.vocabSize, (row + 1) * cfg.vocabSize));
        expect(tok).toBe(l.indexOf(Math.max(...l)));
      }),
    );
    // A row decoded alone gives the same tokens as inside the padded batch.
    const alone = await generate(model, img.subarray(PIX, 2 * PIX), [PROMPTS[1]!], { maxNewTokens: 6, temperature: 0, ignoreEos: true });
    expect(alone.responses[0]).toEqual(g1.responses[1]);
  });

  it('stops each row at its first EOS and pads the rest of the row', async () => {
    const m = model.clone();
    // Make EOS likely everywhere: final LayerNorm gain 0 and bias c·emb[eos], so every position's
    // logits are c·(emb @ emb[eos]); pick c by bisection so that p(eos) is about 0.3.
    const emb = (await m.params.get('tok/emb').array()) as number[][];
    const e = emb[cfg.eosId]!;
    const dots = emb.map((row) => row.reduce((s, x, i) => s + x * e[i]!, 0));
    const pEos = (c: number) => {
      const l = dots.map((d, i) => (i === cfg.padId ? -Infinity : c * d));
      const max = Math.max(...l);
      return Math.exp(l[cfg.eosId]! - max) / l.reduce((s, x) => s + Math.exp(x - max), 0);
    };
    let lo = 0;
    let hi = 100;
    for (let i = 0; i < 60; i++) if (pEos((lo + hi) / 2) < 0.3) lo = (lo + hi) / 2; else hi = (lo + hi) / 2;
    m.params.get<tf.Variable>('lnf/g').assign(tf.zeros([cfg.dModel]));
    m.params.get<tf.Variable>('lnf/b').assign(tf.tensor1d(e.map((x) => x * lo)));
    const prompts = [...PROMPTS, ...PROMPTS];
    const img = images(8, 4);
    const gen = await generate(m, img, prompts, { maxNewTokens: 12, seed: 3 });
    const again = await generate(m, img, prompts, { maxNewTokens: 12, seed: 3, useCache: false });
    m.dispose();
    expect(again.responses).toEqual(gen.responses);
    const lengths = gen.responses.map((r) => r.length);
    expect(new Set(lengths).size).toBeGreaterThan(2); // rows really stopped at different steps
    gen.responses.forEach((resp, row) => {
      const firstEos = resp.indexOf(cfg.eosId);
      expect(gen.finished[row]).toBe(firstEos >= 0);
      if (firstEos >= 0) expect(firstEos).toBe(resp.length - 1);
      else expect(resp.length).toBe(gen.steps);
      for (let s = 0; s < gen.steps; s++) expect(gen.tokens[row * gen.steps + s]).toBe(s < resp.length ? resp[s] : cfg.padId);
    });
    expect(gen.finished.some(Boolean)).toBe(true);
  });

  it('never passes maxLen text positions', async () => {
    const long = Array.from({ length: cfg.maxLen - 2 }, (_, i) => 4 + (i % 100));
    const gen = await generate(model, images(1, 5), [long], { maxNewTokens: 10, ignoreEos: true });
    expect(gen.steps).toBe(2);
  });

  it('leaks no tensors in generation (both paths) or in a log-prob call', async () => {
    const img = images(4, 6);
    await generate(model, img, PROMPTS, { maxNewTokens: 4, seed: 1 }); // warm-up
    const before = tf.memory().numTensors;
    const gen = await generate(model, img, PROMPTS, { maxNewTokens: 6, seed: 1 });
    expect(tf.memory().numTensors).toBe(before);
    await generate(model, img, PROMPTS, { maxNewTokens: 6, seed: 1, useCache: false });
    expect(tf.memory().numTensors).toBe(before);
    const batch = packBatch(cfg, img, PROMPTS, gen.responses.map((r) => (r.length ? r : [2])));
    const inBatch = tf.memory().numTensors;
    await computeLogProbs(model, batch, { entropy: true, values: true });
    expect(tf.memory().numTensors).toBe(inBatch);
    disposeBatch(batch);
    expect(tf.memory().numTensors).toBe(before);
  });
});
