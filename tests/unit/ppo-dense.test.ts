// The dense reward worked by hand: each sentence's reward w · (2σ(s) − 1) lands on its last token,
// the symbolic terms on the response's last token and the base not again there; a sentence said
// twice pays once; one real dense step on the tiny model with a tiny sentence reward model, whose
// samples carry one reward per judged sentence; and the refusals (dense without a sentence reward
// model, another reward with one).
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend';
import { makeConfig } from '../../src/engine/model/config';
import { createModel, type VlmModel } from '../../src/engine/model/model';
import { decode, encode, EOS, PAD, VOCAB } from '../../src/engine/language/vocab';
import { createRewardModel } from '../../src/engine/reward/train-run';
import type { PpoConfig } from '../../src/engine/ppo/config';
import { lastTokenScores, rowSums, scoreParts, shapeRewards } from '../../src/engine/ppo/reward-shaping';
import { placedSums, repeatedSentences, responseSentences, sentenceReward, sentenceRewards, type SentencePlacement } from '../../src/engine/ppo/dense-reward';
import { baseScores } from '../../src/engine/ppo/judge-reward';
import { rmKindsFor } from '../../src/engine/ppo/presets';
import { createPpoRun } from '../../src/engine/ppo/run';

const close = (got: ArrayLike<number>, want: number[], digits = 6) => {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, digits));
};

describe('a sentence reward', () => {
  it('signed, is w · (2σ(s) − 1): 0 at s = 0, ±w/2 at s = ±ln 3, 0.8·w at s = ln 9, within (−w, w) however large s', () => {
    expect(sentenceReward(0, 1, 'signed')).toBe(0);
    expect(sentenceReward(Math.log(3), 1, 'signed')).toBeCloseTo(0.5, 12);
    expect(sentenceReward(-Math.log(3), 1, 'signed')).toBeCloseTo(-0.5, 12);
    expect(sentenceReward(Math.log(9), 2, 'signed')).toBeCloseTo(1.6, 12);
    const sigma = (s: number) => 1 / (1 + Math.exp(-s));
    for (const s of [-3, -0.7, 0.2, 1.5, 4]) expect(sentenceReward(s, 3, 'signed')).toBeCloseTo(3 * (2 * sigma(s) - 1), 12);
    expect(sentenceReward(100, 2, 'signed')).toBeCloseTo(2, 12);
    expect(sentenceReward(-100, 2, 'signed')).toBeCloseTo(-2, 12);
    expect(Number.isFinite(sentenceReward(1e6, 2, 'signed'))).toBe(true);
    expect(sentenceReward(5, 0, 'signed')).toBe(0);
  });

  it('as a penalty (the default), is the signed reward\'s negative part: −w/2 at s = −ln 3, nothing for a sentence read as true', () => {
    expect(sentenceReward(-Math.log(3), 1)).toBeCloseTo(-0.5, 12);
    expect(sentenceReward(-Math.log(9), 2, 'penalty')).toBeCloseTo(-1.6, 12);
    expect(sentenceReward(Math.log(3), 1)).toBe(0);
    expect(sentenceReward(100, 2)).toBe(0);
    expect(sentenceReward(0, 1)).toBe(0);
    // So an answer padded with sentences the model reads as true earns no more than the answer alone.
    close(sentenceRewards(['there is a red circle .', 'it is day .', 'i am not sure .'], [-Math.log(3), 4, 6], 1), [-0.5, 0, 0]);
  });
});

describe('the repeat rule', () => {
  it('pays a sentence said word for word before in the same answer nothing, however often', () => {
    const said = ['it is day .', 'there is a red circle .', 'it is day .', 'there is a red circle at the top .', 'it is day .'];
    expect(repeatedSentences(said)).toEqual([false, false, true, false, true]);
    close(sentenceRewards(said, [Math.log(3), 0, Math.log(3), -Math.log(3), 9], 1, 'signed'), [0.5, 0, 0, -0.5, 0]);
  });

  it('does not count a sentence that differs by a word, and needs one logit a sentence', () => {
    expect(repeatedSentences(['it is day .', 'it is night .'])).toEqual([false, false]);
    expect(() => sentenceRewards(['it is day .'], [1, 2], 1)).toThrow(/2 logits for 1 sentences/);
  });
});

