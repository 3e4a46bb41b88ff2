// The sentence reward model on the command line, as a user runs it on the shipped SFT policy:
// twelve answers marked by the careful marker, `train-rm --dense` for one epoch, a metrics line per
// step, a summary with the held-out sentences and their always-true base rate, and a checkpoint
// whose metadata says it is a sentence reward model, which `probe` (like ppo and bon) refuses.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, lastJson, lines } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'rlhf-dense-rm-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('train-rm --dense', () => {
  const marks = join(dir, 'marks.jsonl');
  const out = join(dir, 'srm');
  let r: ReturnType<typeof cli>;
  beforeAll(() => {
    const l = cli('label', '--mode', 'mark', '--policy', 'models/sft', '--marker', 'careful', '--n', '12', '--seed', '1', '--out', marks);
    expect(l.code, l.stderr).toBe(0);
    r = cli('train-rm', '--dense', '--in', marks, '--policy', 'models/sft', '--out', out, '--epochs', '1', '--min-steps', '3', '--batch-pairs', '4', '--held-out-share', '0.3', '--probe-n', '4');
  });

  it('trains on the marks and ends with the held-out per-sentence accuracy beside always "true"', () => {
    expect(r.code, r.stderr).toBe(0);
    const s = lastJson(r.stdout);
    expect(s).toMatchObject({ dense: true, fact: false, readout: 'sentence', steps: 3 });
    const a = s.answers as { total: number; train: number; heldOut: number };
    expect(a.total).toBe(12);
    expect(a.heldOut).toBeGreaterThan(0);
    expect(s.heldOutSentences as number).toBeGreaterThanOrEqual(a.heldOut);
    for (const k of ['heldOutAccuracy', 'alwaysTrue']) expect(s[k] as number, k).toBeGreaterThanOrEqual(0);
    expect(r.stderr).toMatch(/held-out sentences: accuracy [\d.]+% against [\d.]+% for always "true"/);
  });

  it('wrote a metrics line per step and a checkpoint that says it is a sentence reward model', () => {
    const rows = lines(readFileSync(join(out, 'metrics.jsonl'), 'utf8')).map((l) => JSON.parse(l) as Record<string, number>);
    expect(rows.map((m) => m.step)).toEqual([1, 2, 3]);
    for (const m of rows) for (const k of ['loss', 'grad_norm', 'learning_rate', 'epoch']) expect(Number.isFinite(m[k]), k).toBe(true);
    const model = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')) as { userDefinedMetadata: { rlhfPlayground: { metadata: Record<string, unknown> } } };
    const meta = model.userDefinedMetadata.rlhfPlayground.metadata;
    expect(meta.role).toBe('reward-model');
    expect(meta.rewardModel).toEqual({ kind: 'dense', fact: false, readout: 'sentence' });
    expect(meta.command).toContain('train-rm --dense');
  });

  it('is refused where one score per answer is wanted', () => {
    const p = cli('probe', '--rm', out, '--n', '2');
    expect(p.code).not.toBe(0);
    expect(p.stderr).toContain('is a sentence reward model (train-rm --dense)');
  });
});
