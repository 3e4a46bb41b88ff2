// The SFT stage in Chromium, driven as a person would: load the shipped policy, sample answers
// judged claim by claim, train a few steps with a live loss chart, stop a long run, export and
// import a .ckpt file (and reject a junk one), save in the browser and load it after a reload;
// and greedy answers that agree between the WebGPU and WASM backends.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { join } from 'node:path';
import { openPage, type PageSession } from './browser';
import { judge } from '../../src/engine/judge/judge';
import { sampleScene } from '../../src/engine/world/sampler';
import { SLOW, attr } from './drive';

const BACKENDS = /^(webgpu|webgl|wasm|cpu)$/;
const ROOT = join(import.meta.dirname, '..', '..');
/** Sets a range input as a drag would (fill() does not take ranges). */
async function setRange(input: Locator, value: number): Promise<void> {
  await input.evaluate((el, v) => {
    const r = el as HTMLInputElement;
    r.value = String(v);
    r.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);
}

/** Waits for the header to name the backend the engine started on; returns it. */
async function backendName(page: Page): Promise<string> {
  const badge = page.locator('header .backend');
  await expect.poll(async () => (await badge.textContent())?.trim(), SLOW).toMatch(BACKENDS);
  return ((await badge.textContent()) ?? '').trim();
}

/** Loads a shipped policy by folder name and waits until the card shows it. */
async function loadShipped(page: Page, folder: string): Promise<void> {
  await page.getByTestId(`load-${folder}`).click();
  await expect.poll(() => page.getByTestId('policy-name').textContent(), SLOW).toBe(folder);
}

/** Samples `n` answers at a temperature for the scene and question type on show; returns their texts. */
async function sampleAnswers(page: Page, n: number, temperature: number): Promise<string[]> {
  await setRange(page.getByTestId('sample-temperature'), temperature);
  await page.getByTestId('sample-n').fill(String(n));
  const before = await attr(page, 'sample-results', 'data-batch');
  await page.getByTestId('sample-run').click();
  await expect.poll(() => attr(page, 'sample-results', 'data-batch'), SLOW).not.toBe(before);
  const texts = await page.getByTestId('sample-text').evaluateAll((els) => els.map((e) => e.getAttribute('data-text') ?? ''));
  expect(texts).toHaveLength(n);
  return texts;
}

/** Returns the first word at which two answers differ, for a failure message. */
function firstDifference(a: string, b: string): string {
  const x = a.split(' ');
  const y = b.split(' ');
  const i = x.findIndex((w, k) => w !== y[k]);
  const at = i === -1 ? x.length : i;
  return `first differing token at index ${at}: webgpu ${JSON.stringify(x[at] ?? '<end>')} vs wasm ${JSON.stringify(y[at] ?? '<end>')}`;
}

describe('SFT stage', () => {
  let s: PageSession;
  let params = 0;

  beforeAll(async () => {
    s = await openPage('?backend=wasm#/sft');
  });

  afterAll(async () => {
    await s?.close();
  });

  it('shows the backend in the header and loads the shipped SFT policy', async () => {
    const { page } = s;
    expect(await backendName(page)).toBe('wasm');
    expect(await page.locator('.stage-view h2').first().textContent()).toBe('SFT');
    // Before a policy is loaded, sampling and training are off, and say why.
    await expect.poll(() => page.getByTestId('policy-empty').isVisible(), SLOW).toBe(true);
    expect(await page.getByTestId('sample-run').isDisabled()).toBe(true);
    expect(await page.getByTestId('train-start').isDisabled()).toBe(true);
    expect(await page.getByTestId('sample-blocked').textContent()).toMatch(/load a policy first/i);

    await loadShipped(page, 'sft');
    params = Number(await page.getByTestId('policy-params').getAttribute('data-params'));
    expect(params).toBeGreaterThan(1000);
    expect(await page.getByTestId('policy-params').textContent()).toBe(`${params.toLocaleString('en-US')} parameters`);
    expect(await page.getByTestId('policy-mixture').textContent()).toMatch(/VQA \d+% · hallucinating \d+%/);
    expect(await page.getByTestId('sample-run').isEnabled()).toBe(true);
  });

  it('samples two answers at temperature 1, each with the judge’s verdict', async () => {
    const { page } = s;
    await page.getByTestId('sample-seed').fill('11');
    await page.getByTestId('sample-qtype').selectOption('holistic');
    await expect.poll(() => page.getByTestId('sample-question').textContent()).toContain('describe');
    const texts = await sampleAnswers(page, 2, 1);
    const question = (await page.getByTestId('sample-question').locator('code').textContent())!.trim();
    const responses = page.getByTestId('sample-response');
    expect(await responses.count()).toBe(2);
    for (const [i, r] of (await responses.all()).entries()) {
      // The page's verdict is the judge's on the scene of seed 11.
      const verdict = judge(sampleScene(11), question, texts[i]!);
      expect(await r.getAttribute('data-hallucination')).toBe(String(verdict.hallucination));
      expect(await r.getByTestId('sample-verdict').textContent()).toContain(`${verdict.score} / 6`);
      // A hallucinating answer shows at least one sentence in red, and only then.
      const red = await r.locator('[data-truth="false"]').count();
      expect(red > 0).toBe((await r.getAttribute('data-hallucination')) === 'true');
    }
  });

  it('benchmarks the policy: ShapesHal-Bench by type, POPE per split and CHAIR', async () => {
    const { page } = s;
    await page.getByTestId('bench-run').click();
    await expect.poll(() => page.getByTestId('bench-report').isVisible(), SLOW).toBe(true);
    // Greedy decoding on WASM, as `pretrain` measured it: the page shows the figures in the manifest.
    const shipped = (JSON.parse(readFileSync(join(ROOT, 'models/sft/model.json'), 'utf8')) as { userDefinedMetadata: { rlhfPlayground: { metadata: { bench: { shapesHal: { score: number; hallucinationRate: number } } } } } }).userDefinedMetadata.rlhfPlayground.metadata.bench.shapesHal;
    const score = Number(await page.getByTestId('bench-score').getAttribute('data-value'));
    expect(score).toBeCloseTo(shipped.score, 9);
    const rate = Number(await page.getByTestId('bench-hallucination').getAttribute('data-value'));
    expect(rate).toBeCloseTo(shipped.hallucinationRate, 9);
    expect(await page.getByTestId('bench-hallucination').textContent()).toContain(`${Math.round(rate * 100)}%`);
    expect(await page.getByTestId('bench-types').locator('tbody tr').count()).toBe(8);
    expect((await page.getByTestId('bench-pope').locator('tbody th').allTextContents()).map((t) => t.trim())).toEqual(['random', 'popular', 'adversarial']);
    expect(await page.getByTestId('bench-chair').textContent()).toMatch(/CHAIRi\s*\d+%.*CHAIRs\s*\d+%/s);
  });

  it('trains 3 steps of batch 4: the chart receives points and the run ends with a held-out loss', async () => {
    const { page } = s;
    await page.getByTestId('train-steps').fill('3');
    await page.getByTestId('train-batch').fill('4');
    await page.getByTestId('train-start').click();
    // While it runs, no other policy can be loaded; sampling (read-only) stays open beside it.
    await expect.poll(() => page.getByTestId('load-sft-plus').isDisabled()).toBe(true);
    expect(await page.getByTestId('sample-run').isDisabled()).toBe(false);
    await expect.poll(() => page.getByTestId('train-result').isVisible(), SLOW).toBe(true);
    const result = page.getByTestId('train-result');
    expect(await result.getAttribute('data-steps')).toBe('3');
    expect(await result.getAttribute('data-stopped')).toBe('false');
    const heldOut = Number(await result.getAttribute('data-held-out'));
    expect(heldOut).toBeGreaterThan(0);
    expect(Number.isFinite(heldOut)).toBe(true);
    // Three training-loss points and the held-out loss at step 3.
    expect(Number(await page.getByTestId('loss-chart').getAttribute('data-points'))).toBe(4);
    expect(await page.getByTestId('held-out-loss').textContent()).toBe(heldOut.toFixed(3));
    expect(await page.getByTestId('policy-recipe').textContent()).toBe('trained in the page');
    expect(await page.getByTestId('sample-run').isEnabled()).toBe(true);
  });

  it('stops a long run before its last step', async () => {
    const { page } = s;
    await page.getByTestId('train-steps').fill('300');
    await page.getByTestId('train-start').click();
    await expect.poll(async () => Number(await page.getByTestId('loss-chart').getAttribute('data-points')), SLOW).toBeGreaterThan(2);
    expect(await page.getByTestId('steps-per-second').textContent()).toMatch(/steps\/s/);
    await page.getByTestId('train-stop').click();
    // Wait for the run to end either way, then check that it ended early.
    await expect.poll(() => attr(page, 'train-result', 'data-stopped'), { timeout: 90_000, interval: 100 }).not.toBeNull();
    expect(await attr(page, 'train-result', 'data-stopped'), 'the run went on to its last step: the worker never saw "stop"').toBe('true');
    const steps = Number(await page.getByTestId('train-result').getAttribute('data-steps'));
    expect(steps).toBeGreaterThan(0);
    expect(steps).toBeLessThan(300);
    expect(await page.getByTestId('train-result').textContent()).toContain(`Stopped at step ${steps} of 300`);
    expect(await page.getByTestId('train-stop').isDisabled()).toBe(true);
  });

  it('exports a .ckpt file, imports it back, and rejects a junk file keeping the policy', async () => {
    const { page } = s;
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export').click()]);
    const name = download.suggestedFilename();
    expect(name).toBe('sft.ckpt');
    const bytes = readFileSync((await download.path()) as string);
    expect(bytes.subarray(0, 8).toString('latin1')).toBe('RLHFCKPT');

    // Load another policy, then import the file: the trained policy comes back.
    await loadShipped(page, 'sft-plus');
    expect(await page.getByTestId('policy-recipe').textContent()).not.toBe('trained in the page');
    await page.getByTestId('import-file').setInputFiles({ name, mimeType: 'application/octet-stream', buffer: bytes });
    await expect.poll(() => page.getByTestId('policy-note').textContent().catch(() => ''), SLOW).toBe(`Imported ${name}.`);
    expect(await page.getByTestId('policy-name').textContent()).toBe('sft');
    expect(await page.getByTestId('policy-recipe').textContent()).toBe('trained in the page');
    expect(Number(await page.getByTestId('policy-params').getAttribute('data-params'))).toBe(params);

    // A junk file: a clear error, and the previous policy stays.
    await page.getByTestId('import-file').setInputFiles({ name: 'junk.ckpt', mimeType: 'application/octet-stream', buffer: Buffer.from('this is not a checkpoint at all') });
    await expect.poll(() => page.getByTestId('policy-error').textContent().catch(() => ''), SLOW).toContain('not an RLHF Playground checkpoint');
    expect(await page.getByTestId('policy-error').textContent()).toContain('The previous policy (sft) is still loaded.');
    expect(await page.getByTestId('policy-name').textContent()).toBe('sft');
    expect(await page.getByTestId('policy-recipe').textContent()).toBe('trained in the page');
    expect(await page.getByTestId('sample-run').isEnabled()).toBe(true);
    await page.mouse.move(0, 400); // no hover highlight in the shot
    await page.evaluate(() => window.scrollTo(0, 0)); // keep the sticky header at the top of the shot
    await s.screenshot('sft');
    // The failure shows wherever a stage names the policy, until it is dismissed.
    await page.locator('nav a[data-stage="label"]').click();
    await expect.poll(() => page.getByTestId('gate-policy-error').textContent().catch(() => '')).toContain('not an RLHF Playground checkpoint');
    await page.getByTestId('gate-policy-error-dismiss').click();
    expect(await page.getByTestId('gate-policy-error').count()).toBe(0);
    await page.locator('nav a[data-stage="sft"]').click();
    await expect.poll(() => page.getByTestId('policy-name').textContent().catch(() => '')).toBe('sft');
    expect(await page.getByTestId('policy-error').count()).toBe(0);
  });

  it('saves the policy in the browser and loads it after a reload', async () => {
    const { page } = s;
    await page.getByTestId('save-browser').click();
    await expect.poll(() => page.getByTestId('policy-note').textContent().catch(() => ''), SLOW).toBe('Saved sft in this browser.');
    // Another policy meanwhile: then a reload brings back that one, as the page had it.
    await page.getByTestId('load-sft-plus').click();
    await expect.poll(() => page.getByTestId('policy-name').textContent().catch(() => ''), SLOW).toBe('sft-plus');
    await page.reload({ waitUntil: 'load' });
    await backendName(page);
    await expect.poll(() => page.getByTestId('policy-name').textContent().catch(() => ''), SLOW).toBe('sft-plus');
    expect(await page.getByTestId('loaded-sft-plus').isVisible()).toBe(true);
    // The copy saved by hand loads back under its name.
    await page.getByTestId('load-browser').click();
    await expect.poll(() => page.getByTestId('policy-name').textContent().catch(() => ''), SLOW).toBe('sft');
    expect(await page.getByTestId('policy-recipe').textContent()).toBe('trained in the page');
    expect(Number(await page.getByTestId('policy-params').getAttribute('data-params'))).toBe(params);
    expect(s.errors).toEqual([]);
  });
});

describe('SFT stage on WebGPU', () => {
  let s: PageSession;

  beforeAll(async () => {
    s = await openPage('?backend=webgpu#/sft');
  });

  afterAll(async () => {
    await s?.close();
  });

  /** Loads the shipped SFT policy and returns its greedy answer for scene 5's counting question. */
  async function greedyAnswer(page: Page): Promise<string> {
    await loadShipped(page, 'sft');
    await page.getByTestId('sample-seed').fill('5');
    await page.getByTestId('sample-qtype').selectOption('counting');
    const [text] = await sampleAnswers(page, 1, 0);
    return text as string;
  }

  it('gives the same greedy answer as WASM for the same weights, scene and question', async () => {
    const { page } = s;
    expect(await backendName(page)).toBe('webgpu');
    const webgpu = await greedyAnswer(page);
    await page.goto(s.url('?backend=wasm#/sft'), { waitUntil: 'load' });
    expect(await backendName(page)).toBe('wasm');
    const wasm = await greedyAnswer(page);
    expect(webgpu, firstDifference(webgpu, wasm)).toBe(wasm);
    expect(s.errors).toEqual([]);
  });
});