describe('where a response\'s sentences end among its tokens', () => {
  it('is the last token of each sentence (the EOS after them is no sentence); none for an empty answer', () => {
    // yes(0) .(1) no(2) .(3) yes(4) .(5), cut off before its EOS
    const cut = encode('yes . no . yes .');
    expect(responseSentences(decode(cut), cut)).toEqual({ sentences: ['yes .', 'no .', 'yes .'], ends: [1, 3, 5] });
    // it(0) is(1) day(2) .(3) <eos>(4)
    const done = [...encode('it is day .'), EOS];
    expect(responseSentences(decode(done), done)).toEqual({ sentences: ['it is day .'], ends: [3] });
    // A last sentence without its "." still ends at its last word.
    const open = [...encode('it is day . the'), EOS];
    expect(responseSentences(decode(open), open)).toEqual({ sentences: ['it is day .', 'the'], ends: [3, 4] });
    expect(responseSentences('', [EOS])).toEqual({ sentences: [], ends: [] });
  });

  it('maps each word back to its token when a pad was sampled inside the answer (decoding drops it)', () => {
    const [it_, is_, day, dot] = encode('it is day .') as [number, number, number, number];
    const tokens = [it_, PAD, is_, day, dot, EOS];
    expect(decode(tokens)).toBe('it is day .');
    expect(responseSentences(decode(tokens), tokens).ends).toEqual([4]);
  });
});

describe('dense shaping on a [B = 2, R = 6] batch', () => {
  // Signed sentence rewards, so that every placement shows.
  // Row 0: "yes . no . yes ." cut off at 6 tokens (no EOS): sentences end at 1, 3, 5; the third
  //        repeats the first. Logits ln 3, −ln 3, 5 with weight 2: rewards 1, −1, 0 (repeat).
  // Row 1: "it is day . <eos>", 5 tokens: one sentence ending at 3. Logit ln 9: reward 2 · 0.8 = 1.6.
  const w = 2;
  const row0 = responseSentences('yes . no . yes .', encode('yes . no . yes .'));
  const row1tokens = [...encode('it is day .'), EOS];
  const row1 = responseSentences('it is day .', row1tokens);
  const placed: SentencePlacement[] = [
    { ends: row0.ends, values: sentenceRewards(row0.sentences, [Math.log(3), -Math.log(3), 5], w, 'signed') },
    { ends: row1.ends, values: sentenceRewards(row1.sentences, [Math.log(9)], w, 'signed') },
  ];
  const lengths = [6, 5];
  // Length penalty 0.01 a token; row 1's answer is right (+0.5); row 0 misses its EOS (−1).
  const cfg = { lengthPenalty: 0.01, correctnessBonus: 0.5, missingEosPenalty: 1, noAnswerPenalty: 1 };
  const parts = scoreParts(placedSums(placed), lengths, [0, 1], [false, true], cfg, placed);
  // KL per token; klCoef 0.5; row 1's last column is a pad (its KL of 9 is not counted).
  const kl = Float32Array.from([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.2, 0.2, 0.2, 0.2, 0.2, 9]);
  const mask = Float32Array.from([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0]);

  it('has the placements worked out by hand', () => {
    expect(placed[0]!.ends).toEqual([1, 3, 5]);
    close(placed[0]!.values, [1, -1, 0]);
    expect(placed[1]!.ends).toEqual([3]);
    close(placed[1]!.values, [1.6]);
  });

  it('reports the sentence rewards summed as the base score, and base plus symbolic terms as the total', () => {
    close(parts.base, [0, 1.6]);
    close(parts.length, [-0.06, -0.05]);
    close(parts.correctness, [0, 0.5]);
    close(parts.missingEos, [-1, 0]);
    close(parts.noAnswer, [0, 0]);
    close(parts.total, [0 - 0.06 - 1, 1.6 - 0.05 + 0.5]);
  });

  it('rewards each sentence at its end, the symbolic terms alone at the last token, −klCoef·KL everywhere', () => {
    const last = lastTokenScores(parts);
    close(last, [-1.06, 0.45]);
    const s = shapeRewards(last, kl, mask, lengths, 6, 0.5, true, parts.placed);
    close(s.nonScore, [-0.05, -0.1, -0.15, -0.2, -0.25, -0.3, -0.1, -0.1, -0.1, -0.1, -0.1, 0]);
    close(s.rewards, [
      // row 0: "yes ." +1 at 1, "no ." −1 at 3, the repeated "yes ." 0 at 5 where the symbolic −1.06 goes too
      -0.05, -0.1 + 1, -0.15, -0.2 - 1, -0.25, -0.3 + 0 - 1.06,
      // row 1: "it is day ." +1.6 at 3, the symbolic +0.45 at the EOS (4), not the base again; the pad 0
      -0.1, -0.1, -0.1, -0.1 + 1.6, -0.1 + 0.45, 0,
    ]);
    // Each row's rewards add up to its total plus its KL penalty: the base is paid once.
    close(rowSums(s.rewards, 2, 6), [-1.06 - 1.05, 2.05 - 0.5]);
  });

  it('leaves the KL out when it goes into the loss, and the other reward options as they were', () => {
    const s = shapeRewards(lastTokenScores(parts), kl, mask, lengths, 6, 0.5, false, parts.placed);
    close(s.rewards, [0, 1, 0, -1, 0, -1.06, 0, 0, 0, 1.6, 0.45, 0]);
    const plain = scoreParts(Float32Array.from([0.3, -0.2]), lengths, [0, 1], [false, true], cfg);
    expect(plain.placed).toBeUndefined();
    expect(lastTokenScores(plain)).toBe(plain.total);
    close(shapeRewards(lastTokenScores(plain), kl, mask, lengths, 6, 0.5, false).rewards, [0, 0, 0, 0, 0, 0.3 - 1.06, 0, 0, 0, 0, -0.2 + 0.45, 0]);
  });
});

