// A reward model trained on careful labels learns what they reward: on held-out pairs it ranks
// the correct answer above the hallucinated one, keeps tied answers close and scores both
// answers of a both-bad pair below zero. Also: probes, the annotator ceiling, and no leaks.
//
// The tiny model's vision encoder is untrained, so the hallucination here is one it can see
// without training: the environment ("it is night ." by day). Filler makes length uninformative.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend';
import { makeConfig } from '../../src/engine/model/config';
import { createModel, type VlmModel } from '../../src/engine/model/model';
import { VOCAB } from '../../src/engine/language/vocab';
import { FILLER } from '../../src/engine/language/phrases';
import { Rng } from '../../src/engine/world/rng';
import { sampleScene, trainSeed } from '../../src/engine/world/sampler';
import { DEFAULT_PERCEPTION } from '../../src/engine/world/render';
import { ANNOTATOR_PRESETS } from '../../src/engine/prefs/annotator';
import { annotatePairs, simulatedLabeller } from '../../src/engine/prefs/label';
import type { UnlabelledPair } from '../../src/engine/prefs/collect';
import type { PreferenceRecord } from '../../src/engine/prefs/record';
import { createRewardModel, evaluateRewardModel, trainRewardModel, type RewardRunResult } from '../../src/engine/reward/train-run';
import { splitHeldOut } from '../../src/engine/reward/config';
import { annotatorCeiling } from '../../src/engine/reward/ceiling';
import { HEADLINE_PROBE, PROBE_PAIRS, probeItems, probePerception } from '../../src/engine/reward/probes';
import { runProbes } from '../../src/engine/reward/probe-run';

type Kind = 'decided' | 'tie' | 'both-bad';

/** n environment pairs of one kind, each on a fresh training scene, A and B in random order. */
function envPairs(kind: Kind, n: number, seed: number): UnlabelledPair[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const scene = sampleScene(trainSeed(rng));
    const right = `it is ${scene.background} .`;
    const wrong = `it is ${scene.background === 'day' ? 'night' : 'day'} .`;
    const pad = (s: string) => (rng.chance(0.5) ? `${s} ${rng.pick(FILLER)}` : s);
    const [x, y] = kind === 'decided' ? [pad(right), pad(wrong)] : kind === 'tie' ? [right, `${right} ${rng.pick(FILLER)}`] : [wrong, `${wrong} ${rng.pick(FILLER)}`];
    const [responseA, responseB] = rng.chance(0.5) ? [x, y] : [y, x];
    return { scene, image: { perception: { ...DEFAULT_PERCEPTION }, noiseSeed: rng.int(2 ** 31) }, question: 'is it day or night ?', questionType: 'environment', responseA, responseB, source: 'policy' };
  });
}

const careful = simulatedLabeller('careful', ANNOTATOR_PRESETS.careful, 3);
const label = (pairs: UnlabelledPair[]) => annotatePairs(pairs, careful, 'test@0', '2025-01-01T00:00:00.000Z');

let policy: VlmModel;
let rm: VlmModel;
let heldDecided: PreferenceRecord[];
let heldTie: PreferenceRecord[];
let heldBad: PreferenceRecord[];
let result: RewardRunResult;
let tensorsBefore: number;

