// `experiment` as a user runs it, on a tiny policy made here (standing in for both SFT and SFT+)
// with a few steps of everything: table.json has every row of the preset with the bench report's
// shape, one entry per seed and its checkpoint; a start row's figures are `bench --policy` on its
// checkpoint, and so are a PPO row's on the policy it kept; each PPO and DPO row keeps its
// metrics; bad settings are usage errors naming the flag.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, lines } from '../helpers/cli';

const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const dir = mkdtempSync(join(tmpdir(), 'rlhf-experiment-'));
const POLICY = join(dir, 'tiny');
const OUT = join(dir, 'exp');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The CLI with a longer leash than the shared helper: the run below trains and benchmarks 9 rows on 2 seeds. */
function cli(...args: string[]) {
  const r = spawnSync(TSX, ['src/cli/main.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 600_000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const TINY = [
  '--sft', POLICY, '--sft-plus', POLICY, '--pairs', '16', '--steps', '2', '--bench-size', 'standard', '--rm-epochs', '1', '--rm-min-steps', '1',
  '--batch-size', '4', '--mini-batch-size', '2', '--response-length', '6', '--gold-probe-size', '8', '--gold-every', '1',
  '--dpo-min-steps', '3', '--dpo-epochs', '0.1', '--dpo-gold-probe-size', '8', '--dpo-kl-prompts', '4', '--dpo-batch-pairs', '2',
];

interface Row {
  name: string;
  slug: string;
  mean: { shapesHal: { score: number; hallucinationRate: number; informativeness: number; n: number }; pope: Record<string, unknown>; chair: Record<string, unknown> };
  perSeed: { seed: number; checkpoint: string; policyVersion: string; report: unknown; meanResponseLength: number; ppo?: { steps: number; curve: { step: number }[] }; dpo?: { steps: number; labels: string; trainPairs: number; config: { beta: number; seed: number }; end: { goldScore: number; kl?: number } } }[];
  meanResponseLength: number;
}

let table: { preset: string; seeds: number[]; rows: Row[]; targets: { met: boolean; what: string }[] };
let stdout = '';

beforeAll(() => {
  const made = cli('pretrain', '--preset', 'tiny', '--seed', '3', '--steps', '12', '--vision-steps', '4', '--out', POLICY, '--quiet', '--no-bench');
  expect(made.code, made.stderr).toBe(0);
  const r = cli('experiment', '--preset', 'default', '--seeds', '1,2', '--out', OUT, ...TINY, '--json');
  expect(r.code, r.stderr).toBe(0);
  stdout = r.stdout;
  table = JSON.parse(readFileSync(join(OUT, 'table.json'), 'utf8')) as typeof table;
}, 900_000);

const bench = (policy: string) => {
  const r = cli('bench', '--policy', policy, '--size', 'standard', '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as unknown;
};

describe('experiment', () => {
  it('writes table.json (also on stdout with --json) with every row of the preset, a mean report, one entry per seed and a mean length', () => {
    expect(JSON.parse(lines(stdout).at(-1)!)).toEqual(table);
    expect(table.preset).toBe('default');
    expect(table.seeds).toEqual([1, 2]);
    expect(table.rows.map((r) => [r.name, r.slug])).toEqual([
      ['SFT', 'sft'], ['SFT+', 'sft-plus'], ['RLHF', 'rlhf'], ['Fact-RLHF', 'fact-rlhf'], ['Gold reward', 'gold-reward'], ['GRPO', 'grpo'], ['RLOO', 'rloo'], ['Online Fact-RLHF', 'online-fact-rlhf'], ['DPO', 'dpo'],
    ]);
    for (const r of table.rows) {
      expect(Object.keys(r.mean).sort()).toEqual(['chair', 'pope', 'popeByTruth', 'shapesHal']);
      expect(Object.keys(r.mean.pope).sort()).toEqual(['adversarial', 'popular', 'random']);
      expect(r.mean.shapesHal.n).toBe(96);
      expect(r.perSeed.map((s) => [s.seed, s.checkpoint])).toEqual([[1, `seed-1/${r.slug}`], [2, `seed-2/${r.slug}`]]);
      expect(r.meanResponseLength).toBeCloseTo((r.perSeed[0]!.meanResponseLength + r.perSeed[1]!.meanResponseLength) / 2, 9);
      const hal = r.perSeed.map((s) => (s.report as Row['mean']).shapesHal.hallucinationRate);
      expect(r.mean.shapesHal.hallucinationRate).toBeCloseTo((hal[0]! + hal[1]!) / 2, 9);
    }
    expect(table.targets.map((t) => t.what)).toEqual([
      "Fact-RLHF cuts SFT+'s hallucination rate by at least 40% relative, informativeness at most 3 points lower, average score up, true and informative up 10 points or more, at most 1% of answers empty, on every seed",
      'Gold reward bounds Fact-RLHF from above: hallucination rate no higher, average score no lower (mean over seeds)',
      'Fact-RLHF is ahead of RLHF on true and informative answers, on every seed',
      'Online Fact-RLHF is ahead of Fact-RLHF on true and informative answers, on every seed',
    ]);
  }, 60_000);

  it('keeps each row\'s policy at seed-S/ROW: a start row\'s figures are bench --policy on it, a PPO row\'s are bench --policy on the policy it tuned', () => {
    const sft = table.rows.find((r) => r.name === 'SFT')!;
    expect(bench(join(OUT, 'seed-2', 'sft'))).toEqual(sft.perSeed[1]!.report);
    expect(bench(POLICY)).toEqual(sft.mean);
    const fact = table.rows.find((r) => r.name === 'Fact-RLHF')!;
    expect(bench(join(OUT, 'seed-1', 'fact-rlhf'))).toEqual(fact.perSeed[0]!.report);
    for (const r of table.rows) for (const s of r.perSeed) expect(existsSync(join(OUT, s.checkpoint, 'weights.bin')), s.checkpoint).toBe(true);
    // The PPO rows changed the weights: their versions say how many optimiser steps from the start.
    const start = table.rows.find((r) => r.name === 'SFT+')!.perSeed[0]!.policyVersion;
    expect(start).toMatch(/^tiny@[0-9a-f]{8}$/);
    for (const r of table.rows.slice(2)) for (const s of r.perSeed) expect(s.policyVersion).toMatch(new RegExp(`^${start}\\+\\d+$`));
  }, 120_000);

  it('keeps each PPO row\'s metrics, one line per step after the gold figures at step 0, and its curve in the table', () => {
    for (const slug of ['rlhf', 'fact-rlhf', 'gold-reward', 'grpo', 'rloo', 'online-fact-rlhf']) {
      const metrics = lines(readFileSync(join(OUT, 'seed-1', slug, 'metrics.jsonl'), 'utf8')).map((l) => JSON.parse(l) as Record<string, number>);
      expect(metrics.map((m) => m.step), slug).toEqual([0, 1, 2]);
      expect(metrics[0]!['gold/score']).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(metrics[2]!['objective/kl']), slug).toBe(true);
    }
    const grpo = table.rows.find((r) => r.name === 'GRPO')!;
    expect(grpo.perSeed[0]!.ppo!.steps).toBe(2);
    expect(grpo.perSeed[0]!.ppo!.curve.map((p) => p.step)).toEqual([0, 1, 2]);
    expect(existsSync(join(OUT, 'seed-1', 'sft', 'metrics.jsonl'))).toBe(false);
  });

  it('keeps the DPO row\'s metrics under dpo\'s names: the gold figures at step 0, then one line per step', () => {
    const metrics = lines(readFileSync(join(OUT, 'seed-1', 'dpo', 'metrics.jsonl'), 'utf8')).map((l) => JSON.parse(l) as Record<string, number>);
    const steps = table.rows.find((r) => r.name === 'DPO')!.perSeed[0]!.dpo!.steps;
    expect(steps).toBeGreaterThanOrEqual(1);
    expect(metrics[0]!.step).toBe(0);
    expect(metrics[0]!['gold/score']).toBeGreaterThanOrEqual(0);
    const trained = metrics.filter((m) => typeof m.loss === 'number');
    expect(trained.map((m) => m.step)).toEqual(Array.from({ length: steps }, (_, i) => i + 1));
    for (const m of trained) expect(Number.isFinite(m['rewards/margins'])).toBe(true);
  });

  it('runs the online row on the same label budget: its first reward model on the first part of the labels, one refresh with pairs from its own policy', () => {
    const online = table.rows.find((r) => r.name === 'Online Fact-RLHF')!;
    for (const s of online.perSeed) {
      const o = (s.ppo as unknown as { online: { rounds: number; firstLabels: number; refreshes: { step: number; labels: number }[] }; rm: string }).online;
      // 16 pairs in 3 + 1 parts of 4: 4 from SFT+ first; over 2 steps the refreshes come every step, the first before step 2.
      expect(o).toMatchObject({ rounds: 3, firstLabels: 4 });
      expect(o.refreshes.map((x) => [x.step, x.labels])).toEqual([[1, 8]]);
      expect((s.ppo as unknown as { rm: string }).rm).toBe('sft-plus/careful/fact/online');
    }
    expect(readFileSync(join(OUT, 'table.md'), 'utf8')).toMatch(/Seed 1, online: the first reward model learnt from 4 labels of the start policy's pairs; at step 1, retrained on 8 labels/);
  });

  it('runs the DPO row on the careful labels the reward models learnt from, with the --dpo-* settings and the experiment seed, and benchmarks the policy it tuned', () => {
    const dpo = table.rows.find((r) => r.name === 'DPO')!;
    const rmLabels = lines(readFileSync(join(OUT, 'seed-1', 'rm-sft-plus-careful-fact', 'prefs.jsonl'), 'utf8'));
    for (const s of dpo.perSeed) {
      expect(s.dpo!.labels).toBe('sft-plus/careful');
      expect(s.dpo!.config).toMatchObject({ beta: 0.1, seed: s.seed, minSteps: 3, batchPairs: 2 });
      expect(s.dpo!.steps).toBe(3);
      expect(Number.isFinite(s.dpo!.end.kl)).toBe(true);
    }
    // 16 pairs, a fifth of the prompts held out: the rest are the training pairs.
    expect(dpo.perSeed[0]!.dpo!.trainPairs).toBeLessThan(rmLabels.length);
    expect(bench(join(OUT, 'seed-1', 'dpo'))).toEqual(dpo.perSeed[0]!.report);
    expect(readFileSync(join(OUT, 'table.md'), 'utf8')).toContain('## DPO runs');
  }, 120_000);

  it('writes table.md with the headline table and the targets, and runs.svg with the runs', () => {
    const md = readFileSync(join(OUT, 'table.md'), 'utf8');
    expect(md).toMatch(/^# Experiment `default`, seeds 1, 2\n/);
    expect(md).toContain('| row | from | true and informative | hallucination rate | informativeness | no answer | ShapesHal score (0-6) |');
    for (const name of ['SFT', 'SFT+', 'RLHF', 'Fact-RLHF', 'Gold reward', 'GRPO', 'RLOO', 'Online Fact-RLHF', 'DPO']) expect(md).toContain(`\n| ${name} | `);
    // Three answers per question type for every row, each with the judge's verdict.
    expect(md).toContain('## What the policies say');
    const said = md.split('## What the policies say')[1]!.split('\n## ')[0]!;
    expect(said.match(/\n\| (attribute|adversarial|comparison|counting|description|holistic|other|spatial|environment) \|/g)!.length).toBeGreaterThanOrEqual(9 * 3 * 7);
    expect(md).toContain('## Targets');
    expect(md).toContain('### Fact-RLHF');
    expect(readFileSync(join(OUT, 'runs.svg'), 'utf8')).toContain('>RLOO</text>');
  });

  it('makes bad settings usage errors that name the flag, before anything runs', () => {
    const never = join(dir, 'never');
    const seeds = cli('experiment', '--seeds', '1,x', '--out', never);
    expect(seeds.code).toBe(2);
    expect(seeds.stderr).toContain('--seeds must be whole numbers ≥ 0 separated by commas, got "1,x"');
    const row = cli('experiment', '--rows', 'SFT,BoN-16', '--out', never);
    expect(row.code).toBe(2);
    expect(row.stderr).toContain('has no row "BoN-16"');
    const sizes = cli('experiment', '--batch-size', '6', '--out', never);
    expect(sizes.code).toBe(2);
    expect(sizes.stderr).toContain('experiment: --mini-batch-size (row RLHF) must be at most batchSize (6)');
    const preset = cli('experiment', '--preset', 'huge', '--out', never);
    expect(preset.code).toBe(2);
    expect(preset.stderr).toContain('--preset must be one of default, reward-hacking, fine-grained, got "huge"');
    const beta = cli('experiment', '--dpo-beta', '0', '--out', never);
    expect(beta.code).toBe(2);
    expect(beta.stderr).toContain('--dpo-beta must be');
    expect(existsSync(never)).toBe(false);
  });
});
