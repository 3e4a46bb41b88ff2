// The control an experiment row trains under: a hold of the row's own (a PPO run pauses its
// control on a step that went non-finite) ends only the row, while the experiment's control
// stopping ends it as interrupted, and pausing the experiment holds the row.
import { describe, expect, it } from 'vitest';
import { RowControl } from '../../src/engine/experiment/row-runs';
import { JobControl } from '../../src/engine/train/job';

describe('RowControl', () => {
  it('ends the row, not the experiment, when the row holds itself (a non-finite step)', async () => {
    const outer = new JobControl();
    const row = new RowControl(outer);
    expect(await row.next()).toBe(true);
    row.pause();
    expect(await row.next()).toBe(false);
    expect(row.interrupted).toBe(false);
    expect(outer.state).toBe('running');
    expect(await outer.next()).toBe(true);
  });

  it('ends the row as interrupted when the experiment stops', async () => {
    const outer = new JobControl();
    const row = new RowControl(outer);
    outer.stop();
    expect(await row.next()).toBe(false);
    expect(row.interrupted).toBe(true);
    expect(await new RowControl(undefined).next()).toBe(true);
  });

  it('holds the row while the experiment is paused, and lets it on when it resumes', async () => {
    const outer = new JobControl();
    const row = new RowControl(outer);
    outer.pause();
    let passed: boolean | undefined;
    const waiting = row.next().then((ok) => (passed = ok));
    await new Promise((r) => setTimeout(r, 20));
    expect(passed).toBeUndefined();
    outer.resume();
    await waiting;
    expect(passed).toBe(true);
    expect(row.state).toBe('running');
  });
});
