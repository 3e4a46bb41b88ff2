// Ctrl-C during a training command, as a user presses it: `ppo`, `dpo`, `train-rm` and
// `experiment` (in its first PPO row) are started on a tiny policy with far more steps than they
// will get, sent SIGINT once metrics.jsonl has two training lines, and must exit 130 with one
// metrics line per finished step (steps 1..N, written as they happened, under TRL's names) and a
// checkpoint of step N that loads, says it was interrupted at step N, and answers a question;
// `experiment` also writes the table of what finished, marked as interrupted.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, lastJson } from '../helpers/cli';
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
import { answerAll } from '../../src/engine/data/answer';
import { drawPrompts } from '../../src/engine/data/prompts';
import { scoreItems } from '../../src/engine/reward/inputs';
import { loadModelDir, saveModelDir } from '../../src/cli/model-files';

const dir = mkdtempSync(join(tmpdir(), 'rlhf-interrupt-cli-'));
const POLICY = join(dir, 'policy');
const PREFS = join(dir, 'prefs.jsonl');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  await initBackend({ preferred: 'wasm', wasmPaths: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
  const policy = createModel(makeConfig('tiny', VOCAB.length), { seed: 4 });
  await saveModelDir(policy, POLICY, { recipe: 'tiny-test' });
  policy.dispose();
  const rng = new Rng(2);
  const pairs = Array.from({ length: 40 }, () => {
    const scene = sampleScene(trainSeed(rng));
    return { scene, image: { perception: { ...DEFAULT_PERCEPTION }, noiseSeed: rng.int(2 ** 31) }, question: 'is it day or night ?', responseA: `it is ${scene.background} .`, responseB: 'there is a red circle .', source: 'policy' as const };
  });
  writeFileSync(PREFS, exportNative(annotatePairs(pairs, simulatedLabeller('careful', ANNOTATOR_PRESETS.careful, 1), 'tiny-test@0', '2025-01-01T00:00:00.000Z')));
});

interface Interrupted {
  code: number | null;
  stdout: string;
  stderr: string;
  /** metrics.jsonl's lines, parsed. */
  rows: Record<string, unknown>[];
}

/**
 * Starts a command, waits until its metrics.jsonl holds `count` lines for which `training` holds,
 * sends SIGINT, and waits for it to end.
 */
