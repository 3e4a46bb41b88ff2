// The PPO config and presets: the defaults are valid, a bad field is named with what it must be,
// a knob's label and tooltip come from its table, and every preset loads and checks.
import { describe, expect, it } from 'vitest';
import { checkPpoConfig, PPO_DEFAULTS, PPO_FIELDS, resolvePpoConfig } from '../../src/engine/ppo/config';
import { parsePreset, PPO_PRESET_NAMES, PPO_PRESETS, ppoPreset, presetConfig, rewardModelOrder, rmKindsFor } from '../../src/engine/ppo/presets';

describe('PpoConfig', () => {
  it('has valid defaults with the paper\'s PPO settings', () => {
    expect(checkPpoConfig(PPO_DEFAULTS)).toEqual([]);
    expect(PPO_DEFAULTS).toMatchObject({ klCoef: 0.1, cliprange: 0.2, cliprangeValue: 0.2, vfCoef: 0.1, gamma: 1, lam: 1, temperature: 1, ppoEpochs: 2 });
  });

  it('names each bad field', () => {
    const bad = checkPpoConfig({ ...PPO_DEFAULTS, cliprange: 0, reward: 'magic' as never, whitenRewards: 'yes' as never });
    expect(bad).toEqual([
      { field: 'reward', message: 'must be one of plain, fact, gold, honesty-first, dense' },
      { field: 'cliprange', message: 'must be a number above 0 and at most 10' },
      { field: 'whitenRewards', message: 'must be true or false' },
    ]);
    expect(checkPpoConfig({ ...PPO_DEFAULTS, batchSize: 30, numGenerations: 4 })).toEqual([{ field: 'batchSize', message: 'must be a multiple of numGenerations (4)' }]);
    expect(checkPpoConfig({ ...PPO_DEFAULTS, advantageEstimator: 'grpo' })[0]?.field).toBe('numGenerations');
    expect(checkPpoConfig({ ...PPO_DEFAULTS, miniBatchSize: 64 })[0]?.field).toBe('miniBatchSize');
    expect(() => resolvePpoConfig({ lam: 2 })).toThrow(/lam must be a number from 0 to 1/);
  });

  it('says each knob\'s label and tooltip once, TRL\'s name and the paper\'s setting among them', () => {
    expect(PPO_FIELDS.klCoef).toMatchObject({ label: 'KL coef β', bound: { min: 0, max: 10 }, trl: 'kl_coef', paper: 0.1 });
    expect(PPO_FIELDS.klCoef.tooltip).toBe('β, the weight of the KL penalty against the reference (TRL kl_coef; the paper: 0.1).');
    expect(PPO_FIELDS.batchSize).toMatchObject({ label: 'batchSize', tooltip: 'Responses sampled per step: prompts × numGenerations (TRL batch_size).' });
    expect(PPO_FIELDS.klEstimator.choices).toEqual(['k1', 'k3']);
  });
});

describe('PPO presets', () => {
  it('are the eight the issues name, each valid, with an annotator and an RM kind that fits its reward', () => {
    expect([...PPO_PRESET_NAMES].sort()).toEqual(['fact-rlhf', 'fine-grained', 'gold-reward', 'grpo', 'honesty-first', 'plain-rlhf', 'reward-hacking', 'rloo']);
    for (const name of PPO_PRESET_NAMES) {
      const cfg = presetConfig(name);
      expect(checkPpoConfig(cfg)).toEqual([]);
      expect(rmKindsFor(cfg)).toContain(ppoPreset(name).rmKind);
    }
  });

  it('say what each experiment is about', () => {
    expect(PPO_PRESETS['reward-hacking']).toMatchObject({ annotator: 'length-biased', rmKind: 'plain', config: { reward: 'plain', lengthPenalty: 0 } });
    expect(presetConfig('fact-rlhf')).toMatchObject({ reward: 'fact', advantageEstimator: 'gae' });
    expect(presetConfig('grpo')).toMatchObject({ advantageEstimator: 'grpo', klPenalty: 'loss' });
    expect(presetConfig('rloo').numGenerations).toBeGreaterThan(1);
    expect(presetConfig('gold-reward', { seed: 9 })).toMatchObject({ reward: 'gold', seed: 9 });
    expect(PPO_PRESETS['fine-grained']).toMatchObject({ rmKind: 'sentence-fact', config: { reward: 'dense', advantageEstimator: 'gae' } });
    expect(rmKindsFor({ reward: 'dense', honestyCheck: 'judge' })).toEqual(['sentence-fact', 'sentence-plain']);
    // No pairwise reward model is read by the dense reward.
    expect(rewardModelOrder({ reward: 'dense', honestyCheck: 'judge' })).toEqual([]);
    expect(rewardModelOrder({ reward: 'honesty-first', honestyCheck: 'judge' })).toEqual(['fact', 'plain']);
  });

  it('reject bad data, naming the preset and the field', () => {
    const base = { name: 'x', description: 'd', annotator: 'careful', rmKind: 'fact', config: {} };
    expect(() => parsePreset({ ...base, config: { klCoeff: 0.1 } })).toThrow(/ppo preset x: config has unknown fields klCoeff/);
    expect(() => parsePreset({ ...base, config: { cliprange: -1 } })).toThrow(/config.cliprange/);
    expect(() => parsePreset({ ...base, annotator: 'lazy' })).toThrow(/annotator/);
    expect(() => parsePreset({ ...base, config: { reward: 'plain' } })).toThrow(/needs rmKind plain, not fact/);
    expect(() => ppoPreset('nope')).toThrow(/the presets are fact-rlhf/);
  });
});
