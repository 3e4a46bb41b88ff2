// The PPO stage in Chromium: with the shipped SFT policy and a Fact-RM trained on auto-labelled
// pairs, a short run fills the charts (reward, gold hallucination rate, KL, …) and the sample feed;
// a run is paused, stepped once and resumed; labels given while PPO runs refresh the reward model
// (online RLHF); and a reward that needs a reward model not trained yet says so.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openPage, type PageSession } from './browser';
import { SLOW, attr, pairOnShow, press, policyAndRewardModel, stageShown } from './drive';
import { PPO_PRESET_NAMES } from '../../src/engine/ppo/presets';

const LONG = { timeout: 180_000, interval: 200 };
const step = async (page: Page) => Number(await attr(page, 'ppo-status', 'data-step'));

/** Small, fast settings for a test run. */
async function smallRun(page: Page, steps: number): Promise<void> {
  await page.getByTestId('ppo-steps').fill(String(steps));
  await page.locator('details.every summary').click();
  for (const [k, v] of [['batchSize', '8'], ['miniBatchSize', '4'], ['responseLength', '24'], ['goldEvery', '1'], ['goldProbeSize', '8'], ['samplesPerPoint', '2']] as const) await page.getByTestId(`ppo-${k}`).fill(v);
}

describe('PPO stage', () => {
  let s: PageSession;

  beforeAll(async () => {
    s = await openPage('?backend=wasm#/label');
  });

  it('starts from the shipped SFT policy and a Fact-RM trained on auto-labelled pairs', async () => {
    const { page } = s;
    await policyAndRewardModel(page, 'fact');
  });

  afterAll(async () => {
    await s?.close();
  });

  it('offers every preset, and says which reward model a reward needs', async () => {
    const { page } = s;
    await page.locator('nav a[data-stage="ppo"]').click();
    expect(await page.locator('[data-testid^="ppo-preset-"]:not([data-testid="ppo-preset-info"])').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.slice('ppo-preset-'.length)))).toEqual([...PPO_PRESET_NAMES]);
    await page.getByTestId('ppo-preset-plain-rlhf').click();
    await expect.poll(() => page.getByTestId('ppo-blocked').textContent()).toContain('Train a plain RM first');
    expect(await page.getByTestId('ppo-start').isDisabled()).toBe(true);
    await page.getByTestId('ppo-preset-fact-rlhf').click();
    await expect.poll(() => page.getByTestId('ppo-start').isEnabled()).toBe(true);
  });

  it('runs 3 steps against the Fact-RM: the charts and the sample feed fill, the policy is a new version', async () => {
    const { page } = s;
    await smallRun(page, 3);
    await page.getByTestId('ppo-start').click();
    await expect.poll(() => attr(page, 'ppo-result', 'data-steps'), LONG).toBe('3');
    expect(await attr(page, 'ppo-result', 'data-stopped')).toBe('false');
    // Three steps of the reward; the gold rate at the start and after each step.
    expect(Number(await attr(page, 'ppo-chart-reward', 'data-points'))).toBe(6);
    expect(Number(await attr(page, 'ppo-chart-gold-rate', 'data-points'))).toBe(3 * 4); // true and informative, hallucination, no answer at steps 0-3
    expect(Number(await attr(page, 'ppo-chart-kl', 'data-points'))).toBe(3);
    expect(await page.getByTestId('ppo-sample').count()).toBe(6);
    // A false claim in the feed is marked, and only where the judge says so.
    for (const li of await page.getByTestId('ppo-sample').all()) {
      expect((await li.locator('[data-truth="false"]').count()) > 0).toBe((await li.getAttribute('data-hallucination')) === 'true');
    }
    // The run named its weights: the shipped version, the run's own name, its updates (an update per minibatch and epoch).
    const tuned = (await page.getByTestId('ppo-result').textContent())?.match(/sft@[0-9a-f]{8}\/ppo-[0-9a-f]{4}\+\d+/)?.[0];
    expect(tuned).toBeDefined();
    // The header and the SFT card name the tuned weights, and what made them.
    expect(await attr(page, 'header-policy', 'data-version')).toBe(tuned);
    expect((await page.getByTestId('header-policy').innerText())?.trim()).toBe(`sft${(tuned as string).slice((tuned as string).indexOf('/'))}`);
    const named = `sft${(tuned as string).slice((tuned as string).indexOf('/'))}`;
    // Every stage that works from the policy names the tuned one.
    for (const stage of ['label', 'reward', 'ppo', 'evaluate']) {
      await page.locator(`nav a[data-stage="${stage}"]`).click();
      await stageShown(page, stage);
      if (stage === 'evaluate') expect(await page.getByTestId('eval-loaded').textContent(), stage).toContain(`(${named})`);
      else expect(await page.getByTestId('gate-policy').textContent(), stage).toBe(named);
    }
    await page.locator('nav a[data-stage="sft"]').click();
    expect(await page.getByTestId('policy-version').textContent()).toBe(`${tuned} after PPO here (fact-rlhf, 3 steps)`);
    expect(await page.getByTestId('policy-bench').textContent()).toContain('as it was before the updates here');
    await page.locator('nav a[data-stage="ppo"]').click();
    // The metrics as CSV (a row per step, TRL's names as columns) and a chart as PNG.
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('ppo-csv').click()]);
    expect(csv.suggestedFilename()).toBe('ppo-metrics.csv');
    const lines = readFileSync((await csv.path()) as string, 'utf8').trim().split('\n');
    const header = lines[0]!.split(',');
    for (const k of ['step', 'objective/scores', 'objective/kl', 'policy/clipfrac_avg', 'tokens/responses_len_mean']) expect(header).toContain(k);
    // The gold figures at the start, then one row per step.
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['0', '1', '2', '3']);
    // The gold hallucination rate on show is the one measured after step 3: a count out of the 8 probes.
    const rate = Number(await attr(page, 'ppo-gold-rate', 'data-value'));
    expect(header).toContain('gold/hallucination_rate');
    expect(rate).toBe(Number(lines.at(-1)!.split(',')[header.indexOf('gold/hallucination_rate')]));
    expect(Number.isInteger(rate * 8)).toBe(true);
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('ppo-chart-kl-png').click()]);
    expect(png.suggestedFilename()).toBe('kl-from-the-reference.png');
    expect(readFileSync((await png.path()) as string).subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it('pauses, steps once and resumes a run, and stops it', async () => {
    const { page } = s;
    // The run before was kept at its end.
    await expect.poll(() => attr(page, 'ppo-saved', 'data-step'), SLOW).toBe('3');
    const before = await attr(page, 'ppo-saved', 'data-version');
    await page.getByTestId('ppo-steps').fill('0');
    // Kept only when the run holds or ends: a save after Pause says the run has come to its hold.
    await page.getByTestId('ppo-saveEvery').fill('0');
    // The policy is tuned already: Run PPO asks where from, and nothing runs until answered.
    await page.getByTestId('ppo-start').click();
    expect(await attr(page, 'ppo-ask', 'data-tuned')).toBe(before);
    expect(await page.getByTestId('ppo-ask').textContent()).toContain('start again from SFT');
    expect(await page.getByTestId('ppo-progress').count()).toBe(0);
    await page.getByTestId('ppo-from-tuned').click();
    expect(await page.getByTestId('ppo-ask').count()).toBe(0);
    await expect.poll(() => step(page), LONG).toBeGreaterThan(0);
    await page.getByTestId('ppo-pause').click();
    await expect.poll(() => page.getByTestId('ppo-resume').isVisible(), SLOW).toBe(true);
    await expect.poll(() => attr(page, 'ppo-saved', 'data-version'), LONG).not.toBe(before);
    // A run of its own, on top of the first one's weights.
    expect(await attr(page, 'ppo-saved', 'data-version')).toMatch(new RegExp(`^${(before as string).replaceAll('+', '\\+')}/ppo-[0-9a-f]{4}\\+\\d+$`));
    const held = Number(await attr(page, 'ppo-saved', 'data-step'));
    expect(await step(page)).toBe(held);
    // One step, and it holds again right after it.
    await page.getByTestId('ppo-one-step').click();
    await expect.poll(() => attr(page, 'ppo-saved', 'data-step'), LONG).toBe(String(held + 1));
    expect(await step(page)).toBe(held + 1);
    await page.getByTestId('ppo-resume').click();
    await expect.poll(() => step(page), LONG).toBeGreaterThan(held + 1);
    await page.getByTestId('ppo-stop').click();
    await expect.poll(() => attr(page, 'ppo-result', 'data-stopped'), LONG).toBe('true');
  });

  it('labels while PPO runs; every 2 labels retrain the reward model and swap it in', async () => {
    const { page } = s;
    await page.getByTestId('ppo-refreshEvery').fill('2');
    // This time from the start: the shipped SFT policy is loaded again, and the run gets a name of its own.
    const first = (await attr(page, 'ppo-saved', 'data-version')) as string;
    await page.getByTestId('ppo-start').click();
    await page.getByTestId('ppo-from-start').click();
    await expect.poll(() => step(page), LONG).toBeGreaterThan(0);
    const fresh = (v: string | null) => v !== null && /^sft@[0-9a-f]{8}\/ppo-[0-9a-f]{4}\+\d+$/.test(v) && v !== first;
    await expect.poll(async () => fresh(await attr(page, 'header-policy', 'data-version')), LONG).toBe(true);
    const again = (await attr(page, 'header-policy', 'data-version')) as string;
    expect(again.split('/')[0]).toBe(first.split('/')[0]);
    expect(again.split('/')[1]!.split('+')[0]).not.toBe(first.split('/')[1]!.split('+')[0]);
    await page.getByTestId('ppo-label-open').click();
    for (let i = 0; i < 2; i++) {
      const no = await pairOnShow(page);
      await press(page, '1');
      await expect.poll(() => attr(page, 'pair', 'data-revealed'), SLOW).toBe('true');
      await press(page, 'Enter');
      await expect.poll(() => attr(page, 'pair', 'data-pair'), SLOW).not.toBe(no);
    }
    await expect.poll(() => attr(page, 'ppo-refresh', 'data-refreshes'), LONG).toBe('1');
    await page.getByTestId('ppo-stop').click();
    await expect.poll(() => attr(page, 'ppo-result', 'data-stopped'), LONG).toBe('true');
    await page.evaluate(() => window.scrollTo(0, 0));
    await s.screenshot('ppo');
    expect(s.errors).toEqual([]);
  });
});
