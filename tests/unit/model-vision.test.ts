// The vision encoder: labels from scenes, pretraining on synthetic coloured shapes lowers the cell
// loss and raises accuracy, and a frozen encoder gets no update from SFT while the rest does.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend';
import { disposeBatch, packBatch } from '../../src/engine/model/batch';
import { makeConfig } from '../../src/engine/model/config';
import { createModel } from '../../src/engine/model/model';
import { createSftTrainer, sftStep } from '../../src/engine/sft/loss';
import { createVisionEncoder } from '../../src/engine/model/vision';
import {
  auxAccuracy, cellAccuracy, cellAccuracyBySize, cellLabelsFromScenes, createAuxHead, createVisionTrainer, disposeAuxHead, predictCells, pretrainVisionStep, visionLoss, type CellLabels,
} from '../../src/engine/vision/loss';
import { Rng } from '../../src/engine/world/rng';
import type { Scene } from '../../src/engine/world/scene';

const cfg = makeConfig('tiny', 160);
const RGB: [number, number, number][] = [[0.9, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.2, 0.9], [0.9, 0.9, 0.1], [0.6, 0.1, 0.7], [1, 0.55, 0]];

/**
 * n images of 3×3 cells on a light background: each cell empty or holding a circle or a square
 * (shape classes 1 and 2) in one of six colours, small (side 6) or large (side 12); with labels.
 */
function synthetic(n: number, seed: number): { images: Float32Array; labels: CellLabels } {
  const rng = new Rng(seed);
  const images = new Float32Array(n * 48 * 48 * 3).fill(0.92);
  const labels: CellLabels = { shape: new Int32Array(n * 9), color: new Int32Array(n * 9), size: new Int32Array(n * 9) };
  for (let b = 0; b < n; b++) {
    for (let cell = 0; cell < 9; cell++) {
      if (rng.chance(0.4)) continue;
      const shape = 1 + rng.int(2);
      const color = rng.int(6);
      const large = rng.chance(0.5);
      const side = large ? 12 : 6;
      const i = b * 9 + cell;
      labels.shape[i] = shape;
      labels.color[i] = color + 1;
      labels.size[i] = large ? 2 : 1;
      const x0 = (cell % 3) * 16 + (16 - side) / 2;
      const y0 = Math.floor(cell / 3) * 16 + (16 - side) / 2;
      for (let y = 0; y < side; y++) {
        for (let x = 0; x < side; x++) {
          const dx = x - side / 2 + 0.5;
          const dy = y - side / 2 + 0.5;
          if (shape === 1 && dx * dx + dy * dy > (side / 2) ** 2) continue; // circle
          const p = ((b * 48 + y0 + y) * 48 + x0 + x) * 3;
          images.set(RGB[color]!, p);
        }
      }
    }
  }
  return { images, labels };
}

