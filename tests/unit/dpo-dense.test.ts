// Dense DPO (RLHF-V's DDPO) against numbers worked out by hand: the token weights of a known mark,
// the weighted average log-prob, the loss of one pair from its token log-probs, γ = 1 as plain
// per-token averaging, the marks that give no pair, the weights lined up with the model's response
// tokens, and a tiny run that raises the chosen-vs-rejected margin.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend';
import { makeConfig } from '../../src/engine/model/config';
import { createModel, type VlmModel } from '../../src/engine/model/model';
import { responseOutputs } from '../../src/engine/model/logprobs';
import { disposeBatch } from '../../src/engine/model/batch';
import { VOCAB } from '../../src/engine/language/vocab';
import { responseIds, sceneImage } from '../../src/engine/data/encode';
import { Rng } from '../../src/engine/world/rng';
import { sampleScene, trainSeed } from '../../src/engine/world/sampler';
import { DEFAULT_PERCEPTION } from '../../src/engine/world/render';
import { correctedAnswer, makeMark, type MarkedSentence, type MarkRecord } from '../../src/engine/prefs/mark';
import { checkDenseDpoConfig, DENSE_DPO_DEFAULTS, DENSE_DPO_FIELDS, DPO_DEFAULTS, dpoConfigOfDense } from '../../src/engine/dpo/config';
import { denseWeights, planDenseDpoJob } from '../../src/engine/dpo/dense';
import { packPairs, pairLogps, reduceLogps, type DpoPair } from '../../src/engine/dpo/logps';
import { dpoLoss } from '../../src/engine/dpo/loss';
import { runDenseDpoJob, type DpoPoint } from '../../src/engine/dpo/job';

const RED = 'there is a red circle .';
const BLUE = 'there is a blue square .';
const GREEN = 'there is a green square .';
const CROSS = 'there is a yellow cross .';

/** A mark of an answer made of these sentences, about a scene drawn from `seed`. */
function mark(sentences: MarkedSentence[], seed = 1, question = 'what is in the image ?'): MarkRecord {
  const rng = new Rng(seed);
  return makeMark({
    scene: sampleScene(trainSeed(rng)), image: { perception: { ...DEFAULT_PERCEPTION }, noiseSeed: rng.int(2 ** 31) }, question,
    answer: sentences.map((s) => s.text).join(' '), sentences,
    markedBy: { kind: 'person' }, markedAt: '2025-01-01T00:00:00.000Z', policyVersion: 'test@0',
  });
}

/** The per-token log-probs [B, R] and weights [B, R] through reduceLogps, on the host. */
async function reduce(logps: number[][], weights?: number[][]): Promise<number[]> {
  const t = tf.tidy(() => reduceLogps(tf.tensor2d(logps), weights ? tf.tensor2d(weights) : undefined));
  const out = [...(await t.data())];
  t.dispose();
  return out;
}

