// Links that carry an experiment, presenter mode and the themes, in Chromium: a link's settings
// are applied and named (a bad one named and left out); "Copy link" writes the same settings back;
// presenter mode by keys; the dark theme kept over a reload; screenshots of both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, type PageSession } from './browser';
import { SLOW, attr, press, stageShown } from './drive';

describe('links, presenter mode and themes', () => {
  let s: PageSession;

  beforeAll(async () => {
    s = await openPage('?backend=wasm#/ppo?seed=11&ppo.preset=reward-hacking&ppo.klCoef=0.25&rm.epochs=2&label.annotator=noisy&bogus=1&ppo.steps=many');
    await s.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  });

  afterAll(async () => {
    await s?.close();
  });

  it('applies a link’s settings, says what it set, names what it could not, and drops them from the address', async () => {
    const { page } = s;
    const note = page.getByTestId('link-settings');
    await expect.poll(() => note.textContent().catch(() => ''), SLOW).toContain('This link set');
    const text = (await note.textContent()) ?? '';
    for (const part of ['seed = 11', 'ppo.preset = reward-hacking', 'ppo.klCoef = 0.25', 'rm.epochs = 2', 'label.annotator = noisy']) expect(text).toContain(part);
    expect(text).toContain('“bogus” is not a setting');
    expect(text).toContain('ppo.steps must be a number, not “many”');
    expect(await page.locator('header .seed strong').textContent()).toBe('11');
    expect(await page.getByTestId('ppo-preset-reward-hacking').getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('ppo-klCoef').inputValue()).toBe('0.25');
    // The preset's own knobs, then the link's override.
    expect(await page.getByTestId('ppo-lengthPenalty').inputValue()).toBe('0');
    expect(await page.getByTestId('ppo-steps').inputValue()).toBe('60');
    expect(await page.evaluate(() => location.hash)).toBe('#/ppo');
  });

  it('copies a link that carries the same settings, and opening it gives the same knobs', async () => {
    const { page } = s;
    await page.getByTestId('ppo-correctnessBonus').fill('0.75');
    await page.getByTestId('copy-link').click();
    await expect.poll(() => page.getByTestId('copy-link').textContent()).toContain('copied');
    const url = await page.evaluate(() => navigator.clipboard.readText());
    const q = new URLSearchParams(new URL(url).hash.split('?')[1]);
    expect(Object.fromEntries(q)).toEqual({ seed: '11', 'label.annotator': 'noisy', 'rm.epochs': '2', 'ppo.preset': 'reward-hacking', 'ppo.klCoef': '0.25', 'ppo.correctnessBonus': '0.75' });
    const other = await s.context.newPage();
    await other.goto(url);
    await expect.poll(() => other.getByTestId('ppo-correctnessBonus').inputValue().catch(() => ''), SLOW).toBe('0.75');
    expect(await other.getByTestId('ppo-klCoef').inputValue()).toBe('0.25');
    expect(await other.locator('header .seed strong').textContent()).toBe('11');
    await other.close();
  });

  it('presenter mode: P turns it on, ] and [ move between stages, P turns it off', async () => {
    const { page } = s;
    await press(page, 'p');
    await expect.poll(() => page.evaluate(() => document.documentElement.hasAttribute('data-present'))).toBe(true);
    expect(await page.getByTestId('present').getAttribute('aria-pressed')).toBe('true');
    await press(page, ']');
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#/evaluate');
    await press(page, '[');
    await press(page, '[');
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#/reward');
    await page.evaluate(() => window.scrollTo(0, 0));
    await s.screenshot('presenter');
    await press(page, 'p');
    await expect.poll(() => page.evaluate(() => document.documentElement.hasAttribute('data-present'))).toBe(false);
  });

  it('keeps the dark theme over a reload', async () => {
    const { page } = s;
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await page.getByTestId('theme').click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.reload();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme), SLOW).toBe('dark');
    expect(await attr(page, 'theme', 'aria-label')).toContain('light');
    await page.goto(s.url('?backend=wasm#/world'));
    await expect.poll(() => attr(page, 'backend', 'data-backend'), SLOW).toBe('wasm');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await stageShown(page, 'world');
    await s.screenshot('dark');
    expect(s.errors).toEqual([]);
  });
});
