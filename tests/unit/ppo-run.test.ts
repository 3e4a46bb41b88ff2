// PPO end to end on the tiny model: each estimator (GAE, GRPO, RLOO) learns a trivially rewarded
// behaviour (answer with even token ids); the reference stays frozen; log-probs follow the
// temperature; the safety net (a NaN score, a NaN weight, an infinite loss in a later minibatch)
// leaves the weights and Adam's state as they were and pauses the job; the tensor count stays flat over 50 steps;
// an empty answer that a reward likes best stops paying once the no-answer penalty is on.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend';
import { makeConfig } from '../../src/engine/model/config';
import { createModel, type VlmModel } from '../../src/engine/model/model';
import { VOCAB } from '../../src/engine/language/vocab';
import { JobControl } from '../../src/engine/train/job';
import { createRewardModel } from '../../src/engine/reward/train-run';
import type { PpoConfig } from '../../src/engine/ppo/config';
import type { CustomReward } from '../../src/engine/ppo/roles';
import { createPpoRun, runPpoSteps, type PpoPoint } from '../../src/engine/ppo/run';
import { judgeAnswer } from '../../src/engine/judge/judged';
import type { Trainer } from '../../src/engine/train/trainer';

beforeAll(async () => {
  await initBackend({ preferred: 'wasm', wasmPaths: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
});

const tiny = (seed = 4) => createModel(makeConfig('tiny', VOCAB.length), { seed });
/** The trivial reward: the share of a response's tokens with an even id. */
const evenShare: CustomReward = (rows) => rows.map((r) => r.tokens.filter((t) => t % 2 === 0).length / r.tokens.length);
const small: Partial<PpoConfig> = { batchSize: 16, miniBatchSize: 8, responseLength: 6, learningRate: 3e-3, klCoef: 0.05, goldEvery: 0 };

async function weights(m: VlmModel): Promise<Float32Array[]> {
  return Promise.all(m.namedWeights().map(([, v]) => v.data() as Promise<Float32Array>));
}
const same = (a: Float32Array[], b: Float32Array[]) => a.length === b.length && a.every((x, i) => x.every((v, j) => Object.is(v, (b[i] as Float32Array)[j])));

describe('the no-answer penalty', () => {
  it('an empty answer wins against a reward that likes short answers best, and does not once it costs more than that reward gives', async () => {
    /** A stand-in for a reward model that scores silence highest: 1 − length / responseLength. Records each batch's share of empty answers (EOS alone). */
    const run = async (noAnswerPenalty: number) => {
      const empty: number[] = [];
      const shortest: CustomReward = (rows) => {
        empty.push(rows.filter((r) => r.tokens.length === 1 && r.response === '').length / rows.length);
        return rows.map((r) => 1 - r.tokens.length / 6);
      };
      const policy = tiny(5);
      const ppo = createPpoRun(policy, undefined, { ...small, noAnswerPenalty, lengthPenalty: 0, missingEosPenalty: 0 }, { customReward: shortest });
      for (let i = 0; i < 30; i++) expect((await ppo.step()).applied).toBe(true);
      ppo.dispose();
      policy.dispose();
      return empty.slice(-5).reduce((a, b) => a + b) / 5;
    };
    const without = await run(0);
    const withPenalty = await run(2);
    expect(without).toBeGreaterThan(0.5);
    expect(withPenalty).toBeLessThan(0.1);
  }, 120_000);
});

describe('a tiny PPO run', () => {
  const estimators = [
    ['gae', {}],
    ['grpo', { numGenerations: 4, klPenalty: 'loss', klEstimator: 'k3' }],
    ['rloo', { numGenerations: 4 }],
  ] as const;
  for (const [est, extra] of estimators) {
    it(`learns a trivially rewarded behaviour with ${est.toUpperCase()}`, async () => {
      const policy = tiny();
      const run = createPpoRun(policy, undefined, { ...small, advantageEstimator: est, ...extra }, { customReward: evenShare });
      const scores: number[] = [];
      for (let i = 0; i < 20; i++) {
        const r = await run.step();
        expect(r.applied).toBe(true);
        scores.push(r.metrics['objective/base_score'] as number);
      }
      run.dispose();
      policy.dispose();
      const first = scores.slice(0, 4).reduce((a, b) => a + b) / 4;
      const last = scores.slice(-4).reduce((a, b) => a + b) / 4;
      expect(first).toBeLessThan(0.7);
      expect(last).toBeGreaterThan(first + 0.2);
    });
  }

  it('reports every TRL metric, finite, with KL 0 and ratio 1 on the first step, and keeps the reference frozen', async () => {
    const policy = tiny();
    const refBefore = await weights(policy);
    // A learning rate this small changes nothing visible: every minibatch sees ratio 1, at a temperature other than 1.
    const run = createPpoRun(policy, undefined, { ...small, learningRate: 1e-9, temperature: 0.5 }, { customReward: evenShare });
    const r = await run.step();
    const keys = [
      'objective/scores', 'objective/kl', 'objective/kl_coef', 'objective/entropy', 'objective/entropy_exact', 'objective/non_score_reward', 'objective/rlhf_reward',
      'policy/approxkl_avg', 'policy/clipfrac_avg', 'policy/entropy_avg', 'loss/policy_avg', 'loss/value_avg', 'val/clipfrac_avg', 'val/ratio', 'val/ratio_var', 'val/num_eos_tokens',
      'tokens/responses_len_mean', 'episode', 'eps', 'lr', 'time/ppo/rollout', 'time/ppo/forward_pass', 'time/ppo/compute_rewards', 'time/ppo/compute_advantages',
      'time/ppo/optimize_step', 'time/ppo/total',
    ] as const;
    for (const k of keys) expect(Number.isFinite(r.metrics[k]), k).toBe(true);
    expect(Math.abs(r.metrics['objective/kl'] as number)).toBeLessThan(1e-4);
    expect(r.metrics['val/ratio']).toBeCloseTo(1, 4);
    // Every minibatch's mean ratio is 1, so they do not vary.
    expect(r.metrics['val/ratio_var']).toBeLessThan(1e-8);
    expect(r.metrics['policy/approxkl_avg']).toBeLessThan(1e-8);
    // Entropies are positive: TRL's sampled estimate, the exact one, and the per-token one the updates saw.
    for (const k of ['objective/entropy', 'objective/entropy_exact', 'policy/entropy_avg'] as const) expect(r.metrics[k], k).toBeGreaterThan(0);
    expect(r.metrics.episode).toBe(16);
    expect(r.metrics['objective/rlhf_reward']).toBeCloseTo((r.metrics['objective/scores'] as number) + (r.metrics['objective/non_score_reward'] as number), 6);
    let later = r;
    for (let i = 0; i < 3; i++) later = await run.step();
    expect(later.metrics.episode).toBe(4 * 16);
    expect(same(await weights(run.roles.reference), refBefore)).toBe(true);
    run.dispose();
    policy.dispose();
  });
});

describe('the safety net', () => {
  it('does not apply a step with a NaN score, names it, and pauses the job', async () => {
    const policy = tiny();
    let calls = 0;
    const reward: CustomReward = (rows) => {
      calls += 1;
      const s = evenShare(rows) as number[];
      if (calls === 3) s[5] = NaN;
      return s;
    };
    const run = createPpoRun(policy, undefined, { ...small, goldEvery: 0 }, { customReward: reward });
    const control = new JobControl();
    const points: PpoPoint[] = [];
    let stateAtBad: string | undefined;
    // The job comes to a hold once, after the bad step; it is stopped there.
    const holds: number[] = [];
    control.onHold = async () => {
      holds.push(points.length);
      control.stop();
    };
    const result = await runPpoSteps(run, 5, {
      control,
      onPoint: (p) => {
        points.push(p);
        if (p.nonFinite) stateAtBad = control.state;
      },
    });
    expect(points.map((p) => p.nonFinite ?? 'ok')).toEqual(['ok', 'ok', 'objective/scores']);
    expect(stateAtBad).toBe('paused');
    expect(holds).toEqual([3]);
    expect(result).toMatchObject({ steps: 2, stopped: true, halted: { step: 3, quantity: 'objective/scores' } });
    expect(run.steps).toBe(2);
    run.dispose();
    policy.dispose();
  });

  it('keeps the last good weights and optimiser state when the loss goes infinite in a later minibatch', async () => {
    const policy = tiny();
    const value = () => run.roles.value as VlmModel;
    // A finite but huge score on one response of the second step: its return overflows the squared value error.
    let calls = 0;
    const reward: CustomReward = (rows) => {
      calls += 1;
      return rows.map((r, i) => (calls === 2 && i === 13 ? 3e38 : (evenShare([r]) as number[])[0] as number));
    };
    const run = createPpoRun(policy, undefined, { ...small, miniBatchSize: 4, whitenAdvantages: false }, { customReward: reward });
    const trainer = (run as unknown as { state: { trainer: Trainer } }).state.trainer;
    // A good step first, so Adam has moments to keep.
    expect((await run.step()).applied).toBe(true);
    const before = [await weights(policy), await weights(value())];
    const adam = await trainer.optimizerState();
    const steps = trainer.stepCount;
    const tensors = tf.memory().numTensors;
    const generation = policy.generation;
    const r = await run.step();
    expect(r.applied).toBe(false);
    expect(r.nonFinite).toBe('loss');
    // Some minibatches were applied before the bad one, then undone.
    expect(policy.generation - generation).toBeGreaterThanOrEqual(2);
    expect(same(await weights(policy), before[0]!)).toBe(true);
    expect(same(await weights(value()), before[1]!)).toBe(true);
    // Adam too: its update count, beta powers and every moment as they were (an update per minibatch;
    // two moments for each variable the loss reaches, past the two beta powers).
    expect(steps).toBe(run.cfg.ppoEpochs * (16 / 4));
    expect(adam.iterations).toBe(steps);
    expect(adam.values.length).toBeGreaterThan(2 + trainer.variables.length);
    expect(await trainer.optimizerState()).toEqual(adam);
    expect(trainer.stepCount).toBe(steps);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(run.steps).toBe(1);
    run.dispose();
    policy.dispose();
  });

  it('with one update a step (nothing to undo, no checkpoint taken) a bad loss leaves the same state', async () => {
    const policy = tiny();
    let calls = 0;
    const reward: CustomReward = (rows) => {
      calls += 1;
      return rows.map((r, i) => (calls === 2 && i === 13 ? 3e38 : (evenShare([r]) as number[])[0] as number));
    };
    const run = createPpoRun(policy, undefined, { ...small, miniBatchSize: 16, ppoEpochs: 1, whitenAdvantages: false }, { customReward: reward });
    const trainer = (run as unknown as { state: { trainer: Trainer } }).state.trainer;
    expect((await run.step()).applied).toBe(true);
    const before = await weights(policy);
    const adam = await trainer.optimizerState();
    const tensors = tf.memory().numTensors;
    expect(await run.step()).toMatchObject({ applied: false, nonFinite: 'loss' });
    expect(same(await weights(policy), before)).toBe(true);
    expect(await trainer.optimizerState()).toEqual(adam);
    expect(adam.iterations).toBe(1);
    expect(tf.memory().numTensors).toBe(tensors);
    run.dispose();
    policy.dispose();
  });

  it('names a NaN that comes from a weight (the value model\'s values)', async () => {
    const policy = tiny();
    const run = createPpoRun(policy, undefined, small, { customReward: evenShare });
    const b = run.roles.value!.params.get<tf.Variable>('head/value/b');
    b.assign(tf.tensor1d([NaN]));
    const before = await weights(policy);
    const r = await run.step();
    expect(r).toMatchObject({ applied: false, nonFinite: 'val/values' });
    expect(same(await weights(policy), before)).toBe(true);
    run.dispose();
    policy.dispose();
  });
});

describe('roles and reward models', () => {
  it('checks that the reward model fits the reward option, and swaps it between steps', async () => {
    const policy = tiny();
    const plain = { model: createRewardModel(policy), fact: false, norm: { mean: 0, std: 1, source: 'test' } };
    const fact = { model: createRewardModel(policy), fact: true, norm: { mean: 0, std: 1, source: 'test' } };
    expect(() => createPpoRun(policy, fact, { ...small, reward: 'plain' })).toThrow(/plain reward needs a plain reward model/);
    expect(() => createPpoRun(policy, plain, { ...small, reward: 'fact' })).toThrow(/needs a Fact-RM/);
    // Two runs alike (the same weights, the same seeds), the same Fact-RM: after a first step one swaps in
    // that Fact-RM normalised by a mean 100 higher. Their second steps sample the same answers, so
    // every score of the swapped run is exactly 100 below the other's.
    const twin = tiny();
    const cfg: Partial<PpoConfig> = { ...small, reward: 'fact', batchSize: 4, miniBatchSize: 4 };
    const [run, other] = [createPpoRun(policy, fact, cfg), createPpoRun(twin, fact, cfg)];
    expect((await run.step()).applied).toBe(true);
    expect((await other.step()).applied).toBe(true);
    expect(() => run.setRewardModel(plain)).toThrow(/needs a Fact-RM/);
    run.setRewardModel({ ...fact, norm: { mean: 100, std: 1, source: 'test' } });
    const [swapped, kept] = [await run.step(), await other.step()];
    expect(swapped.samples).toHaveLength(3); // samplesPerPoint's default
    expect(swapped.samples.map((x) => x.response)).toEqual(kept.samples.map((x) => x.response));
    expect(swapped.metrics['objective/base_score']).toBeCloseTo((kept.metrics['objective/base_score'] as number) - 100, 4);
    swapped.samples.forEach((x, i) => expect(x.score).toBeCloseTo((kept.samples[i] as { score: number }).score - 100, 4));
    // Each sample carries the judge's reading of it, as the page shows it (no second judging there).
    for (const x of swapped.samples) expect(x.judged).toEqual(judgeAnswer(x.scene, x.question, x.response));
    run.dispose();
    other.dispose();
    tf.dispose([plain.model, fact.model].flatMap((m) => m.namedWeights().map(([, v]) => v)));
    policy.dispose();
    twin.dispose();
  });
});

describe('tensors', () => {
  it('stay flat over 50 steps with a Fact-RM, honesty-first, gold figures and the adaptive KL', async () => {
    const policy = tiny();
    const rm = createRewardModel(policy);
    const run = createPpoRun(policy, { model: rm, fact: true, norm: { mean: 0, std: 1, source: 'test' } }, {
      reward: 'honesty-first', honestyCheck: 'fact-rm', batchSize: 4, miniBatchSize: 2, responseLength: 4, goldEvery: 10, goldProbeSize: 8, adaptiveKl: true,
    });
    await run.step();
    await run.gold();
    const before = tf.memory().numTensors;
    const points: PpoPoint[] = [];
    const res = await runPpoSteps(run, 50, { onPoint: (p) => points.push(p) });
    expect(res.steps).toBe(50);
    expect(tf.memory().numTensors).toBe(before);
    expect(points.filter((p) => p.gold).length).toBe(6); // at the start, then steps 10, 20, ..., 50
    expect(run.klCoef).not.toBe(0.1);
    run.dispose();
    rm.dispose();
    policy.dispose();
  });
});
