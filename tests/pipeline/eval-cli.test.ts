// `evaluate`, `bon` and `dpo` run as a user runs them, on a tiny policy and a tiny reward model made
// here: evaluate reports each policy side by side; bon prints one object with a row per n (the KL by
// formula) and the RL curve of a PPO metrics file; dpo writes a policy that loads and its metrics;
// bad settings are usage errors naming the flag.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend';
import { makeConfig } from '../../src/engine/model/config';
import { createModel } from '../../src/engine/model/model';
import { VOCAB } from '../../src/engine/language/vocab';
import { Rng } from '../../src/engine/world/rng';
import { sampleScene, trainSeed } from '../../src/engine/world/sampler';
import { DEFAULT_PERCEPTION } from '../../src/engine/world/render';
import { ANNOTATOR_PRESETS } from '../../src/engine/prefs/annotator';
import { annotatePairs, simulatedLabeller } from '../../src/engine/prefs/label';
import { exportNative } from '../../src/engine/prefs/native';
import { createRewardModel } from '../../src/engine/reward/train-run';
import { saveModelDir, loadModelDir } from '../../src/cli/model-files';
import { cli, lastJson, lines } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'rlhf-eval-cli-'));
const POLICY = join(dir, 'policy');
const RM = join(dir, 'rm');
const PREFS = join(dir, 'prefs.jsonl');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  await initBackend({ preferred: 'wasm', wasmPaths: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
  const policy = createModel(makeConfig('tiny', VOCAB.length), { seed: 4 });
  await saveModelDir(policy, POLICY, { recipe: 'tiny-test' });
  const rng = new Rng(2);
  const pairs = Array.from({ length: 24 }, () => {
    const scene = sampleScene(trainSeed(rng));
    return { scene, image: { perception: { ...DEFAULT_PERCEPTION }, noiseSeed: rng.int(2 ** 31) }, question: 'is it day or night ?', responseA: `it is ${scene.background} .`, responseB: 'there is a red circle .', source: 'policy' as const };
  });
  writeFileSync(PREFS, exportNative(annotatePairs(pairs, simulatedLabeller('careful', ANNOTATOR_PRESETS.careful, 1), 'tiny-test@0', '2025-01-01T00:00:00.000Z')));
  const rm = createRewardModel(policy);
  await saveModelDir(rm, RM, { role: 'reward-model', rewardModel: { fact: false, readout: 'last' }, prefs: PREFS });
  rm.dispose();
  policy.dispose();
});

describe('evaluate', () => {
  it('reports every policy given, side by side, in one JSON object', () => {
    const r = cli('evaluate', '--policy', `${POLICY},${POLICY}`, '--json', '--quiet');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { policies: { policy: string; version: string; report: { shapesHal: { n: number; score: number } } }[] };
    expect(out.policies.map((p) => p.policy)).toEqual([POLICY, POLICY]);
    expect(out.policies[0]!.report.shapesHal.n).toBe(96);
    expect(out.policies[0]!.report).toEqual(out.policies[1]!.report); // greedy: the same answers
    const table = cli('evaluate', '--policy', POLICY, '--quiet');
    expect(table.stdout).toContain('ShapesHal hallucination');
  });
});

