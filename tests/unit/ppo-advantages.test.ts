// The advantage estimators and whitening against numbers worked by hand: GAE (γ, λ below 1, and
// the paper's γ = λ = 1), GRPO's and RLOO's group baselines, TRL's masked whitening.
import { describe, expect, it } from 'vitest';
import { gae } from '../../src/engine/ppo/gae';
import { grpoAdvantages } from '../../src/engine/ppo/grpo';
import { rlooAdvantages } from '../../src/engine/ppo/rloo';
import { maskedMean, maskedVar, whiten } from '../../src/engine/ppo/whiten';
import { computeAdvantages } from '../../src/engine/ppo/advantages';

const close = (got: ArrayLike<number>, want: number[], digits = 5) => {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, digits));
};

// Two responses, R = 3: row 0 has three tokens, row 1 two (then a pad holding junk that must be ignored).
const rewards = Float32Array.from([0.1, -0.2, 1.0, 0, 2, 5]);
const values = Float32Array.from([0.5, 0.4, 0.3, 1, 0.5, 9]);
const mask = Float32Array.from([1, 1, 1, 1, 1, 0]);

describe('GAE', () => {
  it('matches the recursion worked by hand with γ = 0.9, λ = 0.8', () => {
    // row 0: δ2 = 1 − 0.3 = 0.7; δ1 = −0.2 + 0.9·0.3 − 0.4 = −0.33, A1 = −0.33 + 0.72·0.7 = 0.174;
    //        δ0 = 0.1 + 0.9·0.4 − 0.5 = −0.04, A0 = −0.04 + 0.72·0.174 = 0.08528
    // row 1: δ1 = 2 − 0.5 = 1.5; δ0 = 0 + 0.9·0.5 − 1 = −0.55, A0 = −0.55 + 0.72·1.5 = 0.53
    const { advantages, returns } = gae(rewards, values, mask, 2, 3, 0.9, 0.8);
    close(advantages, [0.08528, 0.174, 0.7, 0.53, 1.5, 0]);
    close(returns, [0.58528, 0.574, 1.0, 1.53, 2.0, 0]);
  });

  it('with γ = λ = 1 (the paper\'s) gives the return to go minus the value', () => {
    const { advantages, returns } = gae(rewards, values, mask, 2, 3, 1, 1);
    close(advantages, [0.9 - 0.5, 0.8 - 0.4, 1.0 - 0.3, 2 - 1, 2 - 0.5, 0]);
    close(returns, [0.9, 0.8, 1.0, 2, 2, 0]);
  });

  it('with λ = 0 is the one-step TD error', () => {
    const { advantages } = gae(rewards, values, mask, 2, 3, 1, 0);
    close(advantages, [0.1 + 0.4 - 0.5, -0.2 + 0.3 - 0.4, 1.0 - 0.3, 0 + 0.5 - 1, 2 - 0.5, 0]);
  });
});

describe('GRPO', () => {
  it('scores each sample against its group: (R − mean) / (sample std + ε)', () => {
    // group [1, 2, 3, 6]: mean 3, sample std √(14/3) = 2.160247; group [5, 5, 5, 5]: all 0
    const a = grpoAdvantages([1, 2, 3, 6, 5, 5, 5, 5], 4);
    const s = Math.sqrt(14 / 3) + 1e-4;
    close(a, [-2 / s, -1 / s, 0, 3 / s, 0, 0, 0, 0]);
  });

  it('rejects rewards that are not whole groups', () => {
    expect(() => grpoAdvantages([1, 2, 3], 2)).toThrow(/whole groups/);
  });
});

describe('RLOO', () => {
  it('uses the mean of the other samples as the baseline', () => {
    // [1, 2, 3, 6]: 1 − 11/3, 2 − 10/3, 3 − 9/3, 6 − 6/3; [1, 3] with k = 2: −2, 2
    close(rlooAdvantages([1, 2, 3, 6], 4), [1 - 11 / 3, 2 - 10 / 3, 0, 4]);
    close(rlooAdvantages([1, 3, 10, 10], 2), [-2, 2, 0, 0]);
  });

  it('needs a group of at least two', () => {
    expect(() => rlooAdvantages([1, 2], 1)).toThrow(/at least 2/);
  });
});

describe('whitening', () => {
  const x = Float32Array.from([1, 2, 3, 100]);
  const m = Float32Array.from([1, 1, 1, 0]);
  it('counts only the masked entries, with Bessel\'s correction', () => {
    expect(maskedMean(x, m)).toBeCloseTo(2, 6);
    expect(maskedVar(x, m)).toBeCloseTo(1, 6); // (1 + 0 + 1) / (3 − 1)
  });
  it('whitens to mean 0 and unit spread, or keeps the mean for rewards (shiftMean false)', () => {
    close(whiten(x, m), [-1, 0, 1, 0]);
    close(whiten(x, m, false), [1, 2, 3, 0]);
    close(whiten(Float32Array.from([2, 4, 6, 0]), m, false), [3, 4, 5, 0]); // mean 4, spread 2: (x − 4)/2 + 4
  });
});

describe('computeAdvantages', () => {
  it('gives every token of a response its group advantage, 0 on pads (GRPO and RLOO on summed rewards)', () => {
    // rows summed: row 0 = 0.9, row 1 = 2; RLOO with k = 2: ∓1.1
    const r = Float32Array.from([0.1, -0.2, 1.0, 0, 2, 0]);
    const rloo = computeAdvantages(r, mask, undefined, 2, 3, { advantageEstimator: 'rloo', gamma: 1, lam: 1, numGenerations: 2, whitenAdvantages: false });
    close(rloo.advantages, [-1.1, -1.1, -1.1, 1.1, 1.1, 0]);
    expect(rloo.returns).toBeUndefined();
    const grpo = computeAdvantages(r, mask, undefined, 2, 3, { advantageEstimator: 'grpo', gamma: 1, lam: 1, numGenerations: 2, whitenAdvantages: false });
    const s = Math.SQRT2 * 0.55 + 1e-4; // sample std of [0.9, 2]
    close(grpo.advantages, [-0.55 / s, -0.55 / s, -0.55 / s, 0.55 / s, 0.55 / s, 0], 4);
  });

  it('whitens GAE advantages over the real tokens when asked', () => {
    const a = computeAdvantages(rewards, mask, values, 2, 3, { advantageEstimator: 'gae', gamma: 1, lam: 1, numGenerations: 1, whitenAdvantages: true });
    expect(maskedMean(a.advantages, mask)).toBeCloseTo(0, 5);
    expect(maskedVar(a.advantages, mask)).toBeCloseTo(1, 4);
    expect(a.advantages[5]).toBe(0);
    close(a.returns!, [0.9, 0.8, 1.0, 2, 2, 0]);
  });
});
