// The World stage in Chromium: a scene drawn on a canvas beside its facts, questions by
// type, and the judge's verdict on answers typed with the keyboard (true, false, gibberish),
// built from what the page itself shows; a new seed brings new facts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openPage, type PageSession } from './browser';

const COLORS = ['red', 'green', 'blue', 'yellow', 'purple', 'orange'];
const SHAPES = ['circle', 'square', 'triangle', 'diamond', 'cross'];

/** Returns the fact sentences the page shows. */
async function facts(page: Page): Promise<string[]> {
  return (await page.getByTestId('facts').locator('li').allTextContents()).map((t) => t.trim());
}

/** Returns the number of distinct colours on the scene canvas, and its size in device pixels. */
async function canvasColours(page: Page): Promise<{ colours: number; width: number; height: number }> {
  return page.getByTestId('scene-canvas').evaluate((el) => {
    const canvas = el as HTMLCanvasElement;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2d context');
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const seen = new Set<number>();
    for (let i = 0; i < data.length; i += 4) seen.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
    return { colours: seen.size, width: canvas.width, height: canvas.height };
  });
}

/** Clears the answer box and types the text key by key, as a person would. */
async function typeAnswer(page: Page, text: string): Promise<void> {
  const box = page.getByTestId('answer');
  await box.fill('');
  await box.focus();
  await page.keyboard.type(text);
}

