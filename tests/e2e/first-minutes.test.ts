// A newcomer's first minutes in Chromium: the engine starts on the fastest backend that works
// (here, where WebGPU is a software fallback, WASM) and the header says why, `?backend=webgpu` still
// forces WebGPU; a policy and a trained reward model come back after a reload, probes and all; and
// a screenshot of every stage at 1280×800 and at 1024×768 (a projector).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openPage, type PageSession } from './browser';
import { SLOW, attr, autoLabel, loadSftFromGate, pairOnShow, shortRewardRun, stageShown } from './drive';

/** Waits for the note that the policy and the plain RM kept in this browser are back. */
const restored = (page: Page) => expect.poll(() => page.getByTestId('restored').textContent().catch(() => ''), SLOW).toMatch(/Restored from this browser: the policy sft and the plain RM/);

describe('the first minutes', () => {
  let s: PageSession;

  beforeAll(async () => {
    s = await openPage('#/label');
  });

  afterAll(async () => {
    await s?.close();
  });

  it('starts on WASM by default where WebGPU is a software fallback, and the header says why', async () => {
    const { page } = s;
    await expect.poll(() => attr(page, 'backend', 'data-backend'), SLOW).toBe('wasm');
    const reason = (await attr(page, 'backend', 'data-reason')) ?? '';
    expect(reason).toMatch(/webgpu skipped: its adapter is a software fallback/);
    await page.getByTestId('backend').click();
    expect(await page.getByTestId('backend-why').textContent()).toContain('Running on wasm');
    expect(await page.getByTestId('backend-auto').getAttribute('aria-checked')).toBe('true');
    await page.getByTestId('backend').click();
  });

  it('keeps the loaded policy and a trained reward model over a reload, and says so', async () => {
    const { page } = s;
    await loadSftFromGate(page);
    await autoLabel(page, 12);
    await page.locator('nav a[data-stage="reward"]').click();
    await page.getByTestId('rm-choice-plain').click();
    await shortRewardRun(page, 4);
    await page.getByTestId('rm-start').click();
    await expect.poll(() => attr(page, 'rm-run-plain', 'data-steps'), SLOW).toBe('4');
    const accuracy = await attr(page, 'rm-heldout-plain', 'data-value');
    const probes = await page.getByTestId('probe-pair').evaluateAll((rows) => rows.map((r) => r.querySelector('td[data-kind="plain"]')?.getAttribute('data-value')));
    const points = await attr(page, 'rm-loss-chart', 'data-points');

    await page.reload();
    await restored(page);
    expect(await page.getByTestId('gate-policy').textContent()).toBe('sft');
    expect(await attr(page, 'rm-run-plain', 'data-steps')).toBe('4');
    expect(await attr(page, 'rm-heldout-plain', 'data-value')).toBe(accuracy);
    expect(await page.getByTestId('probe-pair').evaluateAll((rows) => rows.map((r) => r.querySelector('td[data-kind="plain"]')?.getAttribute('data-value')))).toEqual(probes);
    expect(await attr(page, 'rm-loss-chart', 'data-points')).toBe(points);
    expect(s.errors).toEqual([]);
  });

  it('forces WebGPU with ?backend=webgpu', async () => {
    const { page } = s;
    await page.goto(s.url('?backend=webgpu#/world'));
    await expect.poll(() => attr(page, 'backend', 'data-backend'), SLOW).toBe('webgpu');
    expect(await attr(page, 'backend', 'data-reason')).toBe('asked for');
  });

  it('shows every stage at 1280×800, 1024×768 (the header in one row, the A/B choice on screen) and 390 px (nothing overflows)', async () => {
    const { page } = s;
    for (const [w, h] of [[1280, 800], [1024, 768], [390, 844]] as const) {
      await page.setViewportSize({ width: w, height: h });
      for (const stage of ['world', 'sft', 'label', 'reward', 'ppo', 'evaluate']) {
        await page.goto(s.url(`?backend=wasm#/${stage}`));
        await expect.poll(() => attr(page, 'backend', 'data-backend'), SLOW).toBe('wasm');
        // The policy and the reward model kept in this browser are back, and said so above the stage.
        await restored(page);
        if (stage === 'label') await pairOnShow(page);
        await stageShown(page, stage);
        await page.screenshot({ path: `test-results/stage-${stage}-${w}x${h}.png` });
        expect(await page.evaluate(() => document.documentElement.scrollWidth), `${stage} at ${w} px`).toBeLessThanOrEqual(w);
        if (w >= 1024) {
          // One row: every part of the header sits on the brand's line.
          const centres = await page.evaluate(() => [...document.querySelectorAll('header.app-header > *')].map((el) => { const r = el.getBoundingClientRect(); return r.top + r.height / 2; }));
          expect(Math.max(...centres) - Math.min(...centres), `${stage}: the header's parts are on one row at ${w} px`).toBeLessThan(16);
        }
        if (stage === 'label' && w >= 1024) {
          const box = await page.getByTestId('choice-A').boundingBox();
          expect(box && box.y + box.height <= h, 'the A/B choice is on screen without scrolling').toBe(true);
        }
      }
    }
  });
});
