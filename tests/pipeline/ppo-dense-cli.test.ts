// `ppo --reward dense` as a user runs it, on a tiny policy and a tiny sentence Fact-RM made here:
// a short run writes one metrics line per step; the sentence reward model is refused for any other
// reward, and a pairwise reward model for the dense one, each with a message saying what is wrong.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend';
import { makeConfig } from '../../src/engine/model/config';
import { createModel } from '../../src/engine/model/model';
import { VOCAB } from '../../src/engine/language/vocab';
import { createRewardModel } from '../../src/engine/reward/train-run';
import { saveModelDir } from '../../src/cli/model-files';
import { cli, lastJson, lines } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'rlhf-ppo-dense-cli-'));
const POLICY = join(dir, 'policy');
const SRM = join(dir, 'srm');
const RM = join(dir, 'rm');
const TINY = ['--batch-size', '4', '--mini-batch-size', '2', '--response-length', '8', '--gold-every', '0'];
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  await initBackend({ preferred: 'wasm', wasmPaths: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
  const policy = createModel(makeConfig('tiny', VOCAB.length), { seed: 4 });
  await saveModelDir(policy, POLICY, { recipe: 'tiny-test' });
  const rm = createRewardModel(policy);
  // As train-rm --dense --fact records a sentence Fact-RM, and train-rm a pairwise one.
  await saveModelDir(rm, SRM, { role: 'reward-model', rewardModel: { kind: 'dense', fact: true, readout: 'sentence' } });
  await saveModelDir(rm, RM, { role: 'reward-model', rewardModel: { fact: true, readout: 'last' } });
  rm.dispose();
  policy.dispose();
});

describe('ppo --reward dense', () => {
  it('runs with a sentence reward model and writes a metrics line per step', () => {
    const out = join(dir, 'out');
    const r = cli('ppo', '--policy', POLICY, '--reward', 'dense', '--rm', SRM, '--sentence-reward-weight', '2', '--steps', '2', '--out', out, ...TINY);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('reward dense');
    expect(lastJson(r.stdout)).toMatchObject({ steps: 2 });
    const rows = lines(readFileSync(join(out, 'metrics.jsonl'), 'utf8')).map((l) => JSON.parse(l) as Record<string, number>);
    expect(rows.map((m) => m.step)).toEqual([1, 2]);
    for (const m of rows) {
      expect(Math.abs(m['objective/base_score']!), 'base score within the weight a sentence').toBeLessThan(2 * 8);
      expect(Number.isFinite(m['objective/scores'])).toBe(true);
    }
    expect(existsSync(join(out, 'model.json'))).toBe(true);
  });

  it('refuses a sentence reward model for another reward, and a pairwise one for dense, saying why', () => {
    const plain = cli('ppo', '--policy', POLICY, '--reward', 'fact', '--rm', SRM, '--steps', '1', '--out', join(dir, 'no1'), ...TINY);
    expect(plain.code).not.toBe(0);
    expect(plain.stderr).toContain('is a sentence reward model (train-rm --dense)');
    expect(plain.stderr).toContain('only --reward dense reads it (the reward here is fact)');
    const dense = cli('ppo', '--policy', POLICY, '--reward', 'dense', '--rm', RM, '--steps', '1', '--out', join(dir, 'no2'), ...TINY);
    expect(dense.code).not.toBe(0);
    expect(dense.stderr).toContain('the dense reward needs a sentence reward model (train-rm --dense)');
  });
});
