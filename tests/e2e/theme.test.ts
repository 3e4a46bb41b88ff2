// Charts and the theme in Chromium: a chart on show (SFT's loss curve, Evaluate's bars) takes the
// other theme's colours the moment the header's theme button is pressed (titles, ticks and legends
// readable in both), without the stage being left; and a chart saved as PNG carries the theme's
// card background, not a transparent one.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { RESULTS_DIR, openPage, type PageSession } from './browser';
import { SLOW, attr, stageShown } from './drive';

type Theme = 'light' | 'dark';

/** The theme's colours as the page's CSS gives them, as #rrggbb. */
async function themeColours(page: Page): Promise<{ text: string; surface: string }> {
  return page.evaluate(() => {
    const css = getComputedStyle(document.documentElement);
    const ctx = document.createElement('canvas').getContext('2d') as CanvasRenderingContext2D;
    const hex = (v: string) => {
      ctx.fillStyle = '#000000';
      ctx.fillStyle = v.trim();
      return String(ctx.fillStyle);
    };
    return { text: hex(css.getPropertyValue('--text')), surface: hex(css.getPropertyValue('--surface')) };
  });
}

/** The colours chart.js last drew a chart's ticks, legend and title in (its canvas's data attributes), as #rrggbb. */
async function drawnColours(page: Page, testid = 'loss-chart'): Promise<{ ticks: string; legend: string; title: string }> {
  return page.evaluate((t) => {
    const canvas = document.querySelector(`[data-testid="${t}"] canvas`) as HTMLCanvasElement;
    const ctx = document.createElement('canvas').getContext('2d') as CanvasRenderingContext2D;
    const hex = (v: string | undefined) => {
      if (!v) return '';
      ctx.fillStyle = '#000000';
      ctx.fillStyle = v;
      return String(ctx.fillStyle);
    };
    return { ticks: hex(canvas.dataset.tickColor), legend: hex(canvas.dataset.legendColor), title: hex(canvas.dataset.titleColor) };
  }, testid);
}

/**
 * How many opaque pixels within a small distance of `hex` the loss chart's canvas has in its top and
 * bottom strips (the title; the legend and the x axis's title), where no curve is drawn: text in that colour.
 */
async function pixelsOf(page: Page, hex: string): Promise<number> {
  return page.evaluate((h) => {
    const canvas = document.querySelector('[data-testid="loss-chart"] canvas') as HTMLCanvasElement;
    const d = (canvas.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, canvas.width, canvas.height).data;
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
    const strip = 24 * devicePixelRatio;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) {
      const y = Math.floor(i / 4 / canvas.width);
      if (y >= strip && y < canvas.height - strip) continue;
      if (d[i + 3] === 255 && Math.abs(d[i]! - r) + Math.abs(d[i + 1]! - g) + Math.abs(d[i + 2]! - b) <= 6) n++;
    }
    return n;
  }, hex);
}

/** Decodes a PNG in the page (an <img> drawn on a canvas); returns its top-left pixel as [r, g, b, a]. */
async function cornerPixel(page: Page, png: Buffer): Promise<number[]> {
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.naturalWidth;
    c.height = img.naturalHeight;
    const ctx = c.getContext('2d') as CanvasRenderingContext2D;
    ctx.drawImage(img, 0, 0);
    return [...ctx.getImageData(0, 0, 1, 1).data];
  }, png.toString('base64'));
}

function rgba(hex: string): number[] {
  return [...[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)), 255];
}

