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
    expect(await page.locator('header .seed').innerText()).toMatch(/^seed \d+$/);
    // Every header button says what it does at this width.
    expect(await page.getByTestId('copy-link').innerText()).toBe('Copy link');
    expect((await page.locator('header .run-name').textContent())?.trim()).not.toBe('');
    await s.screenshot('shell');
  });

  it('links every stage, each with a tooltip saying what it is for', async () => {
    const { page } = s;
    const links = page.locator('nav a.stage[href]');
    expect(await links.count()).toBe(STAGE_LABELS.length);
    for (const [i, el] of (await links.all()).entries()) {
      expect(await el.getAttribute('href')).toBe(`#/${['world', 'sft', 'label', 'reward', 'ppo', 'evaluate'][i]}`);
      expect((await el.getAttribute('data-tooltip'))?.length).toBeGreaterThan(10);
    }
    const last = links.last();
    await last.hover();
    await expect.poll(() => last.evaluate((el) => getComputedStyle(el, '::after').opacity)).toBe('1');
    await s.screenshot('shell-tooltip');
    await last.click();
    await expect.poll(() => page.locator('.stage-view h2').first().textContent()).toBe('Evaluate');
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