beforeAll(async () => {
  await initBackend({ preferred: 'wasm', wasmPaths: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
  policy = createModel(makeConfig('tiny', VOCAB.length), { seed: 4 });
  const train = label([...envPairs('decided', 96, 1), ...envPairs('tie', 24, 2), ...envPairs('both-bad', 24, 3)]);
  heldDecided = label(envPairs('decided', 48, 11));
  heldTie = label(envPairs('tie', 16, 12)).filter((r) => r.label === 'tie');
  heldBad = label(envPairs('both-bad', 16, 13));
  tensorsBefore = tf.memory().numTensors;
  rm = createRewardModel(policy);
  result = await trainRewardModel(rm, train, heldDecided, { fact: false, epochs: 1, minSteps: 80, batchPairs: 16, seed: 1, optim: { lr: 3e-3 } });
});

afterAll(() => {
  rm?.dispose();
  policy?.dispose();
});

describe('a reward model trained on careful labels', () => {
  it('ranks the correct answer above the hallucinated one on held-out pairs', () => {
    expect(heldDecided.every((r) => r.label === 'A' || r.label === 'B')).toBe(true);
    expect(result.heldOut.decided).toBe(48);
    expect(result.heldOut.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(result.heldOut.meanChosen! - result.heldOut.meanRejected!).toBeGreaterThan(1);
  });

  it('keeps tied answers close and scores both answers of a both-bad pair below 0', async () => {
    expect(heldTie.length).toBeGreaterThan(6);
    expect(heldBad.every((r) => r.label === 'both-bad')).toBe(true);
    const ties = await evaluateRewardModel(rm, heldTie, false);
    const bad = await evaluateRewardModel(rm, heldBad, false);
    expect(ties.tieGap!).toBeLessThan(0.5 * (result.heldOut.meanChosen! - result.heldOut.meanRejected!));
    expect(bad.bothBadBelow!).toBeGreaterThanOrEqual(0.8);
  });

  it('counts every label it was given', () => {
    const c = result.counts.train;
    expect(c.A + c.B + c.tie + c['both-bad']).toBe(144);
    expect(c['both-bad']).toBe(24);
    expect(c.tie).toBeGreaterThan(10);
  });

  it('leaves the policy unchanged and leaks no tensors', async () => {
    const p = await policy.params.get('head/score/w').data();
    const r = await rm.params.get('head/score/w').data();
    expect([...p]).not.toEqual([...r]);
    const extra = rm.namedWeights().length; // the reward model's own variables
    const before = tf.memory().numTensors;
    await evaluateRewardModel(rm, heldDecided.slice(0, 4), false);
    expect(tf.memory().numTensors).toBe(before);
    expect(tensorsBefore + extra).toBe(before);
  });
});

describe('probes, the ceiling and the split', () => {
  it('probes with the perception the training pairs share, or the default when they differ', () => {
    const pairs = label(envPairs('decided', 3, 21));
    expect(probePerception(pairs)).toEqual(DEFAULT_PERCEPTION);
    const noisy = pairs.map((r) => ({ ...r, image: { ...r.image, perception: { ...DEFAULT_PERCEPTION, noise: 64 } } }));
    expect(probePerception(noisy)).toEqual({ ...DEFAULT_PERCEPTION, noise: 64 });
    expect(probePerception([...noisy, ...pairs])).toEqual(DEFAULT_PERCEPTION);
    expect(probePerception([])).toEqual(DEFAULT_PERCEPTION);
    expect(probeItems(2, 0, probePerception(noisy)).every((it) => it.image.perception.noise === 64)).toBe(true);
  });

  it('scores every variant of every probe item, and a Fact-RM input carries the facts', async () => {
    const items = probeItems(4, 0);
    const reports = [];
    for (const fact of [false, true]) {
      const rep = await runProbes(rm, items, fact);
      expect(rep.scores).toHaveLength(4);
      expect(Object.keys(rep.pairAccuracy)).toEqual(PROBE_PAIRS.map((p) => p.name));
      for (const s of rep.scores) for (const v of Object.values(s)) expect(Number.isFinite(v)).toBe(true);
      // Each comparison is the share of items whose better answer scores higher (equal scores count half).
      for (const p of PROBE_PAIRS) {
        const wins = rep.scores.map((s) => (s[p.better] > s[p.worse] ? 1 : s[p.better] === s[p.worse] ? 0.5 : 0) as number);
        expect(rep.pairAccuracy[p.name]).toBeCloseTo(wins.reduce((a, x) => a + x, 0) / wins.length, 12);
      }
      reports.push(rep);
    }
    // The facts in front of the question change what the model reads, so the scores differ.
    const [plain, fact] = reports;
    expect(plain!.scores.some((s, i) => s[PROBE_PAIRS[0].better] !== fact!.scores[i]![PROBE_PAIRS[0].better])).toBe(true);
    expect(HEADLINE_PROBE).toBe(PROBE_PAIRS[0].name);
  });

  it('measures the careful annotator: it agrees with itself on clear pairs, less on equal ones', () => {
    const clear = annotatorCeiling(heldDecided)!;
    expect(clear.selfAgreement).toBe(1);
    expect(clear.accuracyCeiling).toBe(1);
    // Equal answers: tie with p 0.76, A or B with 0.12 each; Σp² = 0.6064.
    const equal = annotatorCeiling(label(envPairs('tie', 200, 21)))!;
    expect(equal.expectedSelfAgreement).toBeCloseTo(0.6064, 2);
    expect(Math.abs(equal.selfAgreement - 0.6064)).toBeLessThan(0.1);
    expect(equal.expectedAccuracyCeiling).toBeCloseTo(0.5, 6);
  });

  it('splits by prompt, about the asked share, the same way each time', () => {
    const recs = label(envPairs('decided', 200, 31));
    const a = splitHeldOut(recs, 0.25, 5);
    expect(a.heldOut.length).toBeGreaterThan(30);
    expect(a.heldOut.length).toBeLessThan(70);
    expect(splitHeldOut(recs, 0.25, 5)).toEqual(a);
    const both = [...recs, ...recs.map((r) => ({ ...r, labelledAt: '2025-01-02T00:00:00.000Z' }))];
    const b = splitHeldOut(both, 0.25, 5);
    expect(b.heldOut.length).toBe(2 * a.heldOut.length);
  });
});
