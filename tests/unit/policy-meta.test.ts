// How the page names the loaded weights (src/app/sft/policy-meta.ts): as loaded, after a PPO run
// kept with them, or after updates here; and a checkpoint's metadata read safely.
import { describe, expect, it } from 'vitest';
import { lineage, summarise } from '../../src/app/sft/policy-meta';

const origin = 'sft@1a2b3c4d';

describe('the loaded weights, in words', () => {
  it('are as loaded at their origin, and after N updates past it', () => {
    expect(lineage({ origin, version: origin, metadata: {} })).toBe('as loaded');
    expect(lineage({ origin, version: `${origin}+12`, metadata: {} })).toBe('after 12 updates here');
    expect(lineage({ origin: `${origin}/dpo-3f9a`, version: `${origin}/dpo-3f9a+40`, metadata: {} })).toBe('after 40 updates here (run dpo-3f9a)');
  });

  it('name the PPO run kept with them, only when it is of these very weights', () => {
    const run = { preset: 'fact-rlhf', step: 20, policy: { version: `${origin}+80` } };
    expect(lineage({ origin, version: `${origin}+80`, metadata: { ppo: { run } } })).toBe('after PPO here (fact-rlhf, 20 steps)');
    // Trained further since (SFT on top of the PPO policy): the run is no longer what made them.
    expect(lineage({ origin, version: `${origin}+95`, metadata: { ppo: { run } } })).toBe('after 95 updates here');
  });

  it('read only the metadata fields that are there and of the right type', () => {
    expect(summarise({ recipe: 'sft', seed: 'x', bench: { shapesHal: { score: 2.5, hallucinationRate: 0.4 } } })).toEqual({ recipe: 'sft', bench: { score: 2.5, hallucinationRate: 0.4 } });
    expect(summarise(undefined)).toEqual({});
  });
});
