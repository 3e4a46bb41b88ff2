// The shipped policies opened without this project: their model.safetensors, config.json and
// vocab.json are what export-checkpoint writes from their weights, and numpy alone
// (scripts/checkpoint_logits.py) gives the engine's logits within 1e-4 and the same greedy answer.
// Needs python3 with numpy (Debian: python3-numpy); without it the test fails and says so.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, ROOT } from '../helpers/cli';
import { readArtifacts } from '../../src/cli/model-files';
import { encodeCheckpointFile } from '../../src/engine/model/checkpoint-file';

const dir = mkdtempSync(join(tmpdir(), 'rlhf-ckpt-numpy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SHIPPED = ['sft', 'sft-plus'];
const SIDE_FILES = ['model.safetensors', 'config.json', 'vocab.json'];

interface Answer {
  prompt: number[];
  tokens: number[];
  answer: string;
  logits: number[][];
}

/** Why numpy cannot run here, or null when python3 imports it. */
function numpyMissing(): string | null {
  const r = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
  if (r.error) return `python3 is not installed (${r.error.message})`;
  if (r.status !== 0) return `python3 cannot import numpy (${r.stderr.trim().split('\n').at(-1) ?? ''})`;
  return null;
}

describe('shipped side files', () => {
  it.each(SHIPPED)('models/%s holds the side files export-checkpoint writes from its weights, byte for byte', (name) => {
    const out = join(dir, `export-${name}`);
    const r = cli('export-checkpoint', '--policy', `models/${name}`, '--out', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ tensors: 47, weightBytes: 1_657_928 });
    for (const f of SIDE_FILES) expect(readFileSync(join(out, f)).equals(readFileSync(join(ROOT, 'models', name, f))), `models/${name}/${f} is stale: re-run export-checkpoint`).toBe(true);
  });

  it("turns the page's .ckpt file of a shipped policy into the whole folder, the same weights in both layouts", () => {
    const file = join(dir, 'sft.ckpt');
    writeFileSync(file, encodeCheckpointFile(readArtifacts(join(ROOT, 'models', 'sft'))));
    const out = join(dir, 'from-ckpt');
    expect(cli('export-checkpoint', '--policy', file).stderr).toContain('is a file; name the folder to write with --out');
    const r = cli('export-checkpoint', '--policy', file, '--out', out, '--quiet');
    expect(r.code, r.stderr).toBe(0);
    for (const f of ['weights.bin', ...SIDE_FILES]) expect(readFileSync(join(out, f)).equals(readFileSync(join(ROOT, 'models', 'sft', f))), f).toBe(true);
    const bad = cli('export-checkpoint', '--policy', join(ROOT, 'models', 'README.md'), '--out', out);
    expect(bad.stderr).toContain('models/README.md: not an RLHF Playground checkpoint file (bad magic bytes)');
  });
});

describe('numpy against the engine', () => {
  it.each([
    ['sft', 3, 'is there a red circle ?'],
    ['sft-plus', 11, 'describe the image .'],
  ])('models/%s, scene %i, "%s": the same greedy tokens, logits within 1e-4', (name, seed, question) => {
    const missing = numpyMissing();
    if (missing) throw new Error(`${missing}: this test runs scripts/checkpoint_logits.py, install python3-numpy (apt-get install python3-numpy)`);
    const out = join(dir, `${name}-${seed}`);
    const r = cli('logits', '--policy', `models/${name}`, '--seed', String(seed), '--question', question, '--tokens', '24', '--out', out, '--quiet');
    expect(r.code, r.stderr).toBe(0);
    const py = spawnSync('python3', ['scripts/checkpoint_logits.py', `models/${name}`, '--image', join(out, 'image.npy'), '--question', question, '--tokens', '24', '--out', join(out, 'numpy.json')], { cwd: ROOT, encoding: 'utf8' });
    expect(py.status, py.stderr).toBe(0);

    const engine = JSON.parse(readFileSync(join(out, 'logits.json'), 'utf8')) as Answer;
    const numpy = JSON.parse(readFileSync(join(out, 'numpy.json'), 'utf8')) as Answer;
    expect(numpy.prompt).toEqual(engine.prompt);
    expect(numpy.tokens).toEqual(engine.tokens);
    expect(numpy.answer).toBe(engine.answer);
    expect(engine.tokens.length).toBeGreaterThan(3);
    expect(numpy.logits.length).toBe(engine.logits.length);
    let maxDiff = 0;
    engine.logits.forEach((row, s) => {
      expect(numpy.logits[s]!.length).toBe(row.length);
      row.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - numpy.logits[s]![i]!))));
    });
    expect(maxDiff).toBeLessThan(1e-4);
  });
});
