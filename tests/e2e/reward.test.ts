// The Reward stage in Chromium: auto-label 12 pairs, train a plain RM for a few steps (the loss
// and accuracy charts receive points; held-out accuracy and the probe table appear), train a
// Fact-RM beside it, and stop a long run early.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openPage, type PageSession } from './browser';
import { PROBE_PAIRS, PROBE_VARIANTS } from '../../src/engine/reward/probes';
import { REWARD_JOB_FIELDS } from '../../src/engine/reward/config';
import { SLOW, attr, shortRewardRun } from './drive';

const points = async (page: Page, chart: string) => Number(await attr(page, chart, 'data-points'));

describe('Reward stage', () => {
  let s: PageSession;

  beforeAll(async () => {
    s = await openPage('?backend=wasm#/label');
  });

  afterAll(async () => {
    await s?.close();
  });

  it('trains a plain RM on 12 auto-labelled pairs: live charts, held-out accuracy and the probe table', async () => {
    const { page } = s;
    await expect.poll(() => page.getByTestId('gate-load-sft').isEnabled(), SLOW).toBe(true);
    await page.getByTestId('gate-load-sft').click();
    await expect.poll(() => attr(page, 'policy-gate', 'data-loaded'), SLOW).toBe('true');
    // The length-biased annotator ranks almost every pair (careful calls many "both bad").
    await page.getByTestId('auto-preset-length-biased').click();
    await page.getByTestId('auto-n').fill('12');
    await expect.poll(() => page.getByTestId('auto-run').isEnabled(), SLOW).toBe(true);
    await page.getByTestId('auto-run').click();
    await expect.poll(() => page.getByTestId('auto-note').textContent().catch(() => ''), SLOW).toMatch(/^length-biased labelled 12 pairs/);

    await page.locator('nav a[data-stage="reward"]').click();
    await expect.poll(() => attr(page, 'rm-data', 'data-pairs'), SLOW).toBe('12');
    expect(await page.locator('.stage-view h2').first().textContent()).toBe('Reward model');
    // Each knob is its field of the engine's table: label, tooltip and bounds.
    const minSteps = page.getByTestId('rm-minSteps').locator('xpath=..');
    expect(await minSteps.locator('span').first().textContent()).toContain(REWARD_JOB_FIELDS.minSteps.label);
    expect(await minSteps.locator('[data-tooltip]').getAttribute('data-tooltip')).toBe(REWARD_JOB_FIELDS.minSteps.tooltip);
    expect(await page.getByTestId('rm-minSteps').getAttribute('max')).toBe('100000');
    expect(await page.getByTestId('rm-readout').locator('option').allTextContents()).toEqual(['last token (the paper)', 'sum over the answer']);
    await page.getByTestId('rm-choice-plain').click();
    await shortRewardRun(page, 4);
    const heldOut = Number(await attr(page, 'rm-data', 'data-held-out'));
    expect(heldOut).toBeGreaterThan(0);
    expect(await attr(page, 'rm-steps', 'data-value')).toBe('4');
    expect(await points(page, 'rm-loss-chart')).toBe(0);

    await page.getByTestId('rm-start').click();
    await expect.poll(() => attr(page, 'rm-run-plain', 'data-steps'), SLOW).toBe('4');
    expect(await attr(page, 'rm-run-plain', 'data-stopped')).toBe('false');
    expect(await points(page, 'rm-loss-chart')).toBe(4);
    // Held-out accuracy at step 2 and at the end, beside the ceiling (when the held-out pairs have one).
    expect(await points(page, 'rm-acc-chart')).toBeGreaterThanOrEqual(2);
    const acc = Number(await attr(page, 'rm-heldout-plain', 'data-value'));
    expect(acc).toBeGreaterThanOrEqual(0);
    expect(acc).toBeLessThanOrEqual(1);
    expect(await page.getByTestId('rm-heldout-plain').textContent()).toContain(`${Math.round(acc * 100)}%`);
    expect(await page.getByTestId('rm-ceiling').textContent()).toMatch(/\d+%.*self-agreement \d+%/s);

    const variants = page.getByTestId('probe-variant');
    expect(await variants.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-variant')))).toEqual([...PROBE_VARIANTS]);
    for (const row of await variants.all()) expect(await row.locator('td[data-kind="plain"]').textContent()).toMatch(/^-?\d+\.\d\d$/);
    const pairs = page.getByTestId('probe-pair');
    expect(await pairs.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-pair')))).toEqual(PROBE_PAIRS.map((p) => p.name));
    for (const row of await pairs.all()) {
      const a = Number(await row.locator('td[data-kind="plain"]').getAttribute('data-value'));
      expect(a).toBeGreaterThanOrEqual(0);
      expect(a).toBeLessThanOrEqual(1);
    }
  });

  it('trains a Fact-RM too, read as a sum over the answer, shown beside the plain RM', async () => {
    const { page } = s;
    await page.getByTestId('rm-choice-fact').click();
    await page.getByTestId('rm-readout').selectOption('sum');
    await page.getByTestId('rm-start').click();
    await expect.poll(() => attr(page, 'rm-run-fact', 'data-steps'), SLOW).toBe('4');
    expect(await attr(page, 'rm-run-fact', 'data-readout')).toBe('sum');
    expect(await page.getByTestId('rm-run-fact').textContent()).toContain('score read at the sum over the answer');
    expect(await attr(page, 'rm-run-plain', 'data-readout')).toBe('last');
    // The plain RM's curve stays; the Fact-RM's joins it.
    expect(await points(page, 'rm-loss-chart')).toBe(8);
    expect(await attr(page, 'rm-run-plain', 'data-steps')).toBe('4');
    const fact = Number(await attr(page, 'rm-heldout-fact', 'data-value'));
    expect(fact).toBeGreaterThanOrEqual(0);
    expect(fact).toBeLessThanOrEqual(1);
    for (const row of await page.getByTestId('probe-variant').all()) expect(await row.locator('td[data-kind="fact"]').count()).toBe(1);
  });

  it('stops a long run early; the model keeps its steps', async () => {
    const { page } = s;
    await page.getByTestId('rm-choice-plain').click();
    await page.getByTestId('rm-minSteps').fill('400');
    await page.getByTestId('rm-evalEvery').fill('0');
    await page.getByTestId('rm-start').click();
    await expect.poll(async () => Number(await page.getByTestId('rm-step').textContent().catch(() => '0')), SLOW).toBeGreaterThan(2);
    await page.getByTestId('rm-stop').click();
    await expect.poll(() => attr(page, 'rm-run-plain', 'data-stopped'), { timeout: 90_000, interval: 100 }).not.toBeNull();
    expect(await attr(page, 'rm-run-plain', 'data-stopped'), 'the run went on to its last step: the worker never saw "stop"').toBe('true');
    const steps = Number(await attr(page, 'rm-run-plain', 'data-steps'));
    expect(steps).toBeGreaterThan(2);
    expect(steps).toBeLessThan(400);
    expect(await page.getByTestId('rm-stop').isDisabled()).toBe(true);
    expect(await page.getByTestId('rm-start').isEnabled()).toBe(true);

    await page.mouse.move(0, 0);
    await page.evaluate(() => window.scrollTo(0, 0));
    await s.screenshot('reward');
    expect(s.errors).toEqual([]);
  });
});
