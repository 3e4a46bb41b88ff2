// The rollout's own log-probs and entropy, read off the sampler's logits, agree with a full forward
// pass over the finished sequences at the same temperature; the mask and EOS bookkeeping are right.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend';
import { makeConfig } from '../../src/engine/model/config';
import { createModel } from '../../src/engine/model/model';
import { VOCAB } from '../../src/engine/language/vocab';
import { computeLogProbs } from '../../src/engine/model/logprobs';
import { disposeBatch } from '../../src/engine/model/batch';
import { drawPrompts } from '../../src/engine/data/prompts';
import { DEFAULT_PERCEPTION } from '../../src/engine/world/render';
import { packRollout, pickRows, sampleRollout } from '../../src/engine/ppo/rollout';
import { roughen } from '../helpers/model';

beforeAll(async () => {
  await initBackend({ preferred: 'wasm', wasmPaths: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
});

describe('sampleRollout', () => {
  it('gives each prompt numGenerations rows, and log-probs and entropy equal to a full forward pass', async () => {
    const policy = createModel(makeConfig('tiny', VOCAB.length), { seed: 3 });
    roughen(policy, 5); // logits far from uniform, so a mismatch would show
    const before = tf.memory().numTensors;
    const ro = await sampleRollout(policy, drawPrompts(3, 7), { numGenerations: 2, responseLength: 10, temperature: 0.7, seed: 1, perception: DEFAULT_PERCEPTION });
    expect(ro.b).toBe(6);
    expect(ro.prompts[0]).toBe(ro.prompts[1]);
    expect(ro.images[2]).toBe(ro.images[3]);
    expect(Math.max(...ro.responses.map((r) => r.length))).toBe(ro.r);
    ro.responses.forEach((resp, row) => {
      expect(ro.finished[row]).toBe(resp.at(-1) === policy.config.eosId);
      for (let t = 0; t < ro.r; t++) expect(ro.mask[row * ro.r + t]).toBe(t < resp.length ? 1 : 0);
    });
    const batch = packRollout(policy, ro);
    const full = await computeLogProbs(policy, batch, { temperature: 0.7, entropy: true });
    disposeBatch(batch);
    let worst = 0;
    for (let i = 0; i < ro.b * ro.r; i++) {
      worst = Math.max(worst, Math.abs((ro.logprobs[i] as number) - (full.logprobs[i] as number)), Math.abs((ro.entropy[i] as number) - (full.entropy![i] as number) * (ro.mask[i] as number)));
    }
    expect(worst).toBeLessThan(1e-4);
    expect(ro.logprobs.some((x) => x < -0.5)).toBe(true); // not trivially zero
    expect(tf.memory().numTensors).toBe(before);
    policy.dispose();
  });

  it('lays out rows of a per-token array for a narrower minibatch', () => {
    const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]); // [3, 3]
    expect(Array.from(pickRows(x, 3, [2, 0], 2))).toEqual([7, 8, 1, 2]);
    expect(Array.from(pickRows(x, 3, [1], 4))).toEqual([4, 5, 6, 0]);
  });
});