let reference: VlmModel;
beforeAll(async () => {
  await initBackend({ preferred: 'wasm', wasmPaths: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
  reference = createModel(makeConfig('tiny', VOCAB.length), { seed: 2 });
});
afterAll(() => reference.dispose());

describe('denseWeights', () => {
  it('weighs the corrected sentence in y_w and the marked-false one in y_l γ, every other token and <eos> 1', () => {
    const m = mark([{ text: RED, false: false }, { text: BLUE, false: true, correction: GREEN }]);
    const w = denseWeights(m, 5)!;
    expect(w.chosen).toBe(`${RED} ${GREEN}`);
    expect(w.rejected).toBe(`${RED} ${BLUE}`);
    //                      there is a red circle .  there is a green square .  <eos>
    expect(w.chosenWeights).toEqual([1, 1, 1, 1, 1, 1, 5, 5, 5, 5, 5, 5, 1]);
    //                      there is a red circle .  there is a blue square .  <eos>
    expect(w.rejectedWeights).toEqual([1, 1, 1, 1, 1, 1, 5, 5, 5, 5, 5, 5, 1]);
    expect(w.chosenWeights).toHaveLength(responseIds(w.chosen).length);
    expect(w.rejectedWeights).toHaveLength(responseIds(w.rejected).length);
  });

  it('drops a false sentence without a correction from y_w, as correctedAnswer does, and weighs it γ in y_l', () => {
    const m = mark([{ text: RED, false: true }, { text: CROSS, false: false }, { text: BLUE, false: true, correction: GREEN }]);
    const w = denseWeights(m, 3)!;
    expect(w.chosen).toBe(correctedAnswer(m));
    expect(w.chosen).toBe(`${CROSS} ${GREEN}`);
    //                      there is a yellow cross .  there is a green square .  <eos>
    expect(w.chosenWeights).toEqual([1, 1, 1, 1, 1, 1, 3, 3, 3, 3, 3, 3, 1]);
    //                      there is a red circle .  there is a yellow cross .  there is a blue square .  <eos>
    expect(w.rejectedWeights).toEqual([3, 3, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 3, 3, 3, 3, 3, 3, 1]);
  });

  it('gives every token 1 when γ = 1', () => {
    const w = denseWeights(mark([{ text: RED, false: false }, { text: BLUE, false: true, correction: GREEN }]), 1)!;
    expect(new Set([...w.chosenWeights, ...w.rejectedWeights])).toEqual(new Set([1]));
  });

  it('gives no pair without a false sentence, without a correction, or when the correction changes nothing', () => {
    expect(denseWeights(mark([{ text: RED, false: false }, { text: BLUE, false: false }]), 5)).toBeUndefined();
    expect(denseWeights(mark([{ text: RED, false: false }, { text: BLUE, false: true }]), 5)).toBeUndefined();
    expect(denseWeights(mark([{ text: BLUE, false: true, correction: BLUE }]), 5)).toBeUndefined();
  });
});

describe('reduceLogps', () => {
  it('averages the token log-probs with the weights: [−1, −2, −3] with [1, 5, 1] is (−1 − 10 − 3)/7 = −2', async () => {
    const [x] = await reduce([[-1, -2, -3]], [[1, 5, 1]]);
    expect(x).toBeCloseTo(-2, 6);
  });

  it('ignores pads (weight 0), and sums without weights', async () => {
    // Row 2 is two tokens long: (−1·1 − 2·5)/(1 + 5) = −11/6.
    const v = await reduce([[-1, -2, -3], [-1, -2, 0]], [[1, 5, 1], [1, 5, 0]]);
    expect(v[1]).toBeCloseTo(-11 / 6, 6);
    expect(await reduce([[-1, -2, -3], [-1, -2, 0]])).toEqual([-6, -3]);
  });

  it('is the plain per-token mean when γ = 1', async () => {
    // [−1, −2, −3, −6] with weights all 1: −12/4 = −3, the sum −12 over the 4 tokens.
    const [x] = await reduce([[-1, -2, -3, -6]], [[1, 1, 1, 1]]);
    expect(x).toBeCloseTo(-3, 6);
  });
});

describe('the dense DPO loss of one pair', () => {
  it('is −log σ(β·Δ) on the weighted averages, by hand', async () => {
    // Weights [1, 5, 1] on both answers (N = 7); β = ½.
    //   y_w: policy [−1, −2, −1] → −12/7, reference [−1, −3, −1] → −17/7: ρ_w = 5/7
    //   y_l: policy [−2, −4, −1] → −23/7, reference [−2, −3, −1] → −18/7: ρ_l = −5/7
    //   βΔ = ½ · 10/7 = 5/7; −log σ(5/7) = log(1 + e^(−5/7)) = 0.3984685
    const w = [[1, 5, 1], [1, 5, 1]];
    const [pw, pl] = await reduce([[-1, -2, -1], [-2, -4, -1]], w);
    const [rw, rl] = await reduce([[-1, -3, -1], [-2, -3, -1]], w);
    expect(pw).toBeCloseTo(-12 / 7, 6);
    expect(rl).toBeCloseTo(-18 / 7, 6);
    const cfg = dpoConfigOfDense({ ...DENSE_DPO_DEFAULTS, beta: 0.5 });
    const t = tf.tidy(() => dpoLoss(tf.tensor1d([pw!]), tf.tensor1d([pl!]), tf.tensor1d([rw!]), tf.tensor1d([rl!]), ['decided'], cfg));
    expect((await t.data())[0]).toBeCloseTo(0.3984685, 5);
    t.dispose();
  });
});

describe('the dense config', () => {
  it('has γ from 1 to 100 (default 5), its own β, and no tie or both-bad weight', () => {
    expect(DENSE_DPO_DEFAULTS.ddpoWeight).toBe(5);
    expect(DENSE_DPO_DEFAULTS.beta).toBeGreaterThan(DPO_DEFAULTS.beta);
    expect(checkDenseDpoConfig(DENSE_DPO_DEFAULTS)).toEqual([]);
    expect(checkDenseDpoConfig({ ...DENSE_DPO_DEFAULTS, ddpoWeight: 0.5 }).map((p) => `${p.field} ${p.message}`)).toEqual(['ddpoWeight must be a number from 1 to 100']);
    expect(DENSE_DPO_FIELDS.ddpoWeight.label).toBe('Dense weight γ');
    expect(Object.keys(DENSE_DPO_FIELDS)).not.toContain('tieWeight');
    expect(dpoConfigOfDense(DENSE_DPO_DEFAULTS)).toMatchObject({ tieWeight: 0, bothBadWeight: 0, beta: DENSE_DPO_DEFAULTS.beta });
  });
});

/** n marks about day and night: a sentence the marker let stand, then the wrong time of day marked false and corrected. */
function dayNightMarks(n: number, seed: number): MarkRecord[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const scene = sampleScene(trainSeed(rng));
    const wrong = scene.background === 'day' ? 'night' : 'day';
    return makeMark({
      scene, image: { perception: { ...DEFAULT_PERCEPTION }, noiseSeed: rng.int(2 ** 31) }, question: 'is it day or night ?',
      answer: `${RED} it is ${wrong} .`, sentences: [{ text: RED, false: false }, { text: `it is ${wrong} .`, false: true, correction: `it is ${scene.background} .` }],
      markedBy: { kind: 'person' }, markedAt: `2025-01-01T00:00:${String(i % 60).padStart(2, '0')}.000Z`, policyVersion: 'test@0',
    });
  });
}