describe('World stage', () => {
  let s: PageSession;

  beforeAll(async () => {
    s = await openPage('#/world');
  });

  afterAll(async () => {
    await s?.close();
  });

  it('draws the selected scene on a canvas that is not blank, beside its facts', async () => {
    const { page } = s;
    await expect.poll(() => page.getByTestId('facts').locator('li').count()).toBeGreaterThanOrEqual(2);
    const shown = await facts(page);
    expect(shown.at(-1)).toMatch(/^it is (day|night) \.$/);
    for (const f of shown.slice(0, -1)) expect(f).toMatch(/^there is a (small|large) \w+ \w+ (at|on|in) the [\w ]+ \.$/);

    // With the default (noisy) camera, the image has many colours.
    const noisy = await canvasColours(page);
    expect(noisy.width).toBe(48);
    expect(noisy.colours).toBeGreaterThan(20);
    // With perfect pixels: the background, each object's colour and anti-aliased edges; still
    // several colours, but far fewer, so the pixels are the scene and not just noise.
    await page.getByTestId('preset-clean').click();
    await expect.poll(() => page.getByTestId('preset-clean').getAttribute('aria-pressed')).toBe('true');
    const clean = await canvasColours(page);
    expect(clean.colours).toBeGreaterThanOrEqual(3);
    expect(clean.colours).toBeLessThan(noisy.colours);
    // The canvas is shown large and crisp.
    const box = await page.getByTestId('scene-canvas').boundingBox();
    expect(box?.width).toBeGreaterThanOrEqual(240);
    expect(await page.getByTestId('scene-canvas').evaluate((el) => getComputedStyle(el).imageRendering)).toBe('pixelated');
    await page.getByTestId('preset-default').click();
    expect((await canvasColours(page)).colours).toBe(noisy.colours);
  });

  it('shows a question for each type picked', async () => {
    const { page } = s;
    await page.getByTestId('qtype-environment').click();
    await expect.poll(() => page.getByTestId('question').textContent()).toContain('is it day or night ?');
    await page.getByTestId('qtype-counting').click();
    await expect.poll(() => page.getByTestId('question').textContent()).toMatch(/how many [\w ]+ are there \?/);
    await page.getByTestId('toggle-reference').click();
    expect(await page.getByTestId('reference').textContent()).toMatch(/^there (is|are) \w+ [\w ]+ \.$/);
    await page.getByTestId('qtype-holistic').click();
    await expect.poll(() => page.getByTestId('question').textContent()).toContain('describe the image .');
  });

  it('finds no hallucination in a true answer typed from the facts, and marks its claim true', async () => {
    const { page } = s;
    const first = (await facts(page))[0]!;
    // Typed the way a person would: capitals, no space before the full stop.
    const typed = first.replace(/ \.$/, '.').replace(/^there/, 'There');
    await typeAnswer(page, typed);
    await expect.poll(() => page.getByTestId('judged-text').textContent()).toBe(first);
    await expect.poll(() => page.getByTestId('hallucination').getAttribute('data-hallucination')).toBe('false');
    const claims = page.getByTestId('claim');
    expect(await claims.count()).toBe(1);
    expect(await claims.first().getAttribute('data-truth')).toBe('true');
    expect(await claims.first().textContent()).toContain(first);
    expect(Number(await page.getByTestId('score').getAttribute('data-score'))).toBeGreaterThanOrEqual(3);
  });

  it('flags an object that is not in the facts as a hallucination, with the claim marked false', async () => {
    const { page } = s;
    const text = (await facts(page)).join(' ');
    const absent = COLORS.flatMap((c) => SHAPES.map((sh) => `${c} ${sh}`)).find((cs) => !text.includes(cs))!;
    const sentence = `there is a ${absent} .`;
    await typeAnswer(page, sentence);
    await expect.poll(() => page.getByTestId('hallucination').getAttribute('data-hallucination')).toBe('true');
    const claim = page.getByTestId('claim').first();
    expect(await claim.getAttribute('data-truth')).toBe('false');
    expect(await claim.textContent()).toContain(sentence);
    expect(await claim.textContent()).toContain('✗');
    expect(Number(await page.getByTestId('score').getAttribute('data-score'))).toBeLessThan(3);
    expect(await page.getByTestId('hallucination').textContent()).toBe('hallucinates');
  });

  it('reports gibberish as not understood by the grammar', async () => {
    const { page } = s;
    await typeAnswer(page, 'the wug gorps the blicket .');
    await expect.poll(() => page.getByTestId('unparsed').count()).toBe(1);
    expect(await page.getByTestId('unparsed').textContent()).toContain('not understood by the grammar');
    expect(await page.getByTestId('claim').count()).toBe(0);
    expect(await page.getByTestId('informativeness').textContent()).toContain('0%');
    // Not a green "no hallucination": the judge cannot say.
    expect(await page.getByTestId('verdict-pill').getAttribute('data-tone')).toBe('unknown');
    expect(await page.getByTestId('verdict-pill').textContent()).toBe('not understood');
  });

  it('reads what was typed in the judge\'s spelling, and shows it so', async () => {
    const { page } = s;
    await typeAnswer(page, '  It is   NIGHT.  Is there a red Circle?yes');
    await expect.poll(() => page.getByTestId('judged-text').textContent()).toBe('it is night . is there a red circle ? yes .');
  });

  it('scores the reference answer as true, and an added hallucination as false', async () => {
    const { page } = s;
    await page.getByTestId('use-reference').click();
    await expect.poll(() => page.getByTestId('hallucination').getAttribute('data-hallucination')).toBe('false');
    expect(await page.getByTestId('claim').evaluateAll((els) => els.map((e) => e.getAttribute('data-truth')))).not.toContain('false');
    await page.getByTestId('add-hallucination').click();
    await expect.poll(() => page.getByTestId('hallucination').getAttribute('data-hallucination')).toBe('true');
    expect(await page.getByTestId('claim').last().getAttribute('data-truth')).toBe('false');
    // Top of the page, no tooltip open: the screenshot shows the page as it sits.
    await page.mouse.move(0, 0);
    await page.evaluate(() => window.scrollTo(0, 0));
    await s.screenshot('world');
  });

  it('shows other facts for another seed, from the seed box or a click in the gallery', async () => {
    const { page } = s;
    const before = await facts(page);
    const seedBox = page.getByTestId('seed-input');
    await seedBox.fill('12345');
    await seedBox.press('Enter');
    await expect.poll(() => page.getByTestId('scene-title').textContent()).toBe('Scene 12345');
    const after = await facts(page);
    expect(after).not.toEqual(before);
    // The gallery turned to the seed's page, with that scene selected.
    expect(await page.locator('[data-testid="thumb"][aria-pressed="true"]').getAttribute('data-seed')).toBe('12345');
    // A click on another thumbnail selects it; the arrow keys move on from there.
    const other = page.locator('[data-testid="thumb"][data-seed="12350"]');
    await other.click();
    await expect.poll(() => page.getByTestId('scene-title').textContent()).toBe('Scene 12350');
    expect(await facts(page)).not.toEqual(after);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.getByTestId('scene-title').textContent()).toBe('Scene 12351');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-seed'))).toBe('12351');
  });

  it('fits a narrow screen without scrolling sideways', async () => {
    const { page } = s;
    for (const width of [1280, 400]) {
      await page.setViewportSize({ width, height: 800 });
      await expect
        .poll(() => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth))
        .toBe(0);
      const canvas = await page.getByTestId('scene-canvas').boundingBox();
      expect(canvas!.x + canvas!.width).toBeLessThanOrEqual(width);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('logged no console errors and no page errors', () => {
    expect(s.errors).toEqual([]);
  });
});
