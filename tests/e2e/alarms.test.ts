// The PPO stage's alarms in Chromium, on scripted runs fed to the page's own metrics (the points a
// worker's run sends): a healthy run raises none and marks no chart; a run whose reward model's
// score rises while the judge's gold score falls is called gamed, in words, with a link to what to
// try, and a red mark on the reward chart where it started; a reward model at chance is named from
// step 0.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, type PageSession } from './browser';
import { SLOW, attr, stageShown } from './drive';

/** A scripted run's points: the RM's score at each step and, every 5 steps, gold figures. */
function points(n: number, score: (s: number) => number, gold: (s: number) => number): unknown[] {
  return Array.from({ length: n + 1 }, (_, s) => ({
    step: s,
    samples: [],
    metrics: {
      ...(s > 0 ? { 'objective/scores': score(s), 'objective/kl': s / 10 } : {}),
      ...(s % 5 === 0 ? { 'gold/score': gold(s), 'gold/true_informative': 0.6, 'gold/hallucination_rate': 0.4, 'gold/no_answer_rate': 0 } : {}),
    },
  }));
}

/** Clears the PPO metrics for a run of `steps`, sets the reward model the alarms read, and plots the points, as a run's messages would. */
async function feed(page: Page, pts: unknown[], rm: { name: string; accuracy: number; decided: number } | null): Promise<void> {
  await page.evaluate(
    ([p, r]) => {
      type Metrics = { clear(n: number): void; plot(p: unknown[]): void; rm: unknown };
      const m = (globalThis as unknown as { rlhfPlayground: { session: { ppo: { metrics: Metrics } } } }).rlhfPlayground.session.ppo.metrics;
      m.clear(20);
      m.rm = r ?? undefined;
      m.plot(p as unknown[]);
    },
    [pts, rm] as const,
  );
}

/** Opaque pixels of the mark's red (#d64545, within a small distance) on a chart's canvas. */
async function redPixels(page: Page, testid: string): Promise<number> {
  return page.evaluate((t) => {
    const canvas = document.querySelector(`[data-testid="${t}"] canvas`) as HTMLCanvasElement;
    const d = (canvas.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 3] === 255 && Math.abs(d[i]! - 0xd6) + Math.abs(d[i + 1]! - 0x45) + Math.abs(d[i + 2]! - 0x45) <= 12) n++;
    return n;
  }, testid);
}

describe('PPO alarms on the page', () => {
  let s: PageSession;

  beforeAll(async () => {
    s = await openPage('?backend=wasm#/ppo');
  });

  afterAll(async () => {
    await s?.close();
  });

  it('raises none on a healthy run, and marks no chart', async () => {
    const { page } = s;
    await stageShown(page, 'ppo');
    await feed(page, points(20, (x) => x / 10, (x) => 3 + x / 20), { name: 'the Fact-RM', accuracy: 0.9, decided: 40 });
    await expect.poll(() => attr(page, 'ppo-chart-reward', 'data-points'), SLOW).toBe('20');
    expect(await page.getByTestId('ppo-alarm').count()).toBe(0);
    expect(await attr(page, 'ppo-chart-reward', 'data-marks')).toBe('');
    await page.waitForTimeout(100);
    expect(await redPixels(page, 'ppo-chart-reward')).toBe(0);
  });

  it('calls a hacked run gamed, marks where it started, and links to what to try', async () => {
    const { page } = s;
    // Gold 3.0, 3.2 (step 5, the best), 3.0, 2.6, 2.2 while the RM's score rises all along.
    await feed(page, points(20, (x) => x / 10, (x) => [3, 3.2, 3, 2.6, 2.2][x / 5] as number), { name: 'the Fact-RM', accuracy: 0.9, decided: 40 });
    await expect.poll(() => page.getByTestId('ppo-alarm').count(), SLOW).toBe(1);
    const alarm = page.getByTestId('ppo-alarm');
    expect(await alarm.getAttribute('data-id')).toBe('gamed');
    expect(await alarm.textContent()).toContain("The reward is being gamed: since step 5 the reward model's score rose from 0.75 to 1.75 while the judge's gold score fell from 3.20 to 2.20.");
    expect(await attr(page, 'ppo-chart-reward', 'data-marks')).toBe('5');
    expect(await attr(page, 'ppo-chart-gold-score', 'data-marks')).toBe('5');
    expect(await attr(page, 'ppo-chart-kl', 'data-marks')).toBe('');
    await expect.poll(() => redPixels(page, 'ppo-chart-reward')).toBeGreaterThan(50);
    await page.getByTestId('ppo-chart-reward').scrollIntoViewIfNeeded();
    await s.screenshot('ppo-alarm-gamed');
    await page.getByTestId('ppo-alarm-link').click();
    await stageShown(page, 'reward');
    await page.locator('nav a[data-stage="ppo"]').click();
    await stageShown(page, 'ppo');
  });

  it('names a reward model at chance from step 0, on the healthy run too', async () => {
    const { page } = s;
    await feed(page, points(20, (x) => x / 10, (x) => 3 + x / 20), { name: 'the plain RM', accuracy: 0.4, decided: 5 });
    await expect.poll(() => page.getByTestId('ppo-alarm').count(), SLOW).toBe(1);
    expect(await page.getByTestId('ppo-alarm').getAttribute('data-id')).toBe('rm-chance');
    expect(await page.getByTestId('ppo-alarm').textContent()).toContain('the plain RM ranks 40% of 5 held-out pairs as the labeller did, and a coin gets 50%');
    expect(await attr(page, 'ppo-chart-reward', 'data-marks')).toBe('0');
    expect(await page.getByTestId('ppo-alarm-link').getAttribute('href')).toBe('#/label');
    expect(s.errors).toEqual([]);
  });
});