describe('planDenseDpoJob and runDenseDpoJob', () => {
  it('counts the marks that give no pair, and refuses marks none of which gives one', async () => {
    const none = [mark([{ text: RED, false: false }], 1), mark([{ text: RED, false: true }], 2), mark([{ text: BLUE, false: false }], 3)];
    const plan = planDenseDpoJob([...none, ...dayNightMarks(10, 4)], { ...DENSE_DPO_DEFAULTS, heldOutShare: 0.2 });
    expect(plan.train.length + plan.heldOut.length).toBe(10);
    expect(plan.unmarked).toBe(2);
    expect(plan.uncorrected).toBe(1);
    expect(plan.usable).toBe(plan.train.length);
    expect(plan.steps).toBe(DENSE_DPO_DEFAULTS.minSteps);
    await expect(runDenseDpoJob(reference, none)).rejects.toThrow('dense dpo: no corrected pair to train on: none of the 3 marks has a sentence marked false with a correction (2 with none marked false, 1 marked but not corrected)');
    await expect(runDenseDpoJob(reference, dayNightMarks(4, 4), { ddpoWeight: 0 })).rejects.toThrow('dense dpo: ddpoWeight must be a number from 1 to 100');
  });

  it("reads each answer's log-prob as the weighted average of the model's own token log-probs", async () => {
    const m = dayNightMarks(1, 5)[0]!;
    const w = denseWeights(m, 5)!;
    const item = (response: string) => ({ scene: m.scene, image: m.image, question: m.question, response });
    const pair: DpoPair = { kind: 'decided', a: item(w.chosen), b: item(w.rejected), image: sceneImage(m.scene, m.image.perception, m.image.noiseSeed), weights: { a: w.chosenWeights, b: w.rejectedWeights } };
    const dense = await pairLogps(reference, [pair]);
    const summed = await pairLogps(reference, [{ ...pair, weights: undefined }]);
    const batch = packPairs(reference, [pair]);
    const t = tf.tidy(() => responseOutputs(reference, batch).logprobs);
    const lp = (await t.array()) as number[][];
    t.dispose();
    disposeBatch(batch);
    const avg = (row: number[], ws: number[]) => ws.reduce((s, x, i) => s + x * row[i]!, 0) / ws.reduce((s, x) => s + x, 0);
    expect(dense.a[0]).toBeCloseTo(avg(lp[0]!, w.chosenWeights), 4);
    expect(dense.b[0]).toBeCloseTo(avg(lp[1]!, w.rejectedWeights), 4);
    expect(summed.a[0]).toBeCloseTo(lp[0]!.reduce((s, x) => s + x, 0), 4);
    await expect(pairLogps(reference, [pair, { ...pair, weights: undefined }])).rejects.toThrow('1 of 2 pairs have per-token weights');
  });

  it('raises the chosen-vs-rejected margin in a few steps, from loss log 2, and leaves the reference as it was', async () => {
    const refWeights = await Promise.all(reference.namedWeights().map(([, v]) => v.data()));
    const before = tf.memory().numTensors;
    const points: DpoPoint[] = [];
    const res = await runDenseDpoJob(reference, dayNightMarks(40, 7), { minSteps: 20, epochs: 1, batchPairs: 8, lr: 3e-3, beta: 2, goldEvery: 10, goldProbeSize: 8, klPrompts: 8, heldOutShare: 0.25 }, { onPoint: (p) => points.push(p) });
    const trained = points.filter((p) => p.loss !== undefined);
    expect(trained[0]!.loss).toBeCloseTo(Math.log(2), 4);
    expect(trained[0]!.metrics!['rewards/margins']).toBeCloseTo(0, 4);
    expect(trained.at(-1)!.metrics!['rewards/margins']).toBeGreaterThan(0.5);
    expect(res.steps).toBe(20);
    expect(res.usable).toBe(res.trainPairs);
    expect(res.trainPairs + res.heldOutPairs).toBe(40);
    expect(res.heldOut.decided).toBe(res.heldOutPairs);
    expect(res.heldOut.stats!['rewards/accuracies']).toBeGreaterThan(0.9);
    expect(points.filter((p) => p.gold).map((p) => p.step)).toEqual([0, 10, 20]);
    const after = await Promise.all(reference.namedWeights().map(([, v]) => v.data()));
    after.forEach((x, i) => expect(x).toEqual(refWeights[i]));
    res.policy.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