describe('bon', () => {
  it('prints {"rows": [{n, rmScore, goldScore, hallucinationRate, kl}]}, normalised on the RM\'s labels', () => {
    const r = cli('bon', '--policy', POLICY, '--rm', RM, '--n', '1,2,4', '--max-new-tokens', '6', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`on 24 training pairs (${PREFS})`);
    const out = JSON.parse(r.stdout) as { rows: Record<string, number>[]; sweeps: { fit: unknown }[]; prompts: number };
    expect(out.rows.map((row) => Object.keys(row).sort())).toEqual(Array(3).fill(['goldScore', 'hallucinationRate', 'kl', 'n', 'rmScore']));
    expect(out.rows.map((row) => row.n)).toEqual([1, 2, 4]);
    expect(out.rows.map((row) => row.kl)).toEqual([0, 0.1931, 0.6363]);
    expect(out.rows[2]!.rmScore).toBeGreaterThanOrEqual(out.rows[0]!.rmScore!);
    expect(out.prompts).toBe(96);
    expect(out.sweeps[0]!.fit).toHaveProperty('alpha');
  });

  it("fits the RL form to a PPO run's metrics.jsonl without sampling", () => {
    const file = join(dir, 'metrics.jsonl');
    writeFileSync(file, [
      { step: 0, 'gold/score': 1 }, { step: 1, 'objective/kl': 0, 'objective/base_score': 0 },
      { step: 2, 'objective/kl': 1, 'gold/score': 2 }, { step: 3, 'objective/kl': 1 },
      { step: 4, 'objective/kl': 2, 'gold/score': 2.4 }, { step: 5, 'objective/kl': 4 },
      { step: 6, 'objective/kl': 6, 'gold/score': 2.2 }, { step: 7, 'objective/kl': 9 },
    ].map((l) => JSON.stringify(l)).join('\n'));
    const r = cli('bon', '--ppo-metrics', file, '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { rows: unknown[]; ppo: { points: { d: number; gold: number }[]; fit: { form: string; baseline: number } }[] };
    expect(out.rows).toEqual([]);
    expect(out.ppo[0]!.points.map((p) => p.d)).toEqual([0, 1, 2, 3]);
    expect(out.ppo[0]!.fit).toMatchObject({ form: 'rl', baseline: 1 });
  });

  it('names a bad flag', () => {
    expect(cli('bon', '--rm', RM, '--n', '4,2').stderr).toContain('bon: --n must be ascending without repeats');
    expect(cli('bon', '--rm', RM, '--n', '1,8', '--samples', '4').stderr).toContain('bon: --samples must be at least the largest n (8)');
    const none = cli('bon');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('give --rm DIR');
  });
});

describe('dpo', () => {
  it('tunes a policy on the labels, writes it and one metrics line per step, and ends with a summary', () => {
    const out = join(dir, 'dpo');
    const r = cli('dpo', '--policy', POLICY, '--prefs', PREFS, '--out', out, '--min-steps', '4', '--epochs', '0.1', '--batch', '4', '--gold-every', '2', '--gold-probe-size', '8', '--kl-prompts', '4', '--quiet');
    expect(r.code, r.stderr).toBe(0);
    const s = lastJson(r.stdout);
    expect(s).toMatchObject({ out, steps: 4, stopped: false });
    expect(s.goldStart).toHaveProperty('gold/hallucination_rate');
    const metrics = lines(readFileSync(join(out, 'metrics.jsonl'), 'utf8')).map((l) => JSON.parse(l) as Record<string, number>);
    expect(metrics.map((m) => m.step)).toEqual([0, 1, 2, 3, 4]);
    expect(metrics.filter((m) => m['gold/score'] !== undefined).map((m) => m.step)).toEqual([0, 2, 4]);
    expect(metrics[1]!.loss).toBeCloseTo(Math.log(2), 3);
    for (const m of metrics.slice(1)) for (const k of ['loss', 'grad_norm', 'learning_rate', 'epoch', 'rewards/accuracies', 'rewards/margins', 'logps/chosen']) expect(Number.isFinite(m[k]), k).toBe(true);
    expect(existsSync(join(out, 'weights.bin'))).toBe(true);
    const { model, manifest } = loadModelDir(out);
    expect(model.version).toMatch(/^dpo@[0-9a-f]{8}$/);
    expect(manifest.metadata).toMatchObject({ role: 'policy', dpo: { config: { beta: 0.1 } } });
    model.dispose();
  });

  it('names a bad flag, and needs its labels', () => {
    const bad = cli('dpo', '--in', PREFS, '--out', join(dir, 'x'), '--beta', '0');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('dpo: --beta must be a number above 0 and at most 100');
    expect(cli('dpo', '--out', join(dir, 'x')).stderr).toContain('dpo: --in is required');
  });
});