function interruptAfter(out: string, training: (row: Record<string, unknown>) => boolean, args: string[], count = 2): Promise<Interrupted> {
  return new Promise((resolve, reject) => {
    // As `npm run cli` starts it: node itself hears the signal (tsx's own launcher would kill a busy child).
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const file = join(out, 'metrics.jsonl');
    const read = () => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>) : []);
    let sent = false;
    const poll = setInterval(() => {
      if (!sent && read().filter(training).length >= count) {
        sent = true;
        child.kill('SIGINT');
      }
    }, 100);
    const limit = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args[0]} did not end in time; stderr:\n${stderr}`));
    }, 240_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      clearTimeout(limit);
      if (!sent) reject(new Error(`${args[0]} ended (${code}) before it was interrupted; stderr:\n${stderr}`));
      else resolve({ code, stdout, stderr, rows: read() });
    });
  });
}

/** Checks what every interrupted command leaves: the exit status, contiguous training lines 1..N and a checkpoint of step N. */
function expectInterrupted(r: Interrupted, out: string, training: (row: Record<string, unknown>) => boolean, names: string[]): number {
  expect(r.code, r.stderr).toBe(130);
  const steps = r.rows.filter(training).map((m) => m.step as number);
  const n = steps.length;
  expect(n).toBeGreaterThanOrEqual(2);
  expect(steps).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  for (const m of r.rows.filter(training)) for (const k of names) expect(Number.isFinite(m[k]), `${k} at step ${String(m.step)}`).toBe(true);
  // Any other line is of a finished step too (step 0 before training, or figures measured at the end).
  for (const m of r.rows) expect(m.step as number).toBeLessThanOrEqual(n);
  expect(r.stderr).toContain(`interrupted (SIGINT) after step ${n}`);
  expect(r.stderr).toContain(join(out, 'metrics.jsonl'));
  expect(lastJson(r.stdout)).toMatchObject({ interrupted: { signal: 'SIGINT', step: n } });
  return n;
}

/** Loads the checkpoint in `out`: its metadata must say it was interrupted at step n, and it must answer a question. */
async function expectCheckpoint(out: string, n: number): Promise<void> {
  const { model, manifest } = loadModelDir(out);
  try {
    expect(manifest.metadata).toMatchObject({ interrupted: { signal: 'SIGINT', step: n } });
    const [answer] = await answerAll(model, drawPrompts(1, 7), { maxNewTokens: 8 });
    expect(typeof answer).toBe('string');
  } finally {
    model.dispose();
  }
}

describe('Ctrl-C during a training command', () => {
  it('ppo: exits 130 with a metrics line per finished step and the policy of the last one', async () => {
    const out = join(dir, 'ppo');
    const trained = (m: Record<string, unknown>) => typeof m['objective/kl'] === 'number';
    const r = await interruptAfter(out, trained, ['ppo', '--policy', POLICY, '--preset', 'gold-reward', '--steps', '100000', '--batch-size', '4', '--mini-batch-size', '2', '--response-length', '6', '--gold-every', '0', '--out', out, '--quiet']);
    const n = expectInterrupted(r, out, trained, ['objective/kl', 'objective/entropy', 'objective/entropy_exact', 'objective/scores', 'policy/entropy_avg', 'val/ratio', 'val/ratio_var', 'tokens/responses_len_mean', 'episode', 'lr']);
    expect(r.rows.filter(trained).map((m) => m.episode)).toEqual(Array.from({ length: n }, (_, i) => 4 * (i + 1)));
    await expectCheckpoint(out, n);
    expect(loadModelDir(out).manifest.metadata).toMatchObject({ ppo: { steps: n } });
  });

  it('experiment: exits 130 during its first PPO row with that row\'s metrics line per finished step, its policy of the last one, and the table of what finished marked as interrupted', async () => {
    const exp = join(dir, 'experiment');
    const out = join(exp, 'seed-1', 'gold-reward');
    const trained = (m: Record<string, unknown>) => typeof m['objective/kl'] === 'number';
    const r = await interruptAfter(out, trained, [
      'experiment', '--preset', 'default', '--rows', 'SFT+,Gold reward,DPO', '--seeds', '1', '--sft', POLICY, '--sft-plus', POLICY, '--out', exp,
      '--pairs', '16', '--bench-size', 'standard', '--steps', '100000', '--batch-size', '4', '--mini-batch-size', '2', '--response-length', '6', '--gold-every', '0', '--json',
    ]);
    const n = expectInterrupted(r, out, trained, ['objective/kl', 'objective/scores', 'tokens/responses_len_mean']);
    expect(r.stderr).toContain(`after step ${n} of seed 1 · Gold reward`);
    await expectCheckpoint(out, n);
    // The table has the start row that finished; the PPO row under way is named, and the DPO row after it never ran.
    const table = JSON.parse(readFileSync(join(exp, 'table.json'), 'utf8')) as { stopped: boolean; interrupted: unknown; rows: { name: string; perSeed: unknown[] }[] };
    expect(table.stopped).toBe(true);
    expect(table.interrupted).toEqual({ signal: 'SIGINT', seed: 1, row: 'Gold reward', step: n, checkpoint: 'seed-1/gold-reward' });
    expect(table.rows.map((row) => [row.name, row.perSeed.length])).toEqual([['SFT+', 1]]);
    expect(readFileSync(join(exp, 'table.md'), 'utf8')).toContain(`Interrupted (SIGINT): seed 1 · Gold reward stopped after step ${n}; its policy at that step is in seed-1/gold-reward, not benchmarked.`);
    expect(existsSync(join(exp, 'seed-1', 'dpo'))).toBe(false);
  });

  it('dpo: exits 130 with a metrics line per finished step (TRL\'s names) and the policy of the last one', async () => {
    const out = join(dir, 'dpo');
    const trained = (m: Record<string, unknown>) => typeof m.loss === 'number';
    const r = await interruptAfter(out, trained, ['dpo', '--policy', POLICY, '--prefs', PREFS, '--out', out, '--min-steps', '100000', '--batch', '4', '--gold-every', '0', '--gold-probe-size', '4', '--kl-prompts', '0', '--quiet']);
    const n = expectInterrupted(r, out, trained, ['loss', 'grad_norm', 'learning_rate', 'epoch', 'rewards/accuracies', 'rewards/margins', 'logps/chosen']);
    // At step 1 the policy is its reference: no pair is strictly right yet (TRL's accuracy).
    expect(r.rows.find((m) => m.step === 1)?.['rewards/accuracies']).toBe(0);
    await expectCheckpoint(out, n);
  });

  it('train-rm: exits 130 with a metrics line per finished step (TRL\'s names) and the reward model of the last one', async () => {
    const out = join(dir, 'rm');
    const trained = (m: Record<string, unknown>) => typeof m.loss === 'number';
    const r = await interruptAfter(out, trained, ['train-rm', '--prefs', PREFS, '--policy', POLICY, '--out', out, '--min-steps', '100000', '--batch-pairs', '4', '--eval-every', '1', '--probe-items', '2', '--quiet']);
    const n = expectInterrupted(r, out, trained, ['loss', 'grad_norm', 'learning_rate', 'epoch', 'eval_loss', 'eval_accuracy']);
    const { model, manifest } = loadModelDir(out);
    try {
      expect(manifest.metadata).toMatchObject({ role: 'reward-model', interrupted: { signal: 'SIGINT', step: n }, result: { steps: n } });
      // It scores an answer: a finite number.
      const scene = sampleScene(trainSeed(new Rng(9)));
      const [score] = await scoreItems(model, [{ scene, image: { perception: { ...DEFAULT_PERCEPTION }, noiseSeed: 1 }, question: 'is it day or night ?', response: `it is ${scene.background} .` }], false);
      expect(Number.isFinite(score)).toBe(true);
    } finally {
      model.dispose();
    }
  });
});
