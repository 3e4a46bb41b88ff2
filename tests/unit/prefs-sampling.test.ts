// Pair sampling from a policy: two distinct responses per pair, equal ones resampled a bounded
// number of times and counted as dropped, the --mix pairs' copy adds exactly one false claim, the
// --degenerate pairs hold an empty answer, "i am not sure ." or the sample's words reversed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend';
import { makeConfig } from '../../src/engine/model/config';
import { createModel, type VlmModel } from '../../src/engine/model/model';
import { VOCAB } from '../../src/engine/language/vocab';
import { Rng } from '../../src/engine/world/rng';
import { sampleScene } from '../../src/engine/world/sampler';
import type { Scene } from '../../src/engine/world/scene';
import { judge } from '../../src/engine/judge/judge';
import { factSentences } from '../../src/engine/world/facts';
import { samplePairs } from '../../src/engine/prefs/collect';
import { scrambled, withHallucination } from '../../src/engine/prefs/variants';

let model: VlmModel;
beforeAll(async () => {
  await initBackend({ preferred: 'wasm', wasmPaths: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
  model = createModel(makeConfig('tiny', VOCAB.length), { seed: 2 });
});
afterAll(() => model?.dispose());

describe('samplePairs', () => {
  it('returns n pairs of distinct responses, the same for the same seed', async () => {
    const a = await samplePairs(model, { n: 6, seed: 3, maxNewTokens: 6 });
    expect(a.pairs).toHaveLength(6);
    for (const p of a.pairs) expect(p.responseA).not.toBe(p.responseB);
    expect(new Set(a.pairs.map((p) => p.questionType)).size).toBe(6); // types in turn
    const b = await samplePairs(model, { n: 6, seed: 3, maxNewTokens: 6 });
    expect(b.pairs).toEqual(a.pairs);
  });

  it('resamples prompts whose two samples are equal, drops them after maxTries, and counts both', async () => {
    // At a low temperature the two samples often agree (found by trying: with seed 7, three prompts are resampled and one dropped).
    const s = await samplePairs(model, { n: 8, seed: 7, temperature: 0.05, maxTries: 2, maxNewTokens: 2 });
    expect(s.pairs).toHaveLength(8);
    for (const p of s.pairs) expect(p.responseA).not.toBe(p.responseB);
    expect(s.dropped).toBeGreaterThanOrEqual(1);
    expect(s.resampled).toBeGreaterThanOrEqual(s.dropped);
    // Every prompt got 2 rows a round: 8 first rounds, a second for each resampled one, and a replacement for each drop.
    expect(s.generated).toBe(2 * (8 + s.resampled + s.dropped));
  });

  it('gives up on a policy that never varies', async () => {
    // At temperature 1e-4 sampling is greedy: both samples always agree.
    await expect(samplePairs(model, { n: 2, seed: 1, temperature: 1e-4, maxTries: 2, maxNewTokens: 2 })).rejects.toThrow(/temperature/);
  });

  it('with degenerate 1 pairs each sample with an empty answer, "i am not sure ." or its own words reversed, either first or second; with a share, about that share; and refuses mix + degenerate above 1', async () => {
    const s = await samplePairs(model, { n: 30, seed: 6, degenerate: 1, maxNewTokens: 4 });
    const kinds = new Map<string, number>();
    let first = 0;
    for (const p of s.pairs) {
      expect(p.source).toBe('degenerate');
      expect(p.responseA).not.toBe(p.responseB);
      // Which one was made: the one that is one of the three kinds of the other.
      const kindOf = (made: string, sample: string) => (made === '' ? 'empty' : made === 'i am not sure .' ? 'unsure' : made === scrambled(sample) ? 'scrambled' : null);
      const aMade = kindOf(p.responseA, p.responseB);
      const bMade = kindOf(p.responseB, p.responseA);
      const kind = aMade ?? bMade;
      expect(kind, `${p.responseA} | ${p.responseB}`).not.toBeNull();
      kinds.set(kind!, (kinds.get(kind!) ?? 0) + 1);
      if (aMade && !bMade) first++;
    }
    expect([...kinds.keys()].sort()).toEqual(['empty', 'scrambled', 'unsure']);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(s.pairs.length);
    const some = await samplePairs(model, { n: 40, seed: 7, degenerate: 0.25, maxNewTokens: 4 });
    const share = some.pairs.filter((p) => p.source === 'degenerate').length;
    expect(share).toBeGreaterThan(2); // Binomial(40, 0.25): 10 ± 2.7
    expect(share).toBeLessThan(20);
    expect(some.pairs.filter((p) => p.source !== 'degenerate').every((p) => p.source === 'policy')).toBe(true);
    await expect(samplePairs(model, { n: 2, seed: 1, mix: 0.6, degenerate: 0.5 })).rejects.toThrow(/degenerate must be in \[0, 1 − mix\]/);
  });

  it('with mix 1 pairs each sample with itself plus one hallucinated object, the copy first or second by chance', async () => {
    const s = await samplePairs(model, { n: 16, seed: 5, mix: 1, maxNewTokens: 4 });
    const falseClaims = (scene: Scene, q: string, r: string) => judge(scene, q, r).claims.filter((c) => c.truth === false).length;
    let copyFirst = 0;
    for (const p of s.pairs) {
      expect(p.source).toBe('perturbed');
      expect(p.responseB).not.toBe(p.responseA);
      const [fa, fb] = [falseClaims(p.scene, p.question, p.responseA), falseClaims(p.scene, p.question, p.responseB)];
      expect(fa, `${p.responseA} | ${p.responseB}`).not.toBe(fb); // the copy holds one false claim more than the sample
      if (fa > fb) copyFirst++;
    }
    expect(copyFirst).toBeGreaterThan(0);
    expect(copyFirst).toBeLessThan(s.pairs.length);
    // On a correct description, each copy has exactly one false claim; some are longer, some are not.
    const scene = sampleScene(9);
    const answer = factSentences(scene).join(' ');
    expect(judge(scene, 'describe the image .', answer).hallucination).toBe(false);
    const lengths = new Set<number>();
    for (let seed = 0; seed < 12; seed++) {
      const out = withHallucination(scene, answer, new Rng(seed));
      expect(judge(scene, 'describe the image .', out).claims.filter((c) => c.truth === false)).toHaveLength(1);
      lengths.add(out.split(' . ').length - answer.split(' . ').length);
    }
    expect([...lengths].sort()).toEqual([0, 1]);
  });
});
