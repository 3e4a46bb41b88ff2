// JobControl.onHold (src/engine/train/job.ts): it runs each time a job comes to a hold (paused, no
// single step granted), before the job waits, and not while it runs or passes a granted step; the
// PPO worker saves the policy there.
import { describe, expect, it } from 'vitest';
import { JobControl, yieldToEvents } from '../../src/engine/train/job';

describe('a job coming to a hold', () => {
  it('runs onHold once per hold, before waiting, and never while running or on a granted step', async () => {
    const c = new JobControl();
    const log: string[] = [];
    let reached: () => void = () => {};
    /** Resolves when the job next comes to a hold. */
    const hold = () => new Promise<void>((r) => (reached = r));
    c.onHold = async () => {
      log.push(`hold (${c.state})`);
      reached();
    };
    expect(await c.next()).toBe(true);
    expect(log).toEqual([]);
    c.pause();
    let atHold = hold();
    const held = c.next().then((go) => log.push(`go ${go}`));
    await atHold;
    // Every queued event in: the job still waits.
    await yieldToEvents();
    expect(log).toEqual(['hold (paused)']);
    c.step();
    await held;
    expect(log).toEqual(['hold (paused)', 'go true']);
    // The next step after the granted one holds again.
    atHold = hold();
    const again = c.next().then((go) => log.push(`go ${go}`));
    await atHold;
    await yieldToEvents();
    expect(log).toEqual(['hold (paused)', 'go true', 'hold (paused)']);
    c.stop();
    await again;
    expect(log).toEqual(['hold (paused)', 'go true', 'hold (paused)', 'go false']);
  });
});