describe('a dense PPO step on the tiny model', () => {
  let policy: VlmModel;
  let srm: VlmModel;
  const small: Partial<PpoConfig> = { reward: 'dense', batchSize: 8, miniBatchSize: 4, responseLength: 12, learningRate: 1e-3, goldEvery: 0, samplesPerPoint: 8 };

  beforeAll(async () => {
    await initBackend({ preferred: 'wasm', wasmPaths: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
    policy = createModel(makeConfig('tiny', VOCAB.length), { seed: 4 });
    srm = createRewardModel(policy);
  });
  afterAll(() => {
    policy?.dispose();
    srm?.dispose();
  });

  it('rewards the sentences of every response, feeds one reward per judged sentence, and applies', async () => {
    const run = createPpoRun(policy, undefined, { ...small, sentenceRewardWeight: 2 }, { sentenceRm: { model: srm, fact: true } });
    try {
      // The value model starts from the policy, not the sentence reward model.
      const [pv, vv] = await Promise.all([policy.params.get<tf.Variable>('head/value/w').data(), run.roles.value!.params.get<tf.Variable>('head/value/w').data()]);
      expect(Array.from(vv)).toEqual(Array.from(pv));
      const r = await run.step();
      expect(r.applied).toBe(true);
      expect(r.samples.length).toBe(8);
      for (const s of r.samples) {
        expect(s.sentenceRewards, s.response).toBeDefined();
        expect(s.sentenceRewards!.length).toBe(s.judged.sentences.length);
        for (const x of s.sentenceRewards!) expect(Math.abs(x)).toBeLessThan(2);
        const again = repeatedSentences(s.judged.sentences.map((j) => j.text));
        s.sentenceRewards!.forEach((x, k) => {
          if (again[k]) expect(x).toBe(0);
        });
      }
      const m = r.metrics;
      // The base score is the mean of the sentence rewards summed; the score adds the symbolic terms.
      const fed = r.samples.map((s) => s.sentenceRewards!.reduce((a, b) => a + b, 0));
      expect(m['objective/base_score']).toBeCloseTo(fed.reduce((a, b) => a + b) / fed.length, 5);
      const symbolic = (m['objective/length_penalty'] as number) + (m['objective/correctness'] as number) + (m['objective/missing_eos_penalty'] as number) + (m['objective/no_answer_penalty'] as number);
      expect(m['objective/scores']).toBeCloseTo((m['objective/base_score'] as number) + symbolic, 5);
      expect(r.samples.some((s) => s.sentenceRewards!.length > 0)).toBe(true);
      // A second step leaves no tensor behind (the first made Adam's moments).
      const tensors = tf.memory().numTensors;
      expect((await run.step()).applied).toBe(true);
      expect(tf.memory().numTensors).toBe(tensors);
      expect(run.steps).toBe(2);
    } finally {
      run.dispose();
    }
  }, 60_000);

  it('without a sentence reward model: refused by the run, and by the step itself', async () => {
    expect(() => createPpoRun(policy, undefined, small)).toThrow(/the dense reward needs a sentence reward model/);
    const run = createPpoRun(policy, undefined, small, { sentenceRm: { model: srm, fact: false } });
    try {
      delete run.roles.sentenceRm;
      await expect(run.step()).rejects.toThrow(/the dense reward needs a sentence reward model/);
    } finally {
      run.dispose();
    }
    expect(() => baseScores({ reward: 'dense', honestyCheck: 'judge', honestyThreshold: 0 }, [])).toThrow(/sentence by sentence/);
  });

  it('with another reward option: a sentence reward model is refused', () => {
    const rm = { model: srm, fact: false, norm: { mean: 0, std: 1, source: 'test' } };
    expect(() => createPpoRun(policy, rm, { ...small, reward: 'plain' }, { sentenceRm: { model: srm, fact: false } })).toThrow(/only the dense reward reads it, not plain/);
    expect(rmKindsFor({ reward: 'dense', honestyCheck: 'judge' })).toEqual(['sentence-fact', 'sentence-plain']);
  });
});
