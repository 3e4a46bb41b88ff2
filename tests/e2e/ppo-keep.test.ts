// A PPO run kept in Chromium: autosaved every 2 steps, the tab reloaded mid-run, and the PPO stage
// back at the last save (its charts up to that step, a note saying so, the policy the one saved with
// it), a new run started from there; a paused run keeps its policy; the whole run exported as one file, imported in a fresh
// browser (the same metrics, policy version and labels, none twice), and a junk file and a bundle
// with a damaged checkpoint refused by name with nothing stored changed.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openPage, type PageSession } from './browser';
import { SLOW, attr, policyAndRewardModel } from './drive';
import { readZip, writeZip } from '../../src/app/ui/zip';

const LONG = { timeout: 180_000, interval: 200 };
const num = async (page: Page, testid: string, name: string) => Number(await attr(page, testid, name));
const labelCount = (page: Page) => page.evaluate(() => (globalThis as unknown as { rlhfPlayground: { session: { label: { prefs: { records: unknown[] } } } } }).rlhfPlayground.session.label.prefs.records.length);

/** Small, fast settings for a test run, saved every 2 steps. */
async function smallRun(page: Page, steps: number): Promise<void> {
  await page.getByTestId('ppo-steps').fill(String(steps));
  await page.getByTestId('ppo-saveEvery').fill('2');
  await page.locator('details.every summary').click();
  for (const [k, v] of [['batchSize', '8'], ['miniBatchSize', '4'], ['responseLength', '24'], ['goldEvery', '1'], ['goldProbeSize', '8'], ['samplesPerPoint', '2']] as const) await page.getByTestId(`ppo-${k}`).fill(v);
}

/** The charts hold the points of steps 0..step: the reward's two series and the KL from step 1, the gold chart's three (true and informative, hallucination, no answer) from step 0. */
async function chartsUpTo(page: Page, step: number): Promise<void> {
  expect(await num(page, 'ppo-chart-kl', 'data-points')).toBe(step);
  expect(await num(page, 'ppo-chart-reward', 'data-points')).toBe(2 * step);
  expect(await num(page, 'ppo-chart-gold-rate', 'data-points')).toBe(3 * (step + 1));
  expect(await num(page, 'ppo-status', 'data-step')).toBe(step);
}

