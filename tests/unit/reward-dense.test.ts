// The sentence reward model against known answers: sentence ends worked out by hand, the
// per-sentence loss and its gradient on hand-computed numbers, the score read at a sentence's end
// equal to the score of the answer cut there (the decoder is causal), and a tiny run whose loss
// falls on the sentences it trains on, with no tensor left behind; the probe "one false sentence
// among true ones" recounted from the scores it reads.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend';
import { makeConfig } from '../../src/engine/model/config';
import { createModel, type VlmModel } from '../../src/engine/model/model';
import { encode, VOCAB } from '../../src/engine/language/vocab';
import { FILLER } from '../../src/engine/language/phrases';
import { Rng } from '../../src/engine/world/rng';
import { sampleScene, trainSeed } from '../../src/engine/world/sampler';
import { DEFAULT_PERCEPTION } from '../../src/engine/world/render';
import { promptIds, sceneImage } from '../../src/engine/data/encode';
import { disposeBatch, packBatch } from '../../src/engine/model/batch';
import { computeScores } from '../../src/engine/model/logprobs';
import { packScoreItems, scoreItems } from '../../src/engine/reward/inputs';
import { createRewardModel } from '../../src/engine/reward/train-run';
import { oneFalseProbe } from '../../src/engine/reward/dense-job';
import { probeItems } from '../../src/engine/reward/probes';
import { answerSentences } from '../../src/engine/prefs/mark';
import { evaluateSentenceModel, scoreSentences, sentenceEnds, sentenceLoss, sentenceScoresOf, trainSentenceModel, type SentenceItem } from '../../src/engine/reward/dense';

let policy: VlmModel;

beforeAll(async () => {
  await initBackend({ preferred: 'wasm', wasmPaths: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
  policy = createModel(makeConfig('tiny', VOCAB.length), { seed: 4 });
});

afterAll(() => policy?.dispose());

describe('sentenceEnds', () => {
  it('finds the last token of each sentence among the response ids', () => {
    // there(0) is(1) a(2) red(3) circle(4) .(5) the(6) square(7) is(8) blue(9) .(10) <eos>(11)
    expect(sentenceEnds('there is a red circle . the square is blue .')).toEqual([5, 10]);
    expect(sentenceEnds('it is day .')).toEqual([3]);
    // A sentence the parser cannot read still ends where its words end.
    expect(sentenceEnds('there is a red circle . blue the')).toEqual([5, 7]);
    expect(sentenceEnds('')).toEqual([]);
  });

  it('refuses sentences that do not make up the answer', () => {
    expect(() => sentenceEnds('it is day .', ['it is night .', 'it is day .'])).toThrow(/do not make up the answer/);
  });
});

/** The loss and its gradient with respect to the scores. */
async function lossAndGrad(scores: number[], truth: boolean[]) {
  const s = tf.tensor1d(scores);
  const { value, grads } = tf.valueAndGrads((x: tf.Tensor) => sentenceLoss(x as tf.Tensor1D, truth))([s]);
  const out = { loss: (await value.data())[0] as number, grad: [...(await grads[0]!.data())] };
  tf.dispose([s, value, ...grads]);
  return out;
}

describe('sentenceLoss', () => {
  it('is the mean of softplus(−s) over true sentences and softplus(s) over false ones', async () => {
    // Scores 2 (true) and −1 (false): log(1 + e^−2) = 0.1269280, log(1 + e^−1) = 0.3132617; mean 0.2200948.
    const right = await lossAndGrad([2, -1], [true, false]);
    expect(right.loss).toBeCloseTo(0.2200948, 5);
    // Gradient: −σ(−2)/2 = −0.0596015 and σ(−1)/2 = 0.1344707.
    expect(right.grad[0]).toBeCloseTo(-0.0596015, 5);
    expect(right.grad[1]).toBeCloseTo(0.1344707, 5);
    // The false sentence scored 1 instead: log(1 + e^1) = 1.3132617; mean 0.7200948, gradient σ(1)/2 = 0.3655293.
    const wrong = await lossAndGrad([2, 1], [true, false]);
    expect(wrong.loss).toBeCloseTo(0.7200948, 5);
    expect(wrong.grad[1]).toBeCloseTo(0.3655293, 5);
    // Score 0 says nothing: log 2 either way.
    expect((await lossAndGrad([0, 0], [true, false])).loss).toBeCloseTo(Math.LN2, 5);
  });
});

describe('sentenceScoresOf', () => {
  it('reads, at a sentence end, the score of the answer cut after that sentence', async () => {
    const rm = createRewardModel(policy); // reads its whole-answer score at the last real token
    const scene = sampleScene(trainSeed(new Rng(3)));
    const question = 'describe the image .';
    const answer = 'there is a red circle . the square is blue .';
    const item = { scene, image: { perception: { ...DEFAULT_PERCEPTION }, noiseSeed: 7 }, question, response: answer };
    const [perSentence] = await scoreSentences(rm, [{ item, ends: sentenceEnds(answer) }], false);
    const cut = async (words: string) => {
      const b = packBatch(rm.config, [sceneImage(scene, DEFAULT_PERCEPTION, 7)], [promptIds(question)], [encode(words)]);
      const s = (await computeScores(rm, b))[0] as number;
      disposeBatch(b);
      return s;
    };
    expect(perSentence).toHaveLength(2);
    expect(perSentence![0]).toBeCloseTo(await cut('there is a red circle .'), 4);
    expect(perSentence![1]).toBeCloseTo(await cut(answer), 4);
    expect(perSentence![0]).not.toBeCloseTo(perSentence![1]!, 4);
    // Rows of different lengths in one batch: each row's own ends.
    const short = { ...item, response: 'it is day .' };
    const b = packScoreItems(rm, [short, item], false);
    const both = tf.tidy(() => sentenceScoresOf(rm, b, [sentenceEnds(short.response), sentenceEnds(answer)]));
    const flat = [...(await both.data())];
    tf.dispose(both);
    disposeBatch(b);
    expect(flat).toHaveLength(3);
    expect(flat[1]).toBeCloseTo(perSentence![0]!, 4);
    expect(flat[2]).toBeCloseTo(perSentence![1]!, 4);
    rm.dispose();
  });
});

/** n answers on fresh scenes: a sentence about the environment, right or wrong, and a true filler sentence, in either order. */
function envItems(n: number, seed: number): SentenceItem[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const scene = sampleScene(trainSeed(rng));
    const right = rng.chance(0.5);
    const env = `it is ${right === (scene.background === 'day') ? 'day' : 'night'} .`;
    const filler = rng.pick(FILLER);
    const envFirst = rng.chance(0.5);
    const response = envFirst ? `${env} ${filler}` : `${filler} ${env}`;
    const item = { scene, image: { perception: { ...DEFAULT_PERCEPTION }, noiseSeed: rng.int(2 ** 31) }, question: 'is it day or night ?', response };
    return { item, ends: sentenceEnds(response), truth: envFirst ? [right, true] : [true, right] };
  });
}

