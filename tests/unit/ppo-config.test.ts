// The PPO config and presets: the defaults are valid and within their bounds, a bad field is
// named, every preset loads and checks, and the tooltips say what the doc comments say.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkPpoConfig, PPO_BOUNDS, PPO_DEFAULTS, PPO_TOOLTIPS, resolvePpoConfig } from '../../src/engine/ppo/config';
import { parsePreset, PPO_PRESET_NAMES, PPO_PRESETS, ppoPreset, presetConfig, rmKindsFor } from '../../src/engine/ppo/presets';

describe('PpoConfig', () => {
  it('has valid defaults with the paper\'s PPO settings', () => {
    expect(checkPpoConfig(PPO_DEFAULTS)).toEqual([]);
    expect(PPO_DEFAULTS).toMatchObject({ klCoef: 0.1, cliprange: 0.2, cliprangeValue: 0.2, vfCoef: 0.1, gamma: 1, lam: 1, temperature: 1, ppoEpochs: 2 });
    for (const k of Object.keys(PPO_BOUNDS)) expect(Object.hasOwn(PPO_DEFAULTS, k)).toBe(true);
  });

  it('names each bad field', () => {
    const bad = checkPpoConfig({ ...PPO_DEFAULTS, cliprange: 0, reward: 'magic' as never, whitenRewards: 'yes' as never });
    expect(bad.map((p) => p.field).sort()).toEqual(['cliprange', 'reward', 'whitenRewards']);
    expect(checkPpoConfig({ ...PPO_DEFAULTS, batchSize: 30, numGenerations: 4 })).toEqual([{ field: 'batchSize', message: 'must be a multiple of numGenerations (4)' }]);
    expect(checkPpoConfig({ ...PPO_DEFAULTS, advantageEstimator: 'grpo' })[0]?.field).toBe('numGenerations');
    expect(checkPpoConfig({ ...PPO_DEFAULTS, miniBatchSize: 64 })[0]?.field).toBe('miniBatchSize');
    expect(() => resolvePpoConfig({ lam: 2 })).toThrow(/lam must be a number from 0 to 1/);
  });

  it('has a tooltip for every field, the same words as its doc comment', () => {
    const src = readFileSync('src/engine/ppo/config.ts', 'utf8');
    const body = src.slice(src.indexOf('export interface PpoConfig {'), src.indexOf('\n}\n', src.indexOf('export interface PpoConfig {')));
    const docs = new Map([...body.matchAll(/\/\*\* (.*?) \*\/\n\s+(\w+):/g)].map((m) => [m[2] as string, m[1] as string]));
    expect([...docs.keys()].sort()).toEqual(Object.keys(PPO_DEFAULTS).sort());
    for (const [field, doc] of docs) expect(PPO_TOOLTIPS[field as keyof typeof PPO_TOOLTIPS]).toBe(doc);
  });
});

describe('PPO presets', () => {
  it('are the seven the issue names, each valid, with an annotator and an RM kind that fits its reward', () => {
    expect([...PPO_PRESET_NAMES].sort()).toEqual(['fact-rlhf', 'gold-reward', 'grpo', 'honesty-first', 'plain-rlhf', 'reward-hacking', 'rloo']);
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