describe('charts follow the theme', () => {
  let s: PageSession;

  beforeAll(async () => {
    s = await openPage('?backend=wasm#/sft');
  });

  afterAll(async () => {
    await s?.close();
  });

  /** Presses the header's theme button and waits for <html> to carry the theme. */
  async function toggleTo(theme: Theme): Promise<void> {
    const { page } = s;
    await page.getByTestId('theme').click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
  }

  /** Saves the whole stage (scrolled to the top, the pointer off the buttons) and the loss chart alone under test-results/. */
  async function screenshots(name: string): Promise<void> {
    const { page } = s;
    await page.mouse.move(1, 799);
    await page.evaluate(() => scrollTo(0, 0));
    await s.screenshot(name);
    await page.getByTestId('loss-chart').screenshot({ path: join(RESULTS_DIR, `${name}-chart.png`) });
  }

  /** Puts the page in `theme` (pressing the theme button if it is in the other). */
  async function ensureTheme(theme: Theme): Promise<void> {
    if ((await s.page.evaluate(() => document.documentElement.dataset.theme)) !== theme) await toggleTo(theme);
  }

  /** Saves the loss chart with its PNG button; returns the file's bytes. */
  async function exportPng(): Promise<Buffer> {
    const { page } = s;
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('loss-chart-png').click()]);
    expect(png.suggestedFilename()).toBe('sft-loss.png');
    return readFileSync((await png.path()) as string);
  }

  it('gives the loss chart a few points to draw (3 steps of SFT)', async () => {
    const { page } = s;
    await stageShown(page, 'sft');
    await page.getByTestId('load-sft').click();
    await expect.poll(() => page.getByTestId('policy-name').textContent(), SLOW).toBe('sft');
    await page.getByTestId('train-steps').fill('3');
    await page.getByTestId('train-batch').fill('4');
    await page.getByTestId('train-start').click();
    await expect.poll(() => page.getByTestId('train-result').isVisible(), SLOW).toBe(true);
    await expect.poll(() => attr(page, 'loss-chart', 'data-points'), SLOW).toBe('4');
    await expect.poll(() => page.getByTestId('loss-chart-png').isEnabled()).toBe(true);
  });

  it('restyles the chart on show at once when the theme changes, both ways', async () => {
    const { page } = s;
    // Start from the light theme, whatever the system prefers.
    await ensureTheme('light');
    const light = await themeColours(page);
    await expect.poll(() => drawnColours(page)).toEqual({ ticks: light.text, legend: light.text, title: light.text });
    expect(await pixelsOf(page, light.text)).toBeGreaterThan(30);
    // Mark the canvas: the same one must still be on show after the toggle (the stage not left).
    await page.evaluate(() => ((document.querySelector('[data-testid="loss-chart"] canvas') as HTMLCanvasElement & { themeMark?: boolean }).themeMark = true));

    await toggleTo('dark');
    const dark = await themeColours(page);
    expect(dark.text).not.toBe(light.text);
    await expect.poll(() => drawnColours(page), { timeout: 5_000 }).toEqual({ ticks: dark.text, legend: dark.text, title: dark.text });
    // The canvas itself shows text in the dark theme's colour, none left in the light one's.
    await expect.poll(() => pixelsOf(page, dark.text), { timeout: 5_000 }).toBeGreaterThan(30);
    expect(await pixelsOf(page, light.text)).toBe(0);
    expect(await page.locator('main.stage-view').getAttribute('data-stage')).toBe('sft');
    expect(await page.evaluate(() => (document.querySelector('[data-testid="loss-chart"] canvas') as HTMLCanvasElement & { themeMark?: boolean }).themeMark)).toBe(true);
    expect(await attr(page, 'loss-chart', 'data-points')).toBe('4');
    await screenshots('theme-sft-dark');

    await toggleTo('light');
    await expect.poll(() => drawnColours(page), { timeout: 5_000 }).toEqual({ ticks: light.text, legend: light.text, title: light.text });
    await expect.poll(() => pixelsOf(page, light.text), { timeout: 5_000 }).toBeGreaterThan(30);
    expect(await pixelsOf(page, dark.text)).toBe(0);
    await screenshots('theme-sft-light');
  });

  it("exports the chart as PNG on the theme's card background", async () => {
    const { page } = s;
    await ensureTheme('light');
    const light = await themeColours(page);
    expect(await cornerPixel(page, await exportPng())).toEqual(rgba(light.surface));

    await toggleTo('dark');
    const dark = await themeColours(page);
    expect(dark.surface).not.toBe(light.surface);
    expect(await cornerPixel(page, await exportPng())).toEqual(rgba(dark.surface));
  });

  it('restyles the bar charts of the Evaluate stage too', async () => {
    const { page } = s;
    await ensureTheme('light');
    const light = await themeColours(page);
    await page.locator('nav a[data-stage="evaluate"]').click();
    await stageShown(page, 'evaluate');
    await expect.poll(() => page.getByTestId('eval-shipped-sft').isEnabled(), SLOW).toBe(true);
    await page.getByTestId('eval-shipped-sft').click();
    await expect.poll(() => attr(page, 'eval-bars', 'data-groups'), SLOW).toBe('1');
    await expect.poll(() => drawnColours(page, 'eval-bars')).toEqual({ ticks: light.text, legend: light.text, title: light.text });

    await toggleTo('dark');
    const dark = await themeColours(page);
    await expect.poll(() => drawnColours(page, 'eval-bars'), { timeout: 5_000 }).toEqual({ ticks: dark.text, legend: dark.text, title: dark.text });
    await expect.poll(() => drawnColours(page, 'eval-score-bars'), { timeout: 5_000 }).toEqual({ ticks: dark.text, legend: dark.text, title: dark.text });
    expect(await page.locator('main.stage-view').getAttribute('data-stage')).toBe('evaluate');
    await page.mouse.move(1, 799);
    await page.getByTestId('eval-bars').screenshot({ path: join(RESULTS_DIR, 'theme-evaluate-dark-bars.png') });
    expect(s.errors).toEqual([]);
  });

  it('draws chart text larger in presenter mode, and back when it is left', async () => {
    const { page } = s;
    await page.locator('nav a[data-stage="sft"]').click();
    await stageShown(page, 'sft');
    const size = () => page.evaluate(() => (document.querySelector('[data-testid="loss-chart"] canvas') as HTMLCanvasElement | null)?.dataset.tickSize);
    await expect.poll(size).toBe('12');
    await page.getByTestId('present').click();
    await expect.poll(size).toBe('16');
    await screenshots('theme-present');
    await page.getByTestId('present').click();
    await expect.poll(size).toBe('12');
  });
});
