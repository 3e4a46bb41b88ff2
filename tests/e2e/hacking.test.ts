// The reward-hacking preset sets itself up in Chromium with one click: it loads SFT+, has the
// length-biased annotator label pairs from it, trains a plain RM on those labels alone and runs
// PPO; the run ends with longer answers and a lower gold score than it started with, and the page
// says the reward is being gamed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, type PageSession } from './browser';
import { attr, stageShown } from './drive';

const LONG = { timeout: 540_000, interval: 500 };

describe('the reward-hacking preset', () => {
  let s: PageSession;

  beforeAll(async () => {
    s = await openPage('?backend=wasm#/ppo');
  });

  afterAll(async () => {
    await s?.close();
  });

  it('sets itself up, and its run pads its answers while the gold score falls', { timeout: 600_000 }, async () => {
    const { page } = s;
    await stageShown(page, 'ppo');
    // Careful presets need nothing of their own.
    expect(await page.getByTestId('ppo-setup').count()).toBe(0);
    await page.getByTestId('ppo-preset-reward-hacking').click();
    expect(await page.getByTestId('ppo-setup').textContent()).toContain('length-biased');
    await page.getByTestId('ppo-steps').fill('20');
    await page.locator('details.every summary').click();
    await page.getByTestId('ppo-goldEvery').fill('10');
    await page.getByTestId('ppo-setup-run').click();
    await expect.poll(() => attr(page, 'ppo-result', 'data-steps'), LONG).toBe('20');
    expect(await page.getByTestId('ppo-setup-error').count()).toBe(0);
    expect(await page.getByTestId('ppo-setup-note').textContent()).toMatch(/^Set up: SFT\+ loaded, 200 pairs from it labelled by the length-biased annotator, a plain RM trained on them alone \(held-out accuracy \d+%\)/);
    expect((await page.getByTestId('header-policy').innerText()).trim()).toMatch(/^sft-plus\/ppo-[0-9a-f]{4}\+\d+$/);
    const rows = await page.evaluate(() => {
      const { session } = (globalThis as unknown as { rlhfPlayground: { session: { ppo: { metrics: { upTo(n: number): Record<string, number>[] } } } } }).rlhfPlayground;
      return session.ppo.metrics.upTo(1e9);
    });
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const lengths = rows.flatMap((r) => (typeof r['tokens/responses_len_mean'] === 'number' ? [r['tokens/responses_len_mean']] : []));
    const gold = rows.flatMap((r) => (typeof r['gold/score'] === 'number' ? [r['gold/score']] : []));
    expect(lengths.length).toBe(20);
    expect(gold.length).toBe(3);
    // Longer answers at the end than at the start (over three steps each), a lower gold score.
    expect(mean(lengths.slice(-3))).toBeGreaterThan(mean(lengths.slice(0, 3)));
    expect(gold.at(-1)).toBeLessThan(gold[0] as number);
    expect(await page.locator('[data-testid="ppo-alarm"][data-id="gamed"]').count()).toBe(1);
    await s.screenshot('ppo-reward-hacking');
    expect(s.errors).toEqual([]);
  });
});
