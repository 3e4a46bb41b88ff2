// The preference and reward-model commands, run as a user runs them, on a tiny policy made here:
// label (with a TRL set), prefs (a TRL set back into its store), train-rm (its last line),
// probe, a small rm-bench, help and a usage error.
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, lines, lastJson } from '../helpers/cli';
import { initBackend } from '../../src/engine/backend';
import { makeConfig } from '../../src/engine/model/config';
import { createModel } from '../../src/engine/model/model';
import { VOCAB } from '../../src/engine/language/vocab';
import { Rng } from '../../src/engine/world/rng';
import { sampleScene, trainSeed } from '../../src/engine/world/sampler';
import { DEFAULT_PERCEPTION } from '../../src/engine/world/render';
import { ANNOTATOR_PRESETS } from '../../src/engine/prefs/annotator';
import { annotatePairs, simulatedLabeller } from '../../src/engine/prefs/label';
import { exportNative, importNative } from '../../src/engine/prefs/native';
import { saveModelDir } from '../../src/cli/model-files';

const dir = mkdtempSync(join(tmpdir(), 'rlhf-rm-cli-'));
const POLICY = join(dir, 'policy');
afterAll(() => rmSync(dir, { recursive: true, force: true }));


/** Careful labels on environment pairs ("it is day ." vs "it is night ."), which even an untrained encoder can tell apart. */
function envPrefs(n: number, seed: number): string {
  const rng = new Rng(seed);
  const pairs = Array.from({ length: n }, () => {
    const scene = sampleScene(trainSeed(rng));
    const right = `it is ${scene.background} .`;
    const wrong = `it is ${scene.background === 'day' ? 'night' : 'day'} .`;
    const [responseA, responseB] = rng.chance(0.5) ? [right, wrong] : [wrong, right];
    return { scene, image: { perception: { ...DEFAULT_PERCEPTION }, noiseSeed: rng.int(2 ** 31) }, question: 'is it day or night ?', responseA, responseB, source: 'policy' as const };
  });
  return exportNative(annotatePairs(pairs, simulatedLabeller('careful', ANNOTATOR_PRESETS.careful, 1), 'tiny-test@0', '2025-01-01T00:00:00.000Z'));
}

