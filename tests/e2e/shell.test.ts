// The app shell in Chromium: the page loads cleanly, the header and the stage nav show,
// stages are reached by clicking and by link, a reload keeps the stage, and stages still
// to come cannot be opened.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, type PageSession } from './browser';

const STAGE_LABELS = ['World', 'SFT', 'Label', 'Reward', 'PPO', 'Evaluate'];

describe('app shell', () => {
  let s: PageSession;

  beforeAll(async () => {
    s = await openPage();
  });

  afterAll(async () => {
    await s?.close();
  });

  it('loads with the header, the stage nav and the World stage', async () => {
    const { page } = s;
    await expect.poll(() => page.locator('header .brand').textContent()).toContain('RLHF Playground');
    const nav = page.getByRole('navigation', { name: 'Pipeline stages' });
    const items = (await nav.locator('li .stage').allTextContents()).map((t) => t.replace(/^\d+/, '').trim());
    expect(items).toEqual(STAGE_LABELS);
    expect(await page.locator('.stage-view h2').textContent()).toBe('World');
    expect(await page.locator('.stage[aria-current="page"]').textContent()).toContain('World');
    expect(await page.title()).toBe('World · RLHF Playground');
    // Backend (once the engine worker has started), seed and run name sit in the header.
    await expect.poll(() => page.locator('header .backend').textContent(), { timeout: 60_000 }).toMatch(/^\s*(webgpu|webgl|wasm|cpu)\s*$/);
    expect(await page.locator('header .seed').textContent()).toMatch(/seed\s+\d+/);
    expect((await page.locator('header .run-name').textContent())?.trim()).not.toBe('');
    await s.screenshot('shell');
  });

  it('shows the stages still to come as such, and a link to one opens a preview of what it will hold', async () => {
    const { page } = s;
    const coming = page.locator('nav a.stage.coming');
    expect(await page.locator('nav a.stage[href]').count()).toBe(STAGE_LABELS.length);
    // The stages still to come, by name: the test changes when one of them arrives.
    expect((await coming.allTextContents()).map((t) => t.replace(/^\d+/, '').trim())).toEqual(['Evaluate']);
    const first = coming.first();
    expect(await first.getAttribute('data-tooltip')).toMatch(/: coming in a later stage$/);
    await first.hover();
    await expect.poll(() => first.evaluate((el) => getComputedStyle(el, '::after').opacity)).toBe('1');
    await s.screenshot('shell-tooltip');
    await first.click();
    await expect.poll(() => page.url()).toMatch(/#\/evaluate$/);
    expect(await page.getByTestId('coming-stage').getAttribute('data-stage')).toBe('evaluate');
    expect(await page.getByTestId('coming-list').locator('li').count()).toBeGreaterThanOrEqual(3);
    expect(await page.locator('.stage-view h2').textContent()).toBe('Evaluate');
    await page.goto(s.url('#/world'));
  });

  it('updates the hash on a click, and keeps the stage over a reload', async () => {
    const { page } = s;
    // Every stage that can be opened: click it, see the hash and the panel change, reload.
    const links = page.locator('nav a.stage[href]');
    const count = await links.count();
    expect(count).toBeGreaterThan(0);
    for (let i = 0; i < count; i++) {
      const link = links.nth(i);
      const label = (await link.textContent())!.replace(/^\d+/, '').trim();
      const id = (await link.getAttribute('data-stage'))!;
      await link.click();
      await expect.poll(() => page.evaluate(() => location.hash)).toBe(`#/${id}`);
      await expect.poll(() => page.locator('.stage-view').getAttribute('data-stage')).toBe(id);
      await page.reload({ waitUntil: 'load' });
      expect(await page.evaluate(() => location.hash)).toBe(`#/${id}`);
      await expect.poll(() => page.locator('.stage-view').getAttribute('data-stage')).toBe(id);
      expect(await page.locator('.stage[aria-current="page"]').textContent()).toContain(label);
    }
  });

  it('sends a link to no stage to World', async () => {
    const { page } = s;
    for (const hash of ['#/no-such-stage', '#/']) {
      await page.goto('about:blank');
      await page.goto(s.url(hash), { waitUntil: 'load' });
      await expect.poll(() => page.evaluate(() => location.hash)).toBe('#/world');
      expect(await page.locator('.stage-view').getAttribute('data-stage')).toBe('world');
    }
    // A hash change without a reload (the back button, a pasted link) is followed too.
    await page.evaluate(() => (location.hash = '#/no-such-stage'));
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#/world');
  });

  it('logged no console errors and no page errors', () => {
    expect(s.errors).toEqual([]);
  });
});
