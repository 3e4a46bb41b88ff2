// `ppo` and `perf ppo` run as a user runs them, on a tiny policy and a tiny Fact-RM made here:
// a short run writes a checkpoint that loads and one metrics line per step (gold figures at the
// start and every N steps); the gold reward needs no RM; the RM's labels normalise its scores,
// or the policy's own samples do when there are none; bad settings are usage errors naming the flag.
import { ppoAlarms } from '../../src/engine/ppo/alarms';
import type { MetricRow } from '../../src/engine/ppo/run-record';
import { spawnSync } from 'node:child_process';
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

const ROOT = join(import.meta.dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const dir = mkdtempSync(join(tmpdir(), 'rlhf-ppo-cli-'));
const POLICY = join(dir, 'policy');
const RM = join(dir, 'fact-rm');
const PREFS = join(dir, 'prefs.jsonl');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]) {
  const r = spawnSync(TSX, ['src/cli/main.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');
const lastJson = (text: string) => JSON.parse(lines(text).at(-1)!) as Record<string, unknown>;
const TINY = ['--batch-size', '4', '--mini-batch-size', '2', '--response-length', '6', '--gold-probe-size', '8'];

beforeAll(async () => {
  await initBackend({ preferred: 'wasm', wasmPaths: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
  const policy = createModel(makeConfig('tiny', VOCAB.length), { seed: 4 });
  await saveModelDir(policy, POLICY, { recipe: 'tiny-test' });
  const rng = new Rng(2);
  const pairs = Array.from({ length: 12 }, () => {
    const scene = sampleScene(trainSeed(rng));
    return { scene, image: { perception: { ...DEFAULT_PERCEPTION }, noiseSeed: rng.int(2 ** 31) }, question: 'is it day or night ?', responseA: `it is ${scene.background} .`, responseB: 'there is a red circle .', source: 'policy' as const };
  });
  writeFileSync(PREFS, exportNative(annotatePairs(pairs, simulatedLabeller('careful', ANNOTATOR_PRESETS.careful, 1), 'tiny-test@0', '2025-01-01T00:00:00.000Z')));
  const rm = createRewardModel(policy);
  // As train-rm records it: measured on 4 decided held-out pairs, half right (a coin toss).
  await saveModelDir(rm, RM, { role: 'reward-model', rewardModel: { fact: true, readout: 'last' }, prefs: PREFS, result: { heldOutAccuracy: 0.5, pairs: { heldOutDecided: 4 } } });
  rm.dispose();
  policy.dispose();
});

describe('ppo', () => {
  it('runs a preset, writes a checkpoint that loads and one metrics line per step, and ends with a summary', () => {
    const out = join(dir, 'run');
    const r = cli('ppo', '--policy', POLICY, '--rm', RM, '--preset', 'fact-rlhf', '--steps', '3', '--gold-every', '2', ...TINY, '--kl-coef', '0.2', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`on 12 training pairs (${PREFS})`);
    const s = lastJson(r.stdout);
    expect(s).toMatchObject({ out, preset: 'fact-rlhf', steps: 3 });
    expect((s.last as Record<string, number>)['objective/kl_coef']).toBe(0.2);
    expect(s.goldStart).toHaveProperty('gold/hallucination_rate');
    // The probes include existence questions: the share answered yes.
    const yes = (s.goldStart as Record<string, number>)['gold/yes_ratio'] as number;
    expect(yes >= 0 && yes <= 1).toBe(true);
    const metrics = lines(readFileSync(join(out, 'metrics.jsonl'), 'utf8')).map((l) => JSON.parse(l) as Record<string, number>);
    expect(metrics.map((m) => m.step)).toEqual([0, 1, 2, 3]);
    expect(metrics.filter((m) => m['gold/score'] !== undefined).map((m) => m.step)).toEqual([0, 2]);
    for (const m of metrics.slice(1)) for (const k of ['objective/scores', 'objective/kl', 'policy/clipfrac_avg', 'loss/value_avg', 'tokens/responses_len_mean']) expect(Number.isFinite(m[k]), k).toBe(true);
    // The summary carries the alarms its own metrics raise (no trend yet: two gold points are none),
    // and the reward model's: 50% on 4 held-out pairs cannot be told from a coin.
    const rm = { name: 'the Fact-RM', accuracy: 0.5, decided: 4 };
    expect(s.alarms).toEqual(ppoAlarms(metrics as MetricRow[], rm).map(({ id, step, text }) => ({ id, step, text })));
    expect((s.alarms as { id: string }[]).map((a) => a.id)).toEqual(['rm-chance']);
    expect(r.stderr).toContain('ppo: alarm from step 0: The reward is close to a coin toss: the Fact-RM ranks 50% of 4 held-out pairs');
    const { model, manifest } = loadModelDir(out);
    expect(model.version).toMatch(/^ppo-fact-rlhf@[0-9a-f]{8}$/);
    expect(manifest.metadata).toMatchObject({ role: 'policy', ppo: { preset: 'fact-rlhf', steps: 3 } });
    model.dispose();
  });

  it('runs GRPO on the gold reward without a reward model', () => {
    const out = join(dir, 'gold');
    const r = cli('ppo', '--policy', POLICY, '--preset', 'gold-reward', '--advantage-estimator', 'grpo', '--num-generations', '2', '--steps', '2', '--gold-every', '0', ...TINY, '--out', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    const out1 = lines(r.stdout);
    expect(out1).toHaveLength(3); // two steps, then the summary
    expect(JSON.parse(out1[0]!)).toMatchObject({ step: 1 });
    expect(JSON.parse(out1[0]!)['loss/value_avg']).toBeUndefined(); // no value model
    expect(existsSync(join(out, 'model.json'))).toBe(true);
  });

  it('normalises on the policy\'s own samples when the RM\'s labels are not at hand', () => {
    const r = cli('ppo', '--policy', POLICY, '--rm', RM, '--prefs', join(dir, 'missing.jsonl'), '--steps', '1', '--gold-every', '0', ...TINY, '--out', join(dir, 'nolabels'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('scores normalised on 64 policy samples instead');
  });

  it('makes bad settings usage errors that name the flag', () => {
    const noRm = cli('ppo', '--policy', POLICY, '--preset', 'fact-rlhf', '--out', join(dir, 'never'));
    expect(noRm.code).toBe(2);
    expect(noRm.stderr).toContain('--rm is required for the fact reward');
    const wrongRm = cli('ppo', '--policy', POLICY, '--rm', RM, '--preset', 'plain-rlhf', '--out', join(dir, 'never'));
    expect(wrongRm.code).toBe(2);
    expect(wrongRm.stderr).toContain('needs a plain reward model');
    const bad = cli('ppo', '--policy', POLICY, '--rm', RM, '--cliprange', '0', '--out', join(dir, 'never'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--cliprange must be');
    const sizes = cli('ppo', '--policy', POLICY, '--rm', RM, '--preset', 'rloo', '--batch-size', '6', '--out', join(dir, 'never'));
    expect(sizes.code).toBe(2);
    expect(sizes.stderr).toContain('ppo: --batch-size must be a multiple of numGenerations (4)');
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });
});

describe('perf ppo', () => {
  it('prints one JSON object with msPerStep, phases and the shape in the PyTorch reference\'s terms', () => {
    const r = cli('perf', 'ppo', '--model', 'tiny', '--repeats', '1', '--json');
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as { msPerStep: number; phases: Record<string, number>; config: Record<string, number>; tokensPerSec: number };
    expect(s.msPerStep).toBeGreaterThan(0);
    expect(Object.keys(s.phases).sort()).toEqual(['advantages', 'forward', 'rewards', 'rollout', 'update']);
    expect(s.config).toMatchObject({ dModel: 32, nLayers: 2, nHeads: 2, dFF: 64, vocabSize: VOCAB.length, batch: 32, newTokens: 32, ppoEpochs: 2, minibatch: 16 });
    expect(s.config.promptLen).toBeGreaterThan(3);
    expect(s.config.factsLen).toBeGreaterThan(5);
    expect(s.tokensPerSec).toBeGreaterThan(0);
  });

  it('--profile --json adds the profiled step\'s kernels by phase; the text prints them and the shape', () => {
    const j = cli('perf', 'ppo', '--model', 'tiny', '--repeats', '1', '--profile', '--json');
    expect(j.code, j.stderr).toBe(0);
    type Kernels = { kernels: number; kernelMs: number; matMulMs: number; otherMs: number; wallMs: number; top: { name: string; count: number; ms: number }[] };
    const { profile } = JSON.parse(j.stdout) as { profile: { phases: Record<string, Kernels>; step: Kernels; trivialKernelUs: number } };
    expect(Object.keys(profile.phases).sort()).toEqual(['advantages', 'forward', 'rewards', 'rollout', 'update']);
    expect(Object.values(profile.phases).reduce((n, p) => n + p.kernels, 0)).toBe(profile.step.kernels);
    expect(profile.phases.update!.top[0]!.count).toBeGreaterThan(0);
    expect(profile.trivialKernelUs).toBeGreaterThan(0);

    const t = cli('perf', 'ppo', '--model', 'tiny', '--repeats', '1', '--profile');
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toMatch(/The shape, for a PyTorch reference step: dModel 32, layers 2, heads 2, dFF 64, vocab \d+, batch 32, response tokens 32, prompt tokens \d+ \(\+\d+ facts\), epochs 2, minibatch 16/);
    expect(t.stdout).toContain('profiled times run slower than the figures above');
    for (const phase of ['rollout', 'log-probs and values', 'rewards', 'update', 'step']) expect(t.stdout).toMatch(new RegExp(`\\n  ${phase}: \\d+ kernels, \\d+ ms in kernels \\(matMul-like \\d+, other \\d+\\)`));
    expect(t.stdout).toMatch(/top: \S+ [\d.]+ ms ×\d+/);
  });

  it('--reference runs a command with the step\'s shape appended and prints the ratio to its median total', () => {
    // A stand-in reference: it reports the flags it was given, and a total of 50 ms.
    const ref = join(dir, 'reference.cjs');
    writeFileSync(ref, "console.log('warming up'); console.log(JSON.stringify({ argv: process.argv.slice(2), ms_median: { sample: 10, score: 12, advantage: 1, update: 27, total: 50 } }));\n");
    const j = cli('perf', 'ppo', '--model', 'tiny', '--repeats', '1', '--reference', `node ${ref}`, '--json');
    expect(j.code, j.stderr).toBe(0);
    const s = JSON.parse(j.stdout) as { msPerStep: number; config: { promptLen: number; factsLen: number }; reference: { command: string; msMedian: Record<string, number>; ratio: number } };
    expect(s.reference.msMedian).toEqual({ sample: 10, score: 12, advantage: 1, update: 27, total: 50 });
    expect(s.reference.ratio).toBeCloseTo(s.msPerStep / 50, 9);
    expect(s.reference.command).toBe(`node ${ref} --threads 1 --d 32 --layers 2 --heads 2 --ff 64 --vocab ${VOCAB.length} --batch 32 --new 32 --prompt ${s.config.promptLen} --facts ${s.config.factsLen} --epochs 2 --minibatch 16`);

    const t = cli('perf', 'ppo', '--model', 'tiny', '--repeats', '1', '--reference', `node ${ref}`);
    expect(t.code, t.stderr).toBe(0);
    const step = Number(/total: +(\d+) ms per step/.exec(t.stdout)![1]);
    expect(t.stdout).toMatch(/\n {2}update +\d+ ms +27 ms +[\d.]+×\n {2}step +\d+ ms +50 ms +[\d.]+×\n/);
    const said = /a step here takes ([\d.]+)× the reference's \((\d+) ms against 50 ms\)/.exec(t.stdout);
    expect(Number(said![2])).toBe(step);
    expect(Math.abs(Number(said![1]) - step / 50)).toBeLessThanOrEqual(0.5 / 50 + 0.005); // the step is printed rounded
  });

  it('--reference that fails or prints no figures is a usage error that says so', () => {
    const bad = join(dir, 'no-figures.cjs');
    writeFileSync(bad, "console.log('done');\n");
    const none = cli('perf', 'ppo', '--model', 'tiny', '--repeats', '1', '--reference', `node ${bad}`);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`printed no JSON line with ms_median.sample (its last line: "done")`);
    const fail = join(dir, 'failing.cjs');
    writeFileSync(fail, "console.error('No module named torch'); process.exit(3);\n");
    const failing = cli('perf', 'ppo', '--model', 'tiny', '--repeats', '1', '--reference', `node ${fail}`);
    expect(failing.code).toBe(2);
    expect(failing.stderr).toContain('exited with 3: No module named torch');
  });
});
