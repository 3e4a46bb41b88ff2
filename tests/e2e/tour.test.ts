// The guided first run in Chromium, as a scripted visitor takes it: open the tour from the World
// stage, one click per step (see it hallucinate, label, train the Fact-RM, run PPO), until the
// gold hallucination rate has fallen; leave and resume it; a screenshot of the tour.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openPage, type PageSession } from './browser';
import { attr } from './drive';

const LONG = { timeout: 300_000, interval: 250 };

/** Where a step's result is on screen: its top within the window, and whether the tour's panel covers any of it. */
async function placed(page: Page, selector: string): Promise<{ inView: boolean; covered: boolean }> {
  return page.evaluate((sel) => {
    const el = (document.querySelector(sel) as Element).getBoundingClientRect();
    const p = (document.querySelector('[data-testid="tour"]') as Element).getBoundingClientRect();
    const header = (document.querySelector('header') as Element).getBoundingClientRect().bottom;
    return { inView: el.top >= header && el.top < innerHeight, covered: el.left < p.right && p.left < el.right && el.top < p.bottom && p.top < el.bottom };
  }, selector);
}

/** Does a step with its button, waits for its result, and finds it in view with the panel beside it, not over it. */
async function act(page: Page, step: string, result: string): Promise<void> {
  await expect.poll(() => attr(page, 'tour', 'data-step'), LONG).toBe(step);
  await page.getByTestId('tour-act').click();
  await expect.poll(() => attr(page, 'tour', 'data-done'), LONG).toBe('true');
  await expect.poll(() => placed(page, result)).toEqual({ inView: true, covered: false });
}

describe('the guided tour', () => {
  let s: PageSession;

  beforeAll(async () => {
    s = await openPage('?backend=wasm#/world');
  });

  afterAll(async () => {
    await s?.close();
  });

  it('walks a visitor from a hallucinating model to PPO, one click a step, and reads the gold figures together', { timeout: 600_000 }, async () => {
    const { page } = s;
    /** The settings the tour's steps change, as the page holds them. */
    const settings = () => page.evaluate(() => {
      const { session } = (globalThis as unknown as { rlhfPlayground: { session: { sft: { sample: { n: number } }; reward: { epochs: number; minSteps: number; probeItems: number }; ppo: { steps: number; preset: string } } } }).rlhfPlayground;
      return { sampleN: session.sft.sample.n, epochs: session.reward.epochs, minSteps: session.reward.minSteps, probeItems: session.reward.probeItems, ppoSteps: session.ppo.steps, preset: session.ppo.preset };
    });
    const before = await settings();
    await page.getByTestId('tour-offer').click();
    await act(page, 'hallucinate', '[data-testid="sample-results"]');
    expect(await page.evaluate(() => location.hash)).toBe('#/sft');
    expect(await page.getByTestId('sample-response').count()).toBe(3);
    expect(await page.getByTestId('tour-status').textContent()).toMatch(/of 3 answers name something that is not there/);
    await page.getByTestId('tour-next').click();
    await act(page, 'label', '[data-testid="auto-note"]');
    expect(await attr(page, 'counts', 'data-total')).toBe('160');
    await page.getByTestId('tour-next').click();
    await act(page, 'reward', '[data-testid="rm-acc-chart"]');
    expect(await attr(page, 'rm-run-fact', 'data-steps')).not.toBeNull();
    // It says whether the reward model is better than a coin toss on its held-out pairs.
    expect(await page.getByTestId('tour-status').textContent()).toMatch(/^held-out accuracy \d+% on \d+ pairs: (clearly better than a coin toss|on so few pairs that cannot be told from a coin toss)/);
    // Left and resumed: the tour picks up where it was.
    await page.getByTestId('tour-close').click();
    expect(await page.getByTestId('tour').count()).toBe(0);
    // Closed, it leaves the person's settings as they were (its short runs were its own).
    expect(await settings()).toEqual(before);
    await page.getByTestId('tour-open').click();
    await page.getByTestId('tour-next').click();
    await act(page, 'ppo', '[data-testid="ppo-chart-gold-rate"]');
    expect(await attr(page, 'ppo-result', 'data-steps')).toBe('20');
    await page.getByTestId('tour-next').click();
    await expect.poll(() => attr(page, 'tour', 'data-step'), LONG).toBe('fall');
    expect(await attr(page, 'tour', 'data-done')).toBe('true');
    // The figures, read together: a fall bought by saying less is called that, not a success.
    const status = (await page.getByTestId('tour-status').textContent()) as string;
    const [from, to, tiFrom, tiTo] = (status.match(/(\d+)%/g) ?? []).map((x) => Number(x.slice(0, -1)));
    expect(status).toMatch(/^gold hallucination rate \d+% → \d+%/);
    if ((to as number) >= (from as number)) expect(status).toContain('it did not fall in this run');
    else if ((tiTo as number) < (tiFrom as number)) expect(status).toContain('it says less, not more that is true');
    else expect(status).toContain('fewer false claims, and no fewer useful answers');
    // Reached with Next, the step done already shows its figures in view.
    await expect.poll(() => placed(page, '[data-testid="ppo-status"]')).toEqual({ inView: true, covered: false });
    await s.screenshot('tour');
    // The last step ends the tour, and the settings come back again.
    await page.getByTestId('tour-finish').click();
    expect(await page.getByTestId('tour').count()).toBe(0);
    expect(await settings()).toEqual(before);
    expect(s.errors).toEqual([]);
  });
});
