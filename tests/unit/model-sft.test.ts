// SFT and the shared training step: the schedule and clipping against hand-worked numbers, the loss
// at initialisation, loss on response tokens only, loss falling on a fixed set, and no leaks.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend';
import { disposeBatch, packBatch, type PackedBatch } from '../../src/engine/model/batch';
import { makeConfig } from '../../src/engine/model/config';
import { computeLogProbs } from '../../src/engine/model/logprobs';
import { createModel, type VlmModel } from '../../src/engine/model/model';
import { createSftTrainer, heldOutLoss, sftStep } from '../../src/engine/sft/loss';
import { clipByGlobalNorm, DEFAULT_OPTIM, learningRateAt } from '../../src/engine/train/trainer';
import { Rng } from '../../src/engine/world/rng';

const cfg = makeConfig('tiny', 160);
const PIX = 48 * 48 * 3;

/** 16 fixed examples: a random image, a prompt of 3-8 tokens + sep, a response of 4-9 tokens + eos. */
function fixedSet(seed: number) {
  const rng = new Rng(seed);
  const n = 16;
  const images = Float32Array.from({ length: n * PIX }, () => rng.next());
  const tok = () => 4 + rng.int(cfg.vocabSize - 4);
  const prompts = Array.from({ length: n }, () => [...Array.from({ length: 3 + rng.int(6) }, tok), cfg.sepId]);
  const responses = Array.from({ length: n }, () => [...Array.from({ length: 4 + rng.int(6) }, tok), cfg.eosId]);
  return { images, prompts, responses };
}

let model: VlmModel;
let batch: PackedBatch;

beforeAll(async () => {
  await initBackend({ preferred: 'wasm', wasmPaths: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
  model = createModel(cfg, { seed: 1 });
  const d = fixedSet(2);
  batch = packBatch(cfg, d.images, d.prompts, d.responses);
});
afterAll(() => {
  disposeBatch(batch);
  model.dispose();
});

describe('training step pieces', () => {
  it('follows linear warm-up then cosine decay to the floor', () => {
    const c = { ...DEFAULT_OPTIM, lr: 1, warmupSteps: 4, totalSteps: 14, decay: 'cosine' as const, minLrRatio: 0.1 };
    expect(learningRateAt(c, 0)).toBeCloseTo(0.25, 10);
    expect(learningRateAt(c, 3)).toBeCloseTo(1, 10);
    expect(learningRateAt(c, 9)).toBeCloseTo(0.1 + 0.9 * 0.5, 10); // half-way through the decay
    expect(learningRateAt(c, 14)).toBeCloseTo(0.1, 10);
    expect(learningRateAt(c, 100)).toBeCloseTo(0.1, 10);
    expect(learningRateAt({ ...c, decay: 'linear' }, 9)).toBeCloseTo(0.1 + 0.9 * 0.5, 10);
    expect(learningRateAt({ ...c, decay: 'linear' }, 6)).toBeCloseTo(0.1 + 0.9 * 0.8, 10);
  });

  it('clips by global norm: (3, 4) has norm 5 and becomes (0.6, 0.8) under a limit of 1', async () => {
    const grads = { a: tf.tensor1d([3]), b: tf.tensor2d([[4]]) };
    const clipped = clipByGlobalNorm(grads, 1);
    expect((await clipped.norm.data())[0]).toBeCloseTo(5, 5);
    expect((await clipped.grads.a!.data())[0]).toBeCloseTo(0.6, 5);
    expect((await clipped.grads.b!.data())[0]).toBeCloseTo(0.8, 5);
    const loose = clipByGlobalNorm(grads, 10);
    expect((await loose.grads.b!.data())[0]).toBeCloseTo(4, 5);
    tf.dispose([grads, clipped, loose] as unknown as tf.Tensor[]);
  });
});

describe('SFT', () => {
  it('starts near ln(V − 1) nats (uniform over every token but pad) and counts response tokens only', async () => {
    const loss = await heldOutLoss(model, batch);
    expect(Math.abs(loss - Math.log(cfg.vocabSize - 1))).toBeLessThan(0.1);
    // The loss is exactly the mean negative log-prob over real response tokens.
    const lp = await computeLogProbs(model, batch);
    let sum = 0;
    let count = 0;
    lp.logprobs.forEach((v, i) => {
      sum -= v;
      count += lp.mask[i]!;
    });
    expect(count).toBe(batch.responseLengths.reduce((a, b) => a + b, 0));
    expect(loss).toBeCloseTo(sum / count, 4);
  });

  it('drives the loss on 16 fixed sequences below half its start, without leaking tensors', async () => {
    const m = model.clone();
    const trainer = createSftTrainer(m, { lr: 1e-2, warmupSteps: 5, totalSteps: 30, clipNorm: 1 });
    const start = await heldOutLoss(m, batch);
    const first = await sftStep(m, trainer, batch); // creates Adam's slots
    expect(first.loss).toBeCloseTo(start, 4);
    const before = tf.memory().numTensors;
    let last = first;
    for (let i = 1; i < 30; i++) {
      last = await sftStep(m, trainer, batch);
      expect(tf.memory().numTensors).toBe(before);
    }
    expect(last.step).toBe(30);
    const end = await heldOutLoss(m, batch);
    expect(tf.memory().numTensors).toBe(before);
    expect(end).toBeLessThan(start / 2);
    trainer.dispose();
    m.dispose();
  });

  it('applies dropout only while training, when the config asks for it', async () => {
    const m = createModel({ ...cfg, dropout: 0.2 }, { seed: 1 });
    const trainer = createSftTrainer(m, { lr: 0 }); // a step that changes nothing, to read the training loss
    const [a, b] = [await sftStep(m, trainer, batch), await sftStep(m, trainer, batch)];
    expect(a.loss).not.toBe(b.loss); // different dropout masks
    expect(await heldOutLoss(m, batch)).toBe(await heldOutLoss(m, batch));
    trainer.dispose();
    m.dispose();
  });

  it('computes the held-out loss without changing any weight', async () => {
    const w = await model.params.get('block0/mlp/w1').data();
    await heldOutLoss(model, batch);
    expect(Array.from(await model.params.get('block0/mlp/w1').data())).toEqual(Array.from(w));
  });
});
