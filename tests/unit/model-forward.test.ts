// The decoder's forward pass against known answers: causality, padding invariance, hand-computed
// log-probs, scores read at the last real token, and WASM against CPU.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend';
import { disposeBatch, packBatch, type PackedBatch } from '../../src/engine/model/batch';
import { makeConfig } from '../../src/engine/model/config';
import { decoderForward, lmLogits, scoreHead } from '../../src/engine/model/decoder';
import { generate } from '../../src/engine/model/generate';
import { computeLogProbs, computeScores, responseOutputs } from '../../src/engine/model/logprobs';
import { createModel, type VlmModel } from '../../src/engine/model/model';
import { images, PIX, roughen } from '../helpers/model';

const cfg = makeConfig('tiny', 160);
let model: VlmModel;



/** All-column logits [B, 9 + T, V] of a packed batch, read back. */
async function allLogits(m: VlmModel, batch: PackedBatch): Promise<number[][][]> {
  const t = tf.tidy(() => lmLogits(m, decoderForward(m, batch).hidden));
  const a = (await t.array()) as number[][][];
  t.dispose();
  return a;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs((a[i] as number) - (b[i] as number)));
  return d;
}

beforeAll(async () => {
  const be = await initBackend({ preferred: 'wasm', wasmPaths: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
  expect(be.name).toBe('wasm');
  model = createModel(cfg, { seed: 7 });
  roughen(model, 8);
});
afterAll(() => model.dispose());

describe('decoder forward', () => {
  it('is causal: changing a later token leaves every earlier column unchanged', async () => {
    const img = images(1, 1);
    const seq = [5, 9, 11, 40, 41, 42, 43, 3, 50, 51, 52];
    const changed = seq.slice();
    changed[6] = 99; // prompt column 6 → sequence column 6 (the prompt comes first, then the 9 image tokens)
    const a = packBatch(cfg, img, [seq]);
    const b = packBatch(cfg, img, [changed]);
    const [la, lb] = [(await allLogits(model, a))[0]!, (await allLogits(model, b))[0]!];
    disposeBatch(a);
    disposeBatch(b);
    for (let col = 0; col < 6; col++) expect(maxAbsDiff(la[col]!, lb[col]!)).toBeLessThan(1e-6);
    // The changed column itself and later ones (the image tokens too) must move, or the check above proves nothing.
    for (let col = 6; col < seq.length + 9; col++) expect(maxAbsDiff(la[col]!, lb[col]!)).toBeGreaterThan(1e-3);
  });

  it('gives a row the same logits alone and left-padded in a batch with longer prompts', async () => {
    const img = images(3, 2);
    const prompts = [[7, 8, 3], [10, 11, 12, 13, 14, 15, 3], [20, 3]];
    const responses = [[30, 31, 2], [32], [33, 34, 35, 36]];
    const batch = packBatch(cfg, img, prompts, responses);
    const together = await computeLogProbs(model, batch);
    disposeBatch(batch);
    expect(together.responseLen).toBe(4);
    for (let row = 0; row < 3; row++) {
      const alone = packBatch(cfg, img.subarray(row * PIX, (row + 1) * PIX), [prompts[row]!], [responses[row]!]);
      const one = await computeLogProbs(model, alone);
      disposeBatch(alone);
      const n = responses[row]!.length;
      expect(maxAbsDiff(together.logprobs.subarray(row * 4, row * 4 + n), one.logprobs.subarray(0, n))).toBeLessThan(1e-4);
      for (let r = n; r < 4; r++) expect(Math.abs(together.logprobs[row * 4 + r]!)).toBe(0); // pads carry nothing
    }
  });

  it('computes log-probs and entropy that match a plain-JS log-softmax of the logits', async () => {
    const img = images(2, 3);
    const prompts = [[4, 5, 6, 3], [7, 3]];
    const responses = [[40, 41, 42, 2], [43, 44]];
    const batch = packBatch(cfg, img, prompts, responses);
    const full = await allLogits(model, batch); // [B, 9 + Lp + R, V]
    const got = await computeLogProbs(model, batch, { entropy: true, temperature: 0.7 });
    disposeBatch(batch);
    const lp = 4; // longest prompt
    for (let row = 0; row < 2; row++) {
      responses[row]!.forEach((tok, r) => {
        const logits = full[row]![9 + lp - 1 + r]!.map((x) => x / 0.7); // the column before the token predicts it
        const max = Math.max(...logits);
        const lse = max + Math.log(logits.reduce((s, x) => s + Math.exp(x - max), 0));
        const logp = logits.map((x) => x - lse);
        const entropy = -logp.reduce((s, l) => s + Math.exp(l) * l, 0);
        expect(got.logprobs[row * 4 + r]).toBeCloseTo(logp[tok]!, 4);
        expect(got.entropy![row * 4 + r]).toBeCloseTo(entropy, 4);
        expect(got.mask[row * 4 + r]).toBe(1);
      });
    }
    expect(got.mask[1 * 4 + 2]).toBe(0);
  });

  it('log-probs of sampled responses equal the sampler’s own step distributions', async () => {
    const img = images(3, 4);
    const prompts = [[4, 5, 3], [6, 7, 8, 9, 3], [10, 3]];
    const gen = await generate(model, img, prompts, { maxNewTokens: 5, temperature: 1, seed: 11, returnLogits: true, ignoreEos: true });
    const batch = packBatch(cfg, img, prompts, gen.responses);
    const got = await computeLogProbs(model, batch);
    disposeBatch(batch);
    for (let row = 0; row < 3; row++) {
      gen.responses[row]!.forEach((tok, s) => {
        const l = Array.from(gen.stepLogits![s]!.subarray(row * cfg.vocabSize, (row + 1) * cfg.vocabSize));
        const max = Math.max(...l);
        const lse = max + Math.log(l.reduce((acc, x) => acc + Math.exp(x - max), 0));
        expect(got.logprobs[row * 5 + s]).toBeCloseTo(l[tok]! - lse, 4);
      });
    }
  });

  it('reads the score at the last real token, so right-padding a batch does not change it', async () => {
    const img = images(2, 5);
    const short = packBatch(cfg, img.subarray(0, PIX), [[4, 5, 3]], [[40, 2]]);
    const mixed = packBatch(cfg, img, [[4, 5, 3], [6, 3]], [[40, 2], [41, 42, 43, 44, 45, 2]]);
    const [a, b] = [await computeScores(model, short), await computeScores(model, mixed)];
    const v = tf.tidy(() => responseOutputs(model, mixed, { values: true }).values!);
    const values = (await v.data()) as Float32Array;
    v.dispose();
    disposeBatch(short);
    disposeBatch(mixed);
    expect(Math.abs(a[0]! - b[0]!)).toBeLessThan(1e-4);
    expect(Math.abs(b[0]! - b[1]!)).toBeGreaterThan(1e-3);
    expect(values.length).toBe(2 * 6);
    expect(Math.abs(values[2]!)).toBe(0); // row 0 has two response tokens; the rest are pads
  });

  it('with the sum readout, scores the head summed over the real response tokens, pads and prompt left out', async () => {
    const summed = model.clone({ scoreReadout: 'sum' });
    const img = images(2, 9);
    const batch = packBatch(cfg, img, [[4, 5, 3], [6, 7, 8, 3]], [[40, 2], [41, 42, 43, 2]]);
    const got = await computeScores(summed, batch);
    // By hand: the head at each response column (after 9 image tokens and the left-padded prompt), added up.
    const t = tf.tidy(() => scoreHead(summed, decoderForward(summed, batch).hidden));
    const perColumn = (await t.array()) as number[][];
    t.dispose();
    const start = 9 + batch.promptLen;
    const want = [2, 4].map((len, row) => perColumn[row]!.slice(start, start + len).reduce((a, x) => a + x, 0));
    disposeBatch(batch);
    expect(got[0]).toBeCloseTo(want[0]!, 4);
    expect(got[1]).toBeCloseTo(want[1]!, 4);
    // The same row alone (no right-padding) scores the same.
    const alone = packBatch(cfg, img.subarray(0, PIX), [[4, 5, 3]], [[40, 2]]);
    expect((await computeScores(summed, alone))[0]).toBeCloseTo(got[0]!, 4);
    disposeBatch(alone);
    expect(() => model.clone({ scoreReadout: 'max' as 'sum' })).toThrow(/scoreReadout must be one of last, sum, got max/);
    summed.dispose();
  });

  it('agrees between the WASM and CPU backends within 1e-4 on logits', async () => {
    const img = images(2, 6);
    const prompts = [[4, 5, 6, 7, 3], [8, 3]];
    const responses = [[40, 41, 2], [42, 43, 44, 45]];
    const onWasm = packBatch(cfg, img, prompts, responses);
    const wasm = (await allLogits(model, onWasm)).flat(2);
    disposeBatch(onWasm);
    // Variables live on the backend that made them; copy the weights over through a checkpoint-free clone.
    const weights = await Promise.all(model.namedWeights().map(async ([n, v]) => [n, await v.data(), v.shape] as const));
    await tf.setBackend('cpu');
    try {
      const cpuModel = createModel(cfg, { seed: 7 });
      const byName = new Map(cpuModel.namedWeights());
      for (const [n, data, shape] of weights) byName.get(n)!.assign(tf.tensor(data as Float32Array, shape));
      const onCpu = packBatch(cfg, img, prompts, responses);
      const cpu = (await allLogits(cpuModel, onCpu)).flat(2);
      disposeBatch(onCpu);
      cpuModel.dispose();
      expect(Math.max(...cpu.map(Math.abs))).toBeGreaterThan(1); // logits of real size, not all near 0
      expect(maxAbsDiff(wasm, cpu)).toBeLessThan(1e-4);
    } finally {
      await tf.setBackend('wasm');
    }
  });
});
