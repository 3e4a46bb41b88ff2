// `dpo --marks` run as a user runs it, on a tiny policy and marks made here: dense DPO writes a
// policy that loads (version ddpo@…, the dense config in its metadata, the dense β by default) and
// the same metrics lines as plain DPO; --in and --marks exclude each other, and the flags of the
// other job are refused by name.
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
import { makeMark } from '../../src/engine/prefs/mark';
import { exportMarks } from '../../src/engine/prefs/mark-file';
import { DENSE_DPO_DEFAULTS } from '../../src/engine/dpo/config';
import { saveModelDir, loadModelDir } from '../../src/cli/model-files';
import { cli, lastJson, lines } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'rlhf-ddpo-cli-'));
const POLICY = join(dir, 'policy');
const MARKS = join(dir, 'marks.jsonl');
const UNMARKED = join(dir, 'unmarked.jsonl');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  await initBackend({ preferred: 'wasm', wasmPaths: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
  const policy = createModel(makeConfig('tiny', VOCAB.length), { seed: 4 });
  await saveModelDir(policy, POLICY, { recipe: 'tiny-test' });
  policy.dispose();
  const rng = new Rng(3);
  const marks = Array.from({ length: 24 }, (_, i) => {
    const scene = sampleScene(trainSeed(rng));
    const wrong = `it is ${scene.background === 'day' ? 'night' : 'day'} .`;
    const marked = i % 4 !== 0; // every fourth answer is right: nothing marked false
    const answer = marked ? wrong : `it is ${scene.background} .`;
    return makeMark({
      scene, image: { perception: { ...DEFAULT_PERCEPTION }, noiseSeed: rng.int(2 ** 31) }, question: 'is it day or night ?', answer,
      sentences: [marked ? { text: answer, false: true, correction: `it is ${scene.background} .` } : { text: answer, false: false }],
      markedBy: { kind: 'person' }, markedAt: '2025-01-01T00:00:00.000Z', policyVersion: 'tiny-test@0',
    });
  });
  writeFileSync(MARKS, exportMarks(marks));
  writeFileSync(UNMARKED, exportMarks(marks.filter((m) => !m.sentences[0]!.false)));
});

describe('dpo --marks', () => {
  it('tunes a policy with dense DPO, writes it and one metrics line per step, and ends with a summary', () => {
    const out = join(dir, 'ddpo');
    const r = cli('dpo', '--policy', POLICY, '--marks', MARKS, '--ddpo-weight', '3', '--out', out, '--min-steps', '4', '--epochs', '0.1', '--batch', '4', '--gold-every', '2', '--gold-probe-size', '8', '--kl-prompts', '4', '--quiet');
    expect(r.code, r.stderr).toBe(0);
    const s = lastJson(r.stdout);
    expect(s).toMatchObject({ out, steps: 4, stopped: false, dense: { ddpoWeight: 3, beta: DENSE_DPO_DEFAULTS.beta }, pairs: { marks: 24, total: 18, unmarked: 6, uncorrected: 0 } });
    const metrics = lines(readFileSync(join(out, 'metrics.jsonl'), 'utf8')).map((l) => JSON.parse(l) as Record<string, number>);
    expect(metrics.map((m) => m.step)).toEqual([0, 1, 2, 3, 4]);
    expect(metrics.filter((m) => m['gold/score'] !== undefined).map((m) => m.step)).toEqual([0, 2, 4]);
    expect(metrics[1]!.loss).toBeCloseTo(Math.log(2), 3);
    for (const m of metrics.slice(1)) for (const k of ['loss', 'grad_norm', 'learning_rate', 'epoch', 'rewards/accuracies', 'rewards/margins', 'logps/chosen']) expect(Number.isFinite(m[k]), k).toBe(true);
    expect(existsSync(join(out, 'weights.bin'))).toBe(true);
    const { model, manifest } = loadModelDir(out);
    expect(model.version).toMatch(/^ddpo@[0-9a-f]{8}$/);
    expect(manifest.metadata).toMatchObject({ role: 'policy', marks: MARKS, ddpo: { config: { beta: DENSE_DPO_DEFAULTS.beta, ddpoWeight: 3 } } });
    model.dispose();
  });

  it('takes --in or --marks, not both, refuses the other job\'s flags, and marks with no corrected pair', () => {
    const x = join(dir, 'x');
    const usage = (...args: string[]) => {
      const r = cli('dpo', '--policy', POLICY, '--out', x, ...args);
      return { code: r.code, stderr: r.stderr };
    };
    expect(usage()).toMatchObject({ code: 2, stderr: expect.stringContaining('dpo: --in is required (preference pairs, for DPO), or --marks (marked answers, for dense DPO)') });
    expect(usage('--in', MARKS, '--marks', MARKS).stderr).toContain('dpo: give --in (preference pairs: DPO) or --marks (marked answers: dense DPO), not both');
    expect(usage('--in', MARKS, '--ddpo-weight', '5').stderr).toContain('dpo: --ddpo-weight is for dense DPO on --marks');
    expect(usage('--marks', MARKS, '--tie-weight', '1').stderr).toContain('dpo: --tie-weight is for preference pairs (--in)');
    expect(usage('--marks', MARKS, '--ddpo-weight', '0.5').stderr).toContain('dpo: --ddpo-weight must be a number from 1 to 100');
    const none = usage('--marks', UNMARKED, '--quiet');
    expect(none.code).not.toBe(0);
    expect(none.stderr).toContain('dense dpo: no corrected pair to train on: none of the 6 marks has a sentence marked false with a correction (6 with none marked false, 0 marked but not corrected)');
  });
});
