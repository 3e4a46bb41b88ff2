// The auxiliary grounding loss (sft/grounding-loss.ts) against numbers worked by hand, and the
// SFT data's asked cells against the scenes they come from.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend';
import { groundingLoss, groundingTargets, type GroundingHead } from '../../src/engine/sft/grounding-loss';
import { CLEAN_MIXTURE, EXISTENCE_ONLY, makeSftData, SFT_MIXTURE } from '../../src/engine/sft/data';
import { refMatches } from '../../src/engine/language/phrases';
import { parseQuestion } from '../../src/engine/language/question';

beforeAll(async () => {
  await initBackend({ preferred: 'wasm', wasmPaths: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
});

describe('groundingTargets', () => {
  it('marks the asked cells of examples that have them and weighs the rest 0', () => {
    const t = groundingTargets([{ askedCells: [0, 4] }, {}, { askedCells: [] }], 9);
    expect(Array.from(t.weights)).toEqual([1, 0, 1]);
    expect(Array.from(t.targets)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 0, ...new Array(18).fill(0)]);
  });
});

describe('groundingLoss', () => {
  it('is the mean sigmoid cross-entropy over the cells of weighted examples', async () => {
    // D = 2, 2 examples × 3 cells. w = [1, 0], b = 0: each cell's logit is its state's first number.
    const head: GroundingHead = { w: tf.variable(tf.tensor2d([1, 0], [2, 1])), b: tf.variable(tf.zeros([1])) };
    const states = tf.tensor3d([[[0, 5], [2, 5], [-1, 5]], [[3, 0], [3, 0], [3, 0]]], [2, 3, 2]);
    const targets = new Float32Array([1, 1, 0, 0, 0, 0]);
    const sp = (x: number) => Math.log(1 + Math.exp(x));
    // Example 0: cells (logit 0, y 1), (2, 1), (−1, 0): softplus(x) − x·y.
    const ex0 = (sp(0) + (sp(2) - 2) + sp(-1)) / 3;
    const ex1 = sp(3); // every cell logit 3, target 0
    const both = await groundingLoss(head, states, targets, new Float32Array([1, 1])).data();
    expect(both[0]).toBeCloseTo((ex0 + ex1) / 2, 5);
    const first = await groundingLoss(head, states, targets, new Float32Array([1, 0])).data();
    expect(first[0]).toBeCloseTo(ex0, 5);
    const none = await groundingLoss(head, states, targets, new Float32Array([0, 0])).data();
    expect(none[0]).toBe(0);
    tf.dispose([head.w, head.b, states]);
  });
});

describe('asked cells in the SFT data', () => {
  it('name exactly the cells of the scene that hold the asked object, on existence questions about the picture shown', () => {
    const data = makeSftData(400, 5, CLEAN_MIXTURE, EXISTENCE_ONLY);
    let present = 0;
    for (const e of data) {
      const spec = parseQuestion(e.question);
      expect(spec?.kind).toBe('exists');
      if (spec?.kind !== 'exists') continue;
      const want = e.scene.objects.filter((o) => refMatches(spec.obj, o)).map((o) => o.row * 3 + o.col);
      expect(e.askedCells).toEqual(want);
      expect(want.length > 0).toBe(e.asked === 'present');
      if (want.length > 0) present++;
    }
    expect(present / data.length).toBeGreaterThan(0.4);
    expect(present / data.length).toBeLessThan(0.6);
  });

  it('are left out where the picture shown is not the scene asked about', () => {
    const data = makeSftData(2000, 6, { ...SFT_MIXTURE, factsShare: 1 });
    const blind = data.filter((e) => e.imageScene !== undefined);
    expect(blind.length).toBeGreaterThan(0);
    for (const e of blind) expect(e.askedCells).toBeUndefined();
    expect(data.some((e) => e.imageScene === undefined && e.askedCells !== undefined)).toBe(true);
  });
});