beforeAll(async () => {
  await initBackend({ preferred: 'wasm', wasmPaths: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
});

describe('vision encoder', () => {
  it('labels cells row-major with 0 for empty and 1 + the world list index otherwise', () => {
    const scenes: Scene[] = [
      { background: 'day', objects: [{ shape: 'circle', color: 'red', size: 'small', row: 0, col: 2 }, { shape: 'cross', color: 'orange', size: 'large', row: 2, col: 1 }] },
      { background: 'night', objects: [{ shape: 'square', color: 'blue', size: 'large', row: 1, col: 1 }] },
    ];
    const l = cellLabelsFromScenes(scenes);
    expect(Array.from(l.shape)).toEqual([0, 0, 1, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0]);
    expect(Array.from(l.color)).toEqual([0, 0, 1, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0]);
    expect(Array.from(l.size)).toEqual([0, 0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0]);
  });

  it('pretraining on coloured shapes lowers the cell loss below half and lifts accuracy', async () => {
    const enc = createVisionEncoder(cfg, 1);
    const train = synthetic(16, 1);
    const trainer = createVisionTrainer(enc, { lr: 3e-3, warmupSteps: 5, totalSteps: 40 });
    const start = await visionLoss(enc, train.images, train.labels);
    const accStart = await cellAccuracy(enc, train.images, train.labels);
    expect(start).toBeGreaterThan(3); // ≈ ln 6 + ln 7 + ln 3 = 4.84 for a guessing encoder
    await pretrainVisionStep(enc, trainer, train.images, train.labels);
    const before = tf.memory().numTensors;
    for (let i = 1; i < 40; i++) await pretrainVisionStep(enc, trainer, train.images, train.labels);
    expect(tf.memory().numTensors).toBe(before);
    const end = await visionLoss(enc, train.images, train.labels);
    const acc = await cellAccuracy(enc, train.images, train.labels);
    expect(end).toBeLessThan(start / 2);
    expect(acc.color).toBeGreaterThan(Math.max(0.8, accStart.color));
    expect(acc.size).toBeGreaterThan(Math.max(0.8, accStart.size));
    trainer.dispose();
    enc.dispose();
  });

  it('with the auxiliary heads, learns which cell each token comes from and what it holds as one category', async () => {
    const enc = createVisionEncoder(cfg, 4);
    const aux = [createAuxHead(enc, 'place', 4), createAuxHead(enc, 'category', 5)];
    const train = synthetic(16, 5);
    const held = synthetic(16, 6);
    const before = await Promise.all(aux.map((h) => auxAccuracy(enc, held.images, held.labels, h)));
    const trainer = createVisionTrainer(enc, { lr: 3e-3, warmupSteps: 5, totalSteps: 60 }, aux);
    for (const h of aux) expect(trainer.variables).toContain(h.w);
    await pretrainVisionStep(enc, trainer, train.images, train.labels, aux); // Adam makes its moments here
    const tensors = tf.memory().numTensors;
    for (let i = 1; i < 60; i++) await pretrainVisionStep(enc, trainer, train.images, train.labels, aux);
    expect(tf.memory().numTensors).toBe(tensors);
    const after = await Promise.all(aux.map((h) => auxAccuracy(enc, held.images, held.labels, h)));
    expect(before[0]).toBeLessThan(0.4); // nine cells: chance is 1/9
    expect(after[0]).toBeGreaterThan(0.85);
    // Two shapes × six colours and empty cells: the category head reads them together.
    expect(after[1]).toBeGreaterThan(Math.max(0.8, before[1]! + 0.2));
    trainer.dispose();
    aux.forEach(disposeAuxHead);
    enc.dispose();
  });

  it('splits the cell accuracy by what a cell holds: small objects, large ones, nothing', async () => {
    const enc = createVisionEncoder(cfg, 7);
    const data = synthetic(12, 8);
    const pred = await predictCells(enc, data.images);
    const split = await cellAccuracyBySize(enc, data.images, data.labels);
    for (const [name, size] of [['empty', 0], ['small', 1], ['large', 2]] as const) {
      const cells = [...data.labels.size.keys()].filter((i) => data.labels.size[i] === size);
      const right = cells.filter((i) => pred.shape[i] === data.labels.shape[i]).length;
      expect(split[name].cells, name).toBe(cells.length);
      expect(split[name].shape, name).toBeCloseTo(right / cells.length, 10);
    }
    expect(split.small.cells + split.large.cells + split.empty.cells).toBe(12 * 9);
    enc.dispose();
  });

  it('once frozen, gets no gradient: an SFT step moves the decoder and projector but not the encoder', async () => {
    const enc = createVisionEncoder(cfg, 2);
    const model = createModel(cfg, { seed: 2, vision: enc, freezeVision: true });
    expect(model.vision.frozen).toBe(true);
    expect(enc.frozen).toBe(false); // the caller's encoder was copied, not changed
    expect(() => createVisionTrainer(model.vision)).toThrow(/frozen/);
    const visionVars = new Set(model.vision.allVariables());
    expect(model.trainableVariables().some((v) => visionVars.has(v))).toBe(false);
    const read = async (t: tf.Tensor) => Array.from(await t.data());
    const patchBefore = await read(model.vision.params.get('patch/w1'));
    expect(patchBefore).toEqual(await read(enc.params.get('patch/w1')));
    const projBefore = await read(model.params.get('proj/w'));
    const data = synthetic(4, 3);
    const batch = packBatch(cfg, data.images, [[4, 3], [5, 6, 3], [7, 3], [8, 3]], [[10, 2], [11, 12, 2], [13, 2], [14, 2]]);
    const trainer = createSftTrainer(model, { lr: 1e-2, warmupSteps: 0 });
    await sftStep(model, trainer, batch);
    expect(await read(model.vision.params.get('patch/w1'))).toEqual(patchBefore);
    expect(await read(model.params.get('proj/w'))).not.toEqual(projBefore);
    model.vision.setFrozen(false);
    expect(model.trainableVariables().length).toBe(model.params.vars.size + model.vision.trunkVariables().length);
    trainer.dispose();
    disposeBatch(batch);
    model.dispose();
    enc.dispose();
  });
});
