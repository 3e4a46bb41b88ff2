// `perf soak` run as a user runs it, at a tiny size: a row per measured step, then the summary
// the rows imply (the same tensor count at both steps, so "flat"; nothing left after disposing);
// an unknown measurement names the ones there are, and `perf store` points to `npm run perf:store`.
import { describe, expect, it } from 'vitest';
import { cli, lines } from '../helpers/cli';

const TINY_SOAK = ['--steps', '3', '--batch-size', '2', '--mini-batch-size', '2', '--response-length', '4', '--gold-every', '2'];

/** The lines of a text made of numbers alone: the soak's table rows (step, seconds, tensors, tensor MB, heap MB). */
const numberRows = (out: string[]): number[][] => out.map((l) => l.trim().split(/\s+/)).filter((w) => w.every((x) => x !== '' && Number.isFinite(Number(x)))).map((w) => w.map(Number));

describe('perf soak', () => {
  it('prints the tensor count at the measured steps, and that it stayed flat and was all freed', () => {
    const r = cli('perf', 'soak', ...TINY_SOAK);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const out = lines(r.stdout);
    expect(out[0]).toContain('PPO soak: 3 steps of the default config but --batch-size 2');
    expect(out[1]).toContain('policy models/sft-plus on wasm; a Fact-RM made from the policy');
    const rows = numberRows(out);
    expect(rows.map((x) => x[0])).toEqual([1, 3]);
    const [tensors1, mb1] = [rows[0]![2]!, rows[0]![3]!];
    expect(rows[1]![2]).toBe(tensors1);
    expect(r.stdout).toContain(`tensors from step 1 to step 3: ${tensors1} to ${tensors1} (flat); tensor MB ${mb1.toFixed(1)} to ${mb1.toFixed(1)} (flat)`);
    expect(r.stdout).toContain('tensors left after disposing: 0');
  });

  it('--json with the gold reward: one line per measured step, then the summary they imply', () => {
    const r = cli('perf', 'soak', ...TINY_SOAK, '--reward', 'gold', '--json');
    expect(r.code, r.stderr).toBe(0);
    const [p1, p3, summary, ...rest] = lines(r.stdout).map((l) => JSON.parse(l) as Record<string, number>);
    expect(rest).toEqual([]);
    expect([p1!.step, p3!.step]).toEqual([1, 3]);
    expect(p3!.numTensors).toBe(p1!.numTensors);
    expect(summary).toEqual({
      from: 1, to: 3,
      tensorsFrom: p1!.numTensors, tensorsTo: p1!.numTensors,
      bytesFrom: p1!.numBytes, bytesTo: p1!.numBytes,
      heapFrom: p1!.heapUsed, heapTo: p3!.heapUsed,
      msPerStep: ((p3!.seconds! - p1!.seconds!) * 1000) / 2,
      tensorsLeft: 0,
    });
  });
});

describe('perf with another measurement', () => {
  it('names the ones there are', () => {
    const r = cli('perf', 'leaks');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('perf: say what to measure: `perf world`, `perf model`, `perf ppo` or `perf soak` (got "leaks")');
  });

  it('`perf store` points to the page benchmark that times the label store', () => {
    const r = cli('perf', 'store');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('`npm run perf:store`');
  });
});