describe('a PPO run kept in this browser', () => {
  let s: PageSession;
  let fresh: PageSession | undefined;
  let bundle: Buffer;
  let exported: { rows: number; version: string; labels: number; kl: number };

  beforeAll(async () => {
    s = await openPage('?backend=wasm#/label');
  });

  afterAll(async () => {
    await s?.close();
    await fresh?.close();
  });

  it('starts from the shipped SFT policy and a Fact-RM', async () => {
    const { page } = s;
    await policyAndRewardModel(page, 'fact');
  });

  it('autosaves a run every 2 steps; a reload mid-run comes back at the last save, with the policy saved with it', async () => {
    const { page } = s;
    await page.locator('nav a[data-stage="ppo"]').click();
    await smallRun(page, 0);
    await page.getByTestId('ppo-start').click();
    await expect.poll(() => num(page, 'ppo-saved', 'data-step'), LONG).toBeGreaterThanOrEqual(2);
    const saved = { step: await num(page, 'ppo-saved', 'data-step'), version: (await attr(page, 'ppo-saved', 'data-version')) as string };
    // The worker timed the save until it was on disk.
    expect(await page.evaluate(() => (globalThis as unknown as { rlhfPlayground: { session: { ppo: { lastSaveMs: number | null } } } }).rlhfPlayground.session.ppo.lastSaveMs)).toBeGreaterThan(0);
    expect(saved.version).toMatch(/^sft@[0-9a-f]{8}\/ppo-[0-9a-f]{4}\+\d+$/);
    // The tab goes while the run goes on.
    await page.reload({ waitUntil: 'load' });
    await expect.poll(() => attr(page, 'ppo-restored', 'data-step'), LONG).not.toBeNull();
    const back = { step: await num(page, 'ppo-restored', 'data-step'), version: (await attr(page, 'ppo-restored', 'data-version')) as string };
    // At the save seen, or at one made after it before the tab went.
    expect(back.step).toBeGreaterThanOrEqual(saved.step);
    expect(back.step % 2).toBe(0);
    if (back.step === saved.step) expect(back.version).toBe(saved.version);
    // The run came back in the same save as its policy: never one a step behind the other.
    expect(await page.getByTestId('ppo-restored').textContent()).toContain(`kept with the policy ${back.version}, from its last save at step ${back.step}`);
    expect(await page.getByTestId('restored').textContent()).toContain(`the PPO run up to step ${back.step}`);
    await chartsUpTo(page, back.step);
    expect(await attr(page, 'policy-gate', 'data-version')).toBe(back.version);
    // The knobs came back too.
    expect(await page.getByTestId('ppo-saveEvery').inputValue()).toBe('2');
    expect(await page.getByTestId('ppo-batchSize').inputValue()).toBe('8');
    await s.screenshot('ppo-restored');

    // A new run goes on from there.
    await page.getByTestId('ppo-steps').fill('2');
    await expect.poll(() => page.getByTestId('ppo-start').isEnabled(), SLOW).toBe(true);
    await page.getByTestId('ppo-start').click();
    await page.getByTestId('ppo-from-tuned').click();
    await expect.poll(() => attr(page, 'ppo-result', 'data-steps'), LONG).toBe('2');
    expect(await page.getByTestId('ppo-restored').count()).toBe(0);
    await chartsUpTo(page, 2);
    await expect.poll(() => attr(page, 'ppo-saved', 'data-version'), SLOW).toBe(await attr(page, 'policy-gate', 'data-version'));
    // The new run's policy is the restored one trained further, by a run of its own: its version goes on from the restored one's.
    expect(await attr(page, 'policy-gate', 'data-version')).toMatch(new RegExp(`^${back.version.replaceAll('+', '\\+')}/ppo-[0-9a-f]{4}\\+\\d+$`));
    expect(s.errors).toEqual([]);
  });

  it('exports the run as one file: its config, metrics, policy and labels', async () => {
    const { page } = s;
    await expect.poll(() => page.getByTestId('ppo-export-run').isEnabled(), SLOW).toBe(true);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('ppo-export-run').click()]);
    expect(download.suggestedFilename()).toBe('ppo-run.zip');
    bundle = readFileSync((await download.path()) as string);
    exported = { rows: await num(page, 'ppo-saved', 'data-rows'), version: (await attr(page, 'ppo-saved', 'data-version')) as string, labels: await labelCount(page), kl: await num(page, 'ppo-chart-kl', 'data-points') };
    // The gold figures at the start and a row per step.
    expect(exported.rows).toBe(3);
    expect(exported.labels).toBe(16);
    const files = await readZip(new Uint8Array(bundle));
    expect([...files.keys()].sort()).toEqual(['ppo-run/README.md', 'ppo-run/labels.jsonl', 'ppo-run/metrics.jsonl', 'ppo-run/policy.ckpt', 'ppo-run/run.json']);
    expect(await page.getByTestId('ppo-keep-note').textContent()).toMatch(/^Exported the run \(step 2, 3 metric rows, policy sft@[0-9a-f]{8}(\/ppo-[0-9a-f]{4}\+\d+)+\) with 16 labels to ppo-run\.zip/);
  });

  it('keeps the policy when a run is paused, with no save every N steps', async () => {
    const { page } = s;
    await page.getByTestId('ppo-steps').fill('0');
    await page.getByTestId('ppo-saveEvery').fill('0');
    await page.getByTestId('ppo-start').click();
    await page.getByTestId('ppo-from-tuned').click();
    await expect.poll(() => num(page, 'ppo-status', 'data-step'), LONG).toBeGreaterThan(0);
    await page.getByTestId('ppo-pause').click();
    await expect.poll(() => page.getByTestId('ppo-resume').isVisible(), SLOW).toBe(true);
    // Held after its current step: that step's policy is kept, with the run beside it.
    await expect.poll(async () => (await num(page, 'ppo-saved', 'data-step')) === (await num(page, 'ppo-status', 'data-step')) && (await attr(page, 'ppo-saved', 'data-version')) === (await attr(page, 'policy-gate', 'data-version')), LONG).toBe(true);
    expect(await num(page, 'ppo-saved', 'data-step')).toBeGreaterThan(0);
    await page.getByTestId('ppo-stop').click();
    await expect.poll(() => attr(page, 'ppo-result', 'data-stopped'), LONG).toBe('true');
    expect(s.errors).toEqual([]);
  });

  it('imports it in a fresh browser: the same metrics, policy version and labels; a second import adds no label', async () => {
    fresh = await openPage('?backend=wasm#/ppo');
    const { page } = fresh;
    await expect.poll(() => page.getByTestId('ppo-import-run').isEnabled(), SLOW).toBe(true);
    expect(await labelCount(page)).toBe(0);
    await page.getByTestId('ppo-import-file').setInputFiles({ name: 'ppo-run.zip', mimeType: 'application/zip', buffer: bundle });
    await expect.poll(() => page.getByTestId('ppo-keep-note').textContent().catch(() => ''), LONG).toMatch(/^Imported ppo-run\.zip: the run up to step 2 \(3 metric rows\)/);
    expect(await num(page, 'ppo-saved', 'data-rows')).toBe(exported.rows);
    expect(await attr(page, 'ppo-saved', 'data-version')).toBe(exported.version);
    expect(await attr(page, 'policy-gate', 'data-version')).toBe(exported.version);
    expect(await num(page, 'ppo-chart-kl', 'data-points')).toBe(exported.kl);
    expect(await labelCount(page)).toBe(exported.labels);
    expect(await page.getByTestId('ppo-keep-note').textContent()).toContain(`and ${exported.labels} new labels (0 already stored)`);

    await page.getByTestId('ppo-import-file').setInputFiles({ name: 'ppo-run.zip', mimeType: 'application/zip', buffer: bundle });
    await expect.poll(() => page.getByTestId('ppo-keep-note').textContent().catch(() => ''), LONG).toContain(`and 0 new labels (${exported.labels} already stored)`);
    expect(await labelCount(page)).toBe(exported.labels);
    expect(fresh.errors).toEqual([]);
  });

  it('refuses a junk file and a bundle with a damaged checkpoint, by name, with nothing stored changed', async () => {
    const { page } = fresh as PageSession;
    const refused = () => page.getByTestId('ppo-keep-error').textContent().catch(() => '');
    await page.getByTestId('ppo-import-file').setInputFiles({ name: 'junk.zip', mimeType: 'application/zip', buffer: Buffer.from('not a zip at all') });
    await expect.poll(refused, SLOW).toBe('junk.zip was refused, and nothing stored was changed: it is not a run bundle: not a zip archive (no end-of-directory record).');

    const files = await readZip(new Uint8Array(bundle));
    const ckpt = files.get('ppo-run/policy.ckpt') as Uint8Array;
    const damaged = writeZip([...files].map(([path, data]) => ({ path, data: path.endsWith('policy.ckpt') ? ckpt.subarray(0, 200) : data })));
    await page.getByTestId('ppo-import-file').setInputFiles({ name: 'damaged.zip', mimeType: 'application/zip', buffer: Buffer.from(damaged) });
    await expect.poll(refused, LONG).toMatch(/^damaged\.zip was refused, and nothing stored was changed: its policy\.ckpt could not be loaded \(/);
    // What was imported before is all still there.
    expect(await attr(page, 'policy-gate', 'data-version')).toBe(exported.version);
    expect(await num(page, 'ppo-saved', 'data-rows')).toBe(exported.rows);
    expect(await labelCount(page)).toBe(exported.labels);
    await page.reload({ waitUntil: 'load' });
    await expect.poll(() => attr(page, 'ppo-restored', 'data-version'), LONG).toBe(exported.version);
    expect(await attr(page, 'policy-gate', 'data-version')).toBe(exported.version);
    await expect.poll(() => labelCount(page), SLOW).toBe(exported.labels);
    await (fresh as PageSession).screenshot('ppo-imported');
  });
});
