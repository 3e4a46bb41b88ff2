// Driving the page the way a person does, shared by every e2e file: generous waits (the page
// trains models on two CPU cores), reading a test id's attribute, pressing keys with nothing
// focused, and the steps several files take (a pair on show, the shipped policy loaded).
import { expect } from 'vitest';
import type { Page } from 'playwright-core';

/** Poll settings for anything the engine computes. */
export const SLOW = { timeout: 60_000, interval: 100 };

/** Returns an attribute of the first element with this test id, or null; never waits for it. */
export function attr(page: Page, testid: string, name: string): Promise<string | null> {
  return page.evaluate(([t, n]) => document.querySelector(`[data-testid="${t}"]`)?.getAttribute(n as string) ?? null, [testid, name]);
}

/** Waits for `stage` on show and laid out: its panel rendered, the fonts loaded, two frames drawn. */
export async function stageShown(page: Page, stage: string): Promise<void> {
  await expect.poll(() => page.locator('main.stage-view').getAttribute('data-stage'), SLOW).toBe(stage);
  await page.evaluate(async () => {
    await document.fonts.ready;
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  });
}

/** Presses a key with the focus on the page itself (no control focused). */
export async function press(page: Page, key: string): Promise<void> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur?.());
  await page.keyboard.press(key);
}

/** Waits for a pair on show in the Label stage, not yet labelled; returns its number. */
export async function pairOnShow(page: Page): Promise<string> {
  await expect.poll(() => attr(page, 'pair', 'data-revealed'), SLOW).toBe('false');
  await expect.poll(() => page.getByTestId('choice-A').isEnabled(), SLOW).toBe(true);
  return (await attr(page, 'pair', 'data-pair')) as string;
}

/** Loads the shipped SFT policy with the button of a stage's policy gate (Label, Reward). */
export async function loadSftFromGate(page: Page): Promise<void> {
  await expect.poll(() => page.getByTestId('gate-load-sft').isEnabled(), SLOW).toBe(true);
  await page.getByTestId('gate-load-sft').click();
  await expect.poll(() => attr(page, 'policy-gate', 'data-loaded'), SLOW).toBe('true');
}

/** Auto-labels n pairs in the Label stage with a preset annotator; waits for its note. */
export async function autoLabel(page: Page, n: number, preset = 'length-biased'): Promise<void> {
  await page.getByTestId(`auto-preset-${preset}`).click();
  await page.getByTestId('auto-n').fill(String(n));
  await expect.poll(() => page.getByTestId('auto-run').isEnabled(), SLOW).toBe(true);
  await page.getByTestId('auto-run').click();
  await expect.poll(() => page.getByTestId('auto-note').textContent().catch(() => ''), SLOW).toMatch(new RegExp(`^${preset} labelled ${n} pairs`));
}

/** Sets the run's knobs for a run of exactly `minSteps` steps (a tenth of an epoch is fewer on the pairs these tests label). */
export async function shortRewardRun(page: Page, minSteps: number): Promise<void> {
  await page.getByTestId('rm-epochs').fill('0.1');
  await page.getByTestId('rm-minSteps').fill(String(minSteps));
  await page.getByTestId('rm-batchPairs').fill('4');
  await page.getByTestId('rm-evalEvery').fill('2');
  await page.getByTestId('rm-heldOutShare').fill('0.3');
  await page.getByTestId('rm-probeItems').fill('8');
}

/** From the Label stage: loads the shipped SFT policy, auto-labels 16 pairs with the careful annotator and trains a `kind` reward model 3 steps on them. */
export async function policyAndRewardModel(page: Page, kind: 'plain' | 'fact'): Promise<void> {
  await loadSftFromGate(page);
  await autoLabel(page, 16, 'careful');
  await page.locator('nav a[data-stage="reward"]').click();
  await page.getByTestId(`rm-choice-${kind}`).click();
  await shortRewardRun(page, 3);
  await page.getByTestId('rm-start').click();
  await expect.poll(() => attr(page, `rm-run-${kind}`, 'data-steps'), SLOW).toBe('3');
}
