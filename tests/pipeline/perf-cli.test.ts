// `perf store` and `perf soak` run as a user runs them, at tiny sizes: the store's figures (saving
// a label, an import) come out as lines and as JSON; the soak prints a row per measured step and
// a flat tensor count; an unknown measurement names the ones there are.
import { describe, expect, it } from 'vitest';
import { cli, lines } from '../helpers/cli';

const TINY_SOAK = ['--steps', '3', '--batch-size', '2', '--mini-batch-size', '2', '--response-length', '4', '--gold-every', '2'];

describe('perf store', () => {
  it('prints the time to save a label, empty and full, and the import time', () => {
    const r = cli('perf', 'store', '--pairs', '40', '--labels', '3');
    expect(r.code, r.stderr).toBe(0);
    const out = lines(r.stdout);
    expect(out[0]).toContain("the page's store (src/app/label/prefs.svelte.ts) on fake-indexeddb");
    expect(out[1]).toMatch(/^ {2}save one label, store of 0 to 2 labels: mean \d+\.\d\d ms over 3 saves$/);
    expect(out[2]).toMatch(/^ {2}import 40 pairs \(\d+\.\d MB of JSONL\) into an empty store: \d+\.\d\d s \([\d,]+ pairs\/s\)$/);
    expect(out[3]).toMatch(/^ {2}save one label, store of 40 to 42 labels: mean \d+\.\d\d ms over 3 saves$/);
  });

  it('--json prints the figures as one object', () => {
    const r = cli('perf', 'store', '--pairs', '20', '--labels', '2', '--json');
    expect(r.code, r.stderr).toBe(0);
    const f = JSON.parse(r.stdout) as Record<string, number>;
    expect(f).toMatchObject({ pairs: 20, saves: 2 });
    for (const k of ['saveMsEmpty', 'saveMsFull', 'importMs', 'importMB']) expect(f[k], k).toBeGreaterThan(0);
  });
});

describe('perf soak', () => {
  it('prints the heap and tensor count at the measured steps, and that the count stayed flat', () => {
    const r = cli('perf', 'soak', ...TINY_SOAK);
    expect(r.code, r.stderr).toBe(0);
    const out = lines(r.stdout);
    expect(out[0]).toContain('PPO soak: 3 steps of the default config but --batch-size 2');
    expect(out[1]).toContain('policy models/sft-plus on wasm; a Fact-RM made from the policy');
    const rows = out.filter((l) => /^ +\d+ +\d+\.\d +\d+ +\d+\.\d +\d+\.\d$/.test(l)).map((l) => l.trim().split(/ +/).map(Number));
    expect(rows.map((x) => x[0])).toEqual([1, 3]);
    expect(rows[1]![2]).toBe(rows[0]![2]);
    expect(out.at(-1)).toMatch(/^tensors from step 1 to step 3: (\d+) to \1 \(flat\); heap [\d.]+ to [\d.]+ MB$/);
  });

  it('--json with the gold reward: one line per measured step, then the summary', () => {
    const r = cli('perf', 'soak', ...TINY_SOAK, '--reward', 'gold', '--json');
    expect(r.code, r.stderr).toBe(0);
    const rows = lines(r.stdout).map((l) => JSON.parse(l) as Record<string, number>);
    expect(rows.slice(0, 2).map((p) => p.step)).toEqual([1, 3]);
    for (const p of rows.slice(0, 2)) {
      expect(p.numTensors).toBeGreaterThan(0);
      expect(p.heapUsed).toBeGreaterThan(0);
    }
    expect(rows[2]).toMatchObject({ from: 1, to: 3, tensorsFrom: rows[0]!.numTensors, tensorsTo: rows[0]!.numTensors });
  });
});

it('perf with an unknown measurement names store and soak among the ones there are', () => {
  const r = cli('perf', 'leaks');
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('`perf store` or `perf soak`');
});
