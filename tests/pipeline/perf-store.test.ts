// `npm run perf:store` (scripts/perf-store.mjs) run as a user runs it, at tiny sizes: the counts
// it was asked for come back in its lines and its JSON, the import's size is that of the file it
// imports, and a bad count is refused with exit code 2.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { exportNative } from '../../src/engine/prefs/native';
import { syntheticRecords } from '../../src/engine/prefs/synthetic';
import { ROOT, lines, type CliResult } from '../helpers/cli';

function perfStore(...args: string[]): CliResult {
  const r = spawnSync(process.execPath, ['scripts/perf-store.mjs', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('perf:store', () => {
  it('prints the time to save a label, empty and full, and the import time', () => {
    const r = perfStore('--pairs', '40', '--labels', '3');
    expect(r.code, r.stderr).toBe(0);
    const out = lines(r.stdout);
    expect(out).toHaveLength(4);
    expect(out[1]).toContain('save one label, store of 0 to 2 labels: mean ');
    expect(out[2]).toContain('import 40 pairs (0.0 MB of JSONL) into an empty store: ');
    expect(out[3]).toContain('save one label, store of 40 to 42 labels: mean ');
    const means = [...r.stdout.matchAll(/mean ([\d.]+) ms over 3 saves/g)].map((m) => Number(m[1]));
    expect(means).toHaveLength(2);
    for (const ms of means) expect(ms).toBeGreaterThan(0);
  });

  it('--json prints the figures as one object, the import the size of the file imported', () => {
    const r = perfStore('--pairs', '20', '--labels', '2', '--json');
    expect(r.code, r.stderr).toBe(0);
    const f = JSON.parse(r.stdout) as Record<string, number>;
    expect(Object.keys(f).sort()).toEqual(['importMB', 'importMs', 'pairs', 'saveMsEmpty', 'saveMsFull', 'saves']);
    expect(f).toMatchObject({ pairs: 20, saves: 2 });
    expect(f.importMB).toBe(new TextEncoder().encode(exportNative(syntheticRecords(24, 1).slice(0, 20))).length / 2 ** 20);
    for (const k of ['saveMsEmpty', 'saveMsFull', 'importMs']) expect(f[k], k).toBeGreaterThan(0);
  });

  it('refuses a count that is not a whole number from 1', () => {
    const r = perfStore('--pairs', '0');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('perf:store: --pairs must be a whole number from 1 to 1,000,000 (got "0")');
  });
});
