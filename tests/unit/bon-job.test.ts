// The best-of-n sweep end to end on a tiny policy and reward model: the pool is sampled, scored
// and judged once; n = 1 is the mean of the pool, n = the pool is each prompt's argmax; the RM
// score rises with n; a stop keeps the prompts sampled so far; the benchmark variant keeps argmaxes.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend';
import { makeConfig } from '../../src/engine/model/config';
import { createModel, type VlmModel } from '../../src/engine/model/model';
import { VOCAB } from '../../src/engine/language/vocab';
import { DEFAULT_PERCEPTION } from '../../src/engine/world/render';
import { judge } from '../../src/engine/judge/judge';
import { createRewardModel } from '../../src/engine/reward/train-run';
import { JobControl } from '../../src/engine/train/job';
import { bonPrompts, runBestOfNJob } from '../../src/engine/bon/job';
import { runBestOfNBench } from '../../src/engine/bon/bench';
import { samplePool, scorePool, withNoiseSeeds } from '../../src/engine/bon/pool';
import { bestOfN, bonKl } from '../../src/engine/bon/select';
import { allPrompts, benchSuite } from '../../src/engine/bench/report';
import { roughen } from '../helpers/model';

let policy: VlmModel;
let rm: VlmModel;
const CFG = { ns: [1, 2, 4], samples: 4, maxNewTokens: 8, batchRows: 128, seed: 3 };

beforeAll(async () => {
  await initBackend({ preferred: 'wasm', wasmPaths: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
  policy = createModel(makeConfig('tiny', VOCAB.length), { seed: 11 });
  rm = createRewardModel(policy);
  roughen(rm, 5); // scores far apart, so the argmax is clear
});
afterAll(() => {
  policy.dispose();
  rm.dispose();
});

describe('runBestOfNJob', () => {
  it('reads every row off one pool: n = 1 the pool mean, n = 4 each prompt\'s argmax, the KL by formula', async () => {
    const before = tf.memory().numTensors;
    const norm = { mean: 0.5, std: 2, source: 'test' };
    const res = await runBestOfNJob(policy, [{ model: rm, fact: false, norm }], CFG);
    expect(tf.memory().numTensors).toBe(before);
    expect(res.prompts).toBe(96);
    expect(res.stopped).toBe(false);
    const [sweep] = res.sweeps;
    expect(sweep!.rows.map((r) => r.n)).toEqual([1, 2, 4]);
    expect(sweep!.rows.map((r) => r.kl)).toEqual([0, bonKl(2), bonKl(4)]);

    // The same pool again, scored and judged here sample by sample.
    const prompts = bonPrompts({ size: 'standard', seed: 3 });
    const pool = await samplePool(policy, prompts, 4, { temperature: 1, maxNewTokens: 8, batchRows: 128, seed: 3, perception: { ...DEFAULT_PERCEPTION } });
    const scores = await scorePool(rm, false, pool);
    let mean = 0, best = 0, bestGold = 0, meanGold = 0;
    pool.answers.forEach((a, p) => {
      const s = scores[p]!;
      const gold = a.sample.map((j) => judge(prompts[p]!.scene, prompts[p]!.question, a.texts[j]!).score);
      s.forEach((x, j) => {
        mean += (x - 0.5) / 2 / 384;
        meanGold += gold[j]! / 384;
      });
      const k = bestOfN(s);
      best += (s[k]! - 0.5) / 2 / 96;
      bestGold += gold[k]! / 96;
    });
    expect(sweep!.rows[0]!.rmScore).toBeCloseTo(mean, 5);
    expect(sweep!.rows[0]!.goldScore).toBeCloseTo(meanGold, 5);
    expect(sweep!.rows[2]!.rmScore).toBeCloseTo(best, 5);
    expect(sweep!.rows[2]!.goldScore).toBeCloseTo(bestGold, 5);
    // The expected best of a larger subset is never lower.
    expect(sweep!.rows[1]!.rmScore).toBeGreaterThan(sweep!.rows[0]!.rmScore);
    expect(sweep!.rows[2]!.rmScore).toBeGreaterThan(sweep!.rows[1]!.rmScore);
    expect(sweep!.fit?.form).toBe('bon');
  });

  it('normalises on the pool itself without a norm, so n = 1 scores 0 on average', async () => {
    const res = await runBestOfNJob(policy, [{ model: rm, fact: false }, { model: rm, fact: true }], { ...CFG, size: 'standard', ns: [1, 4] });
    expect(res.sweeps.map((s) => s.name)).toEqual(['plain RM', 'Fact-RM 2']);
    for (const s of res.sweeps) {
      expect(s.norm.source).toBe('384 policy samples');
      expect(s.rows[0]!.rmScore).toBeCloseTo(0, 5);
    }
    // The Fact-RM reads the facts: a different input, different scores of the same answers.
    expect(res.sweeps[1]!.rows[1]!.rmScore).not.toBeCloseTo(res.sweeps[0]!.rows[1]!.rmScore, 3);
  });

  it('stops when told and reads the rows off the prompts sampled so far', async () => {
    const control = new JobControl();
    let batches = 0;
    const res = await runBestOfNJob(policy, [{ model: rm, fact: false }], { ...CFG, batchRows: 64 }, {
      control,
      onProgress: (p) => {
        if (p.phase === 'sampling answers' && p.done > 0 && ++batches === 2) control.stop();
      },
    });
    expect(res.stopped).toBe(true);
    expect(res.prompts).toBe(32); // two batches of 64 rows, 4 answers per prompt
  });

  it('throws naming the field on a bad config', async () => {
    await expect(runBestOfNJob(policy, [{ model: rm, fact: false }], { ns: [1, 8], samples: 4 })).rejects.toThrow('best-of-n: samples must be at least the largest n (8)');
    await expect(runBestOfNJob(policy, [], CFG)).rejects.toThrow(/at least one reward model/);
  });
});

describe('runBestOfNBench', () => {
  it("answers every benchmark item with the RM's favourite of its n samples", async () => {
    const suite = benchSuite('standard');
    const { report, responses } = await runBestOfNBench(policy, { model: rm, fact: false }, { n: 3, maxNewTokens: 6, seed: 2 });
    expect(responses.size).toBe(allPrompts(suite).length);
    expect(report.shapesHal.n).toBe(96);
    const prompts = withNoiseSeeds(allPrompts(suite), 2);
    const pool = await samplePool(policy, prompts, 3, { temperature: 1, maxNewTokens: 6, batchRows: 256, seed: 2, perception: { ...DEFAULT_PERCEPTION } });
    const scores = await scorePool(rm, false, pool);
    const mismatched = pool.prompts.filter((p, i) => responses.get(p.id) !== pool.answers[i]!.texts[pool.answers[i]!.sample[bestOfN(scores[i]!)]!]);
    expect(mismatched).toEqual([]);
  });
});