describe('trainSentenceModel', () => {
  it('lowers the per-sentence loss on its training answers and leaks no tensors', async () => {
    const train = envItems(24, 1);
    const rm = createRewardModel(policy);
    const before = await evaluateSentenceModel(rm, train, false);
    expect(before.sentences).toBe(48);
    expect(before.alwaysTrue).toBeCloseTo(train.flatMap((x) => x.truth).filter(Boolean).length / 48, 12);
    const tensors = tf.memory().numTensors;
    const points: number[] = [];
    const res = await trainSentenceModel(rm, train, envItems(8, 2), { epochs: 1, minSteps: 12, batchPairs: 8, seed: 1, evalEvery: 6, optim: { lr: 3e-3 } }, { onPoint: (p) => points.push(p.step) });
    expect(res.steps).toBe(12);
    expect(points).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(res.train.loss).toBeLessThan(before.loss);
    expect(res.heldOut.sentences).toBe(16);
    const p = await policy.params.get('head/score/w').data();
    const r = await rm.params.get('head/score/w').data();
    expect([...p]).not.toEqual([...r]);
    rm.dispose();
  });
});

describe('oneFalseProbe', () => {
  it('reads the swapped sentence of each probe scene and counts as the scores say, beside a pairwise model', async () => {
    const rm = createRewardModel(policy);
    const pairwise = createRewardModel(policy);
    const items = probeItems(4, 0);
    const tensors = tf.memory().numTensors;
    const rep = await oneFalseProbe(rm, items, true, { rm: pairwise, fact: false });
    expect(tf.memory().numTensors).toBe(tensors);
    // Each probe scene's long answers differ in one sentence: the hallucinated detail.
    const at = items.map((it) => answerSentences(it.variants.longCorrect).findIndex((s, i) => s !== answerSentences(it.variants.longHallucinated)[i]));
    expect(at.every((i) => i > 0)).toBe(true);
    expect(rep.items).toBe(4);
    const rows = items.flatMap((it) => [it.variants.longCorrect, it.variants.longHallucinated].map((response) => ({ item: { scene: it.scene, image: it.image, question: it.question, response }, ends: sentenceEnds(response) })));
    const scores = await scoreSentences(rm, rows, true);
    const atFalse = at.map((i, k) => scores[2 * k + 1]![i]!);
    expect(rep.falseBelowZero).toBeCloseTo(atFalse.filter((s) => s < 0).length / 4, 12);
    expect(rep.meanAtFalse).toBeCloseTo(atFalse.reduce((a, x) => a + x, 0) / 4, 5);
    const trueAll = items.flatMap((_, k) => scores[2 * k]!);
    expect(rep.trueAboveZero).toBeCloseTo(trueAll.filter((s) => s > 0).length / trueAll.length, 12);
    const whole = await scoreItems(pairwise, rows.map((r) => r.item), false);
    expect(rep.pairwiseTrueHigher).toBeCloseTo(items.filter((_, k) => whole[2 * k]! > whole[2 * k + 1]!).length / 4, 12);
    rm.dispose();
    pairwise.dispose();
  });
});
