// Best-of-n, the over-optimisation curve and DPO in the Evaluate stage, in Chromium: with the
// shipped SFT policy and a plain RM trained on auto-labelled pairs, a sweep of n = 1, 2, 4 fills a
// table (KL 0 at n = 1, log 2 − 1/2 at n = 2) and the chart; a short PPO run adds its gold points
// to the chart; a short DPO run on the same labels makes the tuned policy the loaded one (a new
// version), and that policy benchmarks beside the others.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, type PageSession } from './browser';
import { SLOW, attr, policyAndRewardModel, stageShown } from './drive';

const LONG = { timeout: 300_000, interval: 250 };

describe('best-of-n and DPO in the Evaluate stage', () => {
  let s: PageSession;

  beforeAll(async () => {
    s = await openPage('?backend=wasm#/label');
  });

  afterAll(async () => {
    await s?.close();
  });

  it('starts from the shipped SFT policy and a plain RM trained on auto-labelled pairs', async () => {
    const { page } = s;
    await policyAndRewardModel(page, 'plain');
  });

  it('runs best-of-n with n = 1, 2, 4: a row per n with the KL of best-of-n, and the chart has points', async () => {
    const { page } = s;
    await page.locator('nav a[data-stage="evaluate"]').click();
    expect(await page.getByTestId('bon-chart-empty').isVisible()).toBe(true);
    // Only the plain RM was trained, so only it is offered, and picked.
    expect(await page.locator('[data-testid^="bon-rm-"]').count()).toBe(1);
    expect(await page.getByTestId('bon-rm-plain').getAttribute('aria-pressed')).toBe('true');
    // A list the engine refuses is named, and the sweep cannot start.
    await page.getByTestId('bon-ns').fill('4,2');
    await expect.poll(() => page.getByText('Fix: n list must be ascending without repeats.').isVisible()).toBe(true);
    expect(await page.getByTestId('bon-start').isDisabled()).toBe(true);
    await page.getByTestId('bon-ns').fill('1,2,4');
    await page.getByTestId('bon-maxNewTokens').fill('16');
    await expect.poll(() => page.getByTestId('bon-start').isEnabled(), SLOW).toBe(true);
    await page.getByTestId('bon-start').click();
    await expect.poll(() => page.getByTestId('bon-row').count(), LONG).toBe(3);
    const rows = page.getByTestId('bon-table-plain').getByTestId('bon-row');
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-n')))).toEqual(['1', '2', '4']);
    const kl = await page.getByTestId('bon-table-plain').getByTestId('bon-kl').allTextContents();
    expect(kl[0]).toBe('0.000');
    expect(kl[1]).toBe((Math.log(2) - 1 / 2).toFixed(3));
    expect(kl[1]).toBe('0.193');
    expect(Number(await rows.nth(1).getAttribute('data-kl'))).toBeCloseTo(Math.log(2) - 0.5, 12);
    // Every gold score is the judge's 0-6.
    for (const g of await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-gold'))))) {
      expect(g).toBeGreaterThanOrEqual(0);
      expect(g).toBeLessThanOrEqual(6);
    }
    // Gold and RM score at three √KL each, the fitted curve and the peak.
    expect(Number(await attr(page, 'bon-chart', 'data-points'))).toBeGreaterThanOrEqual(3 + 3 + 1);
    expect(await page.getByTestId('bon-chart-empty').count()).toBe(0);
    expect(await page.getByTestId('bon-fit').textContent()).toContain('d(α − βd)');
    expect(await page.locator('[data-testid="bon-table-plain"] tr[data-peak="true"]').count()).toBe(1);
  });

  it("adds a PPO run's gold against √KL to the chart, with the RL form", async () => {
    const { page } = s;
    const points = Number(await attr(page, 'bon-chart', 'data-points'));
    expect(await page.getByTestId('bon-ppo').count()).toBe(0);
    await page.locator('nav a[data-stage="ppo"]').click();
    await page.getByTestId('ppo-preset-plain-rlhf').click();
    await page.getByTestId('ppo-steps').fill('3');
    await page.locator('details.every summary').click();
    for (const [k, v] of [['batchSize', '8'], ['miniBatchSize', '4'], ['responseLength', '16'], ['goldEvery', '1'], ['goldProbeSize', '8'], ['samplesPerPoint', '1']] as const) await page.getByTestId(`ppo-${k}`).fill(v);
    await expect.poll(() => page.getByTestId('ppo-start').isEnabled(), SLOW).toBe(true);
    await page.getByTestId('ppo-start').click();
    await expect.poll(() => attr(page, 'ppo-result', 'data-steps'), LONG).toBe('3');
    await page.locator('nav a[data-stage="evaluate"]').click();
    // The gold before any update and after each of the three (the last two at the same KL: the last rollout's).
    await expect.poll(() => page.getByTestId('bon-ppo').textContent().catch(() => '')).toContain('4 gold points');
    const rows = page.getByTestId('bon-ppo-row');
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-step')).sort())).toEqual(['0', '1', '2', '3']);
    expect(await page.locator('[data-testid="bon-ppo-row"][data-step="0"]').getAttribute('data-kl')).toBe('0');
    // The RL form is fitted exactly when two of the points lie at distinct √KL beyond the start (a tiny run's KL estimate may be 0).
    const kls = new Set((await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-kl'))))).filter((k) => k > 0));
    const summary = await page.getByTestId('bon-ppo').textContent();
    if (kls.size >= 2) expect(summary).toContain('fit d(α − β log d): α');
    else expect(summary).toContain('too few distinct √KL to fit yet');
    expect(Number(await attr(page, 'bon-chart', 'data-points'))).toBeGreaterThan(points + 3);
    // The sweep's rows are still there.
    expect(await page.getByTestId('bon-row').count()).toBe(3);
  });

  it('runs DPO on the labels: the tuned policy is the loaded one, a new version, and benchmarks', async () => {
    const { page } = s;
    const before = await page.getByTestId('eval-loaded').textContent();
    await page.getByTestId('dpo-beta').fill('0.5');
    await page.getByTestId('dpo-epochs').fill('0.1');
    await page.getByTestId('dpo-minSteps').fill('3');
    await page.getByTestId('dpo-batchPairs').fill('4');
    await page.getByTestId('dpo-goldEvery').fill('0');
    await page.locator('[data-testid="dpo-card"] details.every summary').click();
    // A knob out of the engine's bounds is named, and the run cannot start.
    await page.getByTestId('dpo-heldOutShare').fill('1');
    await expect.poll(() => page.getByText('Fix: Held-out share must be a number above 0 and below 1.').isVisible()).toBe(true);
    expect(await page.getByTestId('dpo-start').isDisabled()).toBe(true);
    await page.getByTestId('dpo-heldOutShare').fill('0.3');
    await page.getByTestId('dpo-evalEvery').fill('0');
    await page.getByTestId('dpo-goldProbeSize').fill('8');
    await page.getByTestId('dpo-klPrompts').fill('4');
    await expect.poll(() => attr(page, 'dpo-plan', 'data-steps')).toBe('3');
    await expect.poll(() => page.getByTestId('dpo-start').isEnabled(), SLOW).toBe(true);
    await page.getByTestId('dpo-start').click();
    await expect.poll(() => attr(page, 'dpo-result', 'data-steps'), LONG).toBe('3');
    expect(await attr(page, 'dpo-result', 'data-stopped')).toBe('false');
    const from = (await attr(page, 'dpo-result', 'data-from')) as string;
    const version = (await attr(page, 'dpo-result', 'data-version')) as string;
    // The reference is the loaded policy: the SFT policy after the PPO run's updates.
    expect(from).toMatch(/^sft@[0-9a-f]{8}\/ppo-[0-9a-f]{4}\+\d+$/);
    // The DPO run's own name after it, and its three updates.
    expect(version).toMatch(new RegExp(`^${from.replaceAll('+', '\\+')}/dpo-[0-9a-f]{4}\\+3$`));
    // Three losses, the gold figures at the start and the end.
    expect(Number(await attr(page, 'dpo-loss-chart', 'data-points'))).toBeGreaterThanOrEqual(3);
    expect(Number(await attr(page, 'dpo-gold-chart', 'data-points'))).toBe(4);
    // The tuned policy is the loaded one now: the Evaluate stage's button names it.
    await expect.poll(() => page.getByTestId('eval-loaded').textContent()).not.toBe(before);
    expect(await page.getByTestId('eval-loaded').textContent()).toContain('dpo');
    // Named so on every stage, with the DPO run's own name and its updates after it.
    const named = (await page.getByTestId('header-policy').innerText()).trim();
    expect(named).toMatch(/^dpo.*\/dpo-[0-9a-f]{4}\+3$/);
    expect(await page.getByTestId('eval-loaded').textContent()).toContain(`(${named})`);
    for (const stage of ['label', 'reward', 'ppo']) {
      await page.locator(`nav a[data-stage="${stage}"]`).click();
      await stageShown(page, stage);
      expect(await page.getByTestId('gate-policy').textContent(), stage).toBe(named);
    }
    await page.locator('nav a[data-stage="evaluate"]').click();
    await stageShown(page, 'evaluate');
    await page.getByTestId('dpo-bench').click();
    await expect.poll(() => page.getByTestId('eval-run').count(), LONG).toBe(1);
    const run = page.getByTestId('eval-run').first();
    expect(await run.textContent()).toContain(version);
    const score = Number(await run.getAttribute('data-score'));
    expect(score).toBeGreaterThanOrEqual(0);
    expect(score).toBeLessThanOrEqual(6);
    await s.screenshot('overopt');
    expect(s.errors).toEqual([]);
  });
});