beforeAll(async () => {
  await initBackend({ preferred: 'wasm', wasmPaths: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
  const policy = createModel(makeConfig('tiny', VOCAB.length), { seed: 4 });
  await saveModelDir(policy, POLICY, { recipe: 'tiny-test' });
  policy.dispose();
  writeFileSync(join(dir, 'env.jsonl'), envPrefs(160, 2));
  appendFileSync(join(dir, 'env.jsonl'), '{"format": "rlhf-playground/preference", "version": 1, "label": "A"}\n');
});

describe('label', () => {
  const out = join(dir, 'prefs.jsonl');
  const trl = join(dir, 'trl');
  let r: ReturnType<typeof cli>;
  beforeAll(() => {
    r = cli('label', '--policy', POLICY, '--annotator', 'careful', '--n', '6', '--seed', '1', '--out', out, '--mix', '0.5', '--trl', trl);
  });

  it('writes N valid, distinct pairs and ends with a JSON summary', () => {
    expect(r.code, r.stderr).toBe(0);
    const res = importNative(readFileSync(out, 'utf8'));
    expect(res.problems).toEqual([]);
    expect(res.records).toHaveLength(6);
    for (const rec of res.records) {
      expect(rec.responseA).not.toBe(rec.responseB);
      expect(rec.labelledBy).toMatchObject({ kind: 'simulated', name: 'careful', seed: 1, settings: ANNOTATOR_PRESETS.careful });
      expect(rec.policyVersion).toMatch(/^tiny-test@[0-9a-f]{8}$/);
    }
    expect(res.records.some((x) => x.source === 'perturbed')).toBe(true);
    const summary = lastJson(r.stdout);
    expect(summary).toMatchObject({ out, added: 6, annotator: 'careful' });
    expect(summary.pairsPerSecond).toHaveProperty('annotator');
    expect(existsSync(join(trl, 'train.jsonl'))).toBe(true);
    expect(readFileSync(join(trl, 'README.md'), 'utf8')).toContain('load_dataset');
  });

  it('renders the pairs with the perception flags, and names a bad one', () => {
    const noisy = join(dir, 'noisy.jsonl');
    const n = cli('label', '--policy', POLICY, '--n', '2', '--seed', '3', '--out', noisy, '--noise', '40', '--blur', '2', '--small', '0.3');
    expect(n.code, n.stderr).toBe(0);
    for (const rec of importNative(readFileSync(noisy, 'utf8')).records) expect(rec.image.perception).toEqual({ noise: 40, blur: 2, resolution: 48, smallScale: 0.3 });
    const bad = cli('label', '--policy', POLICY, '--n', '2', '--out', join(dir, 'never.jsonl'), '--blur', '3');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('label: --blur must be 0, 1 or 2, got 3');
    expect(existsSync(join(dir, 'never.jsonl'))).toBe(false);
  });

  it('refuses to overwrite a file without --append', () => {
    const again = cli('label', '--policy', POLICY, '--n', '2', '--out', out);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--append');
  });

  it('prefs: a TRL set imports back into the store it came from without adding anything', () => {
    const store = join(dir, 'store.jsonl');
    writeFileSync(store, readFileSync(out, 'utf8'));
    const back = cli('prefs', '--from-trl', trl, '--into', store);
    expect(back.code, back.stderr).toBe(0);
    expect(lastJson(back.stdout)).toMatchObject({ added: 0, badLines: 0 });
    expect(lines(readFileSync(store, 'utf8'))).toHaveLength(6);
  });
});

describe('train-rm and probe', () => {
  const rm = join(dir, 'rm');
  let r: ReturnType<typeof cli>;
  beforeAll(() => {
    r = cli('train-rm', '--prefs', join(dir, 'env.jsonl'), '--policy', POLICY, '--out', rm, '--epochs', '1', '--min-steps', '60', '--lr', '3e-3', '--probe-n', '4');
  });

  it('reports the bad line, trains, saves, and ends with heldOutAccuracy, probeAccuracy and the pair counts', () => {
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`${join(dir, 'env.jsonl')}:161:`);
    const s = lastJson(r.stdout);
    expect(s.heldOutAccuracy as number).toBeGreaterThanOrEqual(0.8);
    expect(typeof s.probeAccuracy).toBe('number');
    expect(s.pairs).toMatchObject({ total: 160, skippedLines: 1 });
    const p = s.pairs as { train: number; heldOut: number };
    expect(p.train + p.heldOut).toBe(160);
    expect(s.ceiling).toMatchObject({ accuracyCeiling: 1 });
    expect(existsSync(join(rm, 'model.json'))).toBe(true);
  });

  it('wrote a metrics line per step under the Trainer\'s names, held-out figures where it evaluated', () => {
    const rows = lines(readFileSync(join(rm, 'metrics.jsonl'), 'utf8')).map((l) => JSON.parse(l) as Record<string, number>);
    const steps = lastJson(r.stdout).steps as number;
    expect(rows.map((m) => m.step)).toEqual(Array.from({ length: steps }, (_, i) => i + 1));
    for (const m of rows) for (const k of ['loss', 'grad_norm', 'learning_rate', 'epoch']) expect(Number.isFinite(m[k]), k).toBe(true);
    // 60 steps: held out every 12 (a fifth of the run), the last step's figures are the summary's.
    expect(rows.filter((m) => m.eval_accuracy !== undefined).map((m) => m.step)).toEqual([12, 24, 36, 48]);
  });

  it('probe prints the variants, the win rates and a JSON line', () => {
    const p = cli('probe', '--rm', rm, '--seed', '2', '--n', '4');
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout).toContain('long hallucinated');
    expect(p.stdout).toContain('short correct > long hallucinated');
    const s = lastJson(p.stdout);
    expect(s).toMatchObject({ fact: false, seed: 2, n: 4 });
    expect(typeof s.probeAccuracy).toBe('number');
  });
});

describe('rm-bench and help', () => {
  it('runs at a tiny scale and prints the table and a JSON line', () => {
    const b = cli('rm-bench', '--policy', POLICY, '--sizes', '4,8', '--seeds', '1', '--held-out', '4', '--probe-n', '2', '--min-steps', '1', '--epochs', '1', '--readout', 'sum', '--noise', '30');
    expect(b.code, b.stderr).toBe(0);
    expect(b.stderr).toContain('score read at sum');
    expect(b.stdout).toContain('held-out accuracy');
    expect(b.stdout).toContain('pairs/s by the simulated annotator');
    const s = lastJson(b.stdout);
    expect((s.rows as unknown[]).length).toBe(4);
    expect((s.summary as unknown[]).length).toBe(4);
    expect(s.readout).toBe('sum');
    expect(b.stdout).toContain('short correct > unsure');
    const first = (s.summary as { probes: Record<string, number> }[])[0]!;
    const row = (s.rows as { size: number; kind: string; probe: Record<string, number> }[]).find((r) => r.size === 4 && r.kind === 'plain')!;
    expect(first.probes).toEqual(row.probe); // one seed: the mean is that seed's value
    expect(s.perception).toEqual({ ...DEFAULT_PERCEPTION, noise: 30 });
    expect(b.stderr).toContain('images at noise 30, blur 1, resolution 48, small 0.4');
  });

  it('refuses an unknown --readout, naming the flag and the choices', () => {
    const b = cli('train-rm', '--prefs', join(dir, 'env.jsonl'), '--out', join(dir, 'never'), '--readout', 'mean');
    expect(b.code).not.toBe(0);
    expect(b.stderr).toContain('train-rm: --readout must be last or sum, got "mean"');
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });

  it('train-rm --help lists its flags', () => {
    const h = cli('train-rm', '--help');
    expect(h.code).toBe(0);
    for (const f of ['--prefs', '--fact', '--out', '--policy', '--held-out', '--tie-weight', '--both-bad-weight']) expect(h.stdout).toContain(f);
  });
});
