// The engine's faults in Chromium, injected on purpose: the worker closing without a word in the
// middle of a reward-model run, and throwing an uncaught error (the page restarts it, says so, fails
// the run, and brings the policy back so labelling goes on); and the WebGPU device lost (the page
// switches to WASM and goes on from what this browser kept).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openPage, type PageSession } from './browser';
import { SLOW, attr, autoLabel, loadSftFromGate, shortRewardRun } from './drive';

/** Asks the worker, through the page's console handle, to fail this way. */
function inject(page: Page, fault: 'throw' | 'close' | 'device-lost'): Promise<void> {
  return page.evaluate((f) => (globalThis as unknown as { rlhfPlayground: { session: { engine: { injectFault(f: string): Promise<void> } } } }).rlhfPlayground.session.engine.injectFault(f), fault);
}

const notice = (page: Page) => page.getByTestId('engine-recovered').textContent().catch(() => '');
const total = async (page: Page) => Number(await attr(page, 'count-total', 'data-value'));

describe('the worker crashing', () => {
  let s: PageSession;

  beforeAll(async () => {
    s = await openPage('?backend=wasm#/label');
  });

  afterAll(async () => {
    await s?.close();
  });

  it('restarts a worker that closed mid-run, fails the run, brings the policy back, and labelling goes on', async () => {
    const { page } = s;
    await loadSftFromGate(page);
    await autoLabel(page, 12);
    await page.locator('nav a[data-stage="reward"]').click();
    await page.getByTestId('rm-choice-plain').click();
    await shortRewardRun(page, 400);
    await page.getByTestId('rm-start').click();
    await expect.poll(async () => Number(await page.getByTestId('rm-step').textContent().catch(() => '0')), SLOW).toBeGreaterThan(0);

    await inject(page, 'close');
    await expect.poll(() => page.getByTestId('rm-error').textContent().catch(() => ''), SLOW).toMatch(/^Training failed: the engine worker stopped: it stopped without a word/);
    await expect.poll(() => notice(page), SLOW).toMatch(/^The engine worker stopped: it stopped without a word.*The engine was restarted\. Restored from this browser: the policy sft, as last saved\. Failed with it: training the plain RM/);
    await s.screenshot('fault-worker-closed');
    expect(await attr(page, 'policy-gate', 'data-loaded')).toBe('true');
    expect(await page.getByTestId('gate-policy').textContent()).toBe('sft');
    expect(await attr(page, 'backend', 'data-backend')).toBe('wasm');
    expect(await page.getByTestId('rm-start').isEnabled()).toBe(true);

    await page.locator('nav a[data-stage="label"]').click();
    const before = await total(page);
    await autoLabel(page, 2);
    expect(await total(page)).toBe(before + 2);
  });

  it('restarts a worker that threw an uncaught error', async () => {
    const { page } = s;
    await page.getByTestId('engine-recovered').getByRole('button', { name: 'OK' }).click();
    await inject(page, 'throw');
    await expect.poll(() => notice(page), SLOW).toMatch(/^The engine worker stopped: it failed with an uncaught error \(.*the worker threw\)\..*Restored from this browser: the policy sft/);
    expect(await attr(page, 'policy-gate', 'data-loaded')).toBe('true');
    const before = await total(page);
    await autoLabel(page, 2);
    expect(await total(page)).toBe(before + 2);
    expect(s.errors).toEqual([]);
  });
});

describe('the WebGPU device lost', () => {
  let s: PageSession;

  beforeAll(async () => {
    s = await openPage('?backend=webgpu#/label');
  });

  afterAll(async () => {
    await s?.close();
  });

  it('switches to WASM, says so, and goes on with the policy from this browser', async () => {
    const { page } = s;
    await expect.poll(() => attr(page, 'backend', 'data-backend'), SLOW).toBe('webgpu');
    await loadSftFromGate(page);
    await inject(page, 'device-lost');
    await expect.poll(() => notice(page), SLOW).toMatch(/^The webgpu device was lost \(a device loss simulated for a test\).*It now runs on wasm instead of webgpu\. Restored from this browser: the policy sft/);
    await s.screenshot('fault-device-lost');
    expect(await attr(page, 'backend', 'data-backend')).toBe('wasm');
    expect(await attr(page, 'policy-gate', 'data-loaded')).toBe('true');
    await autoLabel(page, 2);
    expect(await total(page)).toBe(2);
    expect(s.errors).toEqual([]);
  });
});
