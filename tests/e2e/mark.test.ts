// Marking in Chromium, driven with the keys as a person would: load the shipped SFT policy, switch
// the Label stage to marking, mark three answers (a digit marks a sentence false, c goes to its
// correction box, a bad correction shows the grammar's message and is not saved, Enter saves), the
// judge's truth shown only after saving; export the marks, clear them, import the file back;
// auto-mark with the careful marker; then train the sentence reward model on the marks in the
// Reward stage and find its held-out accuracy and the bar chart beside a pairwise RM's; then
// three dense PPO steps against it, the feed tinting each sentence by its reward.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openPage, type PageSession } from './browser';
import { SLOW, attr, loadSftFromGate, press, shortRewardRun, autoLabel } from './drive';
import { validateMark } from '../../src/engine/prefs/mark';

/** Waits for an answer on show, not yet saved and with at least one sentence (an empty one is skipped); returns its number and sentence count. */
async function answerOnShow(page: Page): Promise<{ no: string; sentences: number }> {
  for (;;) {
    await expect.poll(() => attr(page, 'mark-answer', 'data-revealed'), SLOW).toBe('false');
    await expect.poll(() => page.getByTestId('mark-save').isEnabled(), SLOW).toBe(true);
    const no = (await attr(page, 'mark-answer', 'data-answer')) as string;
    const sentences = Number(await attr(page, 'mark-answer', 'data-sentences'));
    if (sentences > 0) return { no, sentences };
    await press(page, 'Escape');
    await expect.poll(() => attr(page, 'mark-answer', 'data-answer'), SLOW).not.toBe(no);
  }
}

/** The flags of the sentences on show, in order ("true": marked false). */
const flags = (page: Page) => page.getByTestId('mark-sentence').evaluateAll((els) => els.map((e) => e.getAttribute('data-false')));

const total = async (page: Page, key: string) => Number(await attr(page, `marks-${key}`, 'data-value'));

describe('Marking false sentences', () => {
  let s: PageSession;

  beforeAll(async () => {
    s = await openPage('?backend=wasm#/label');
  });

  afterAll(async () => {
    await s?.close();
  });

  it('marks three answers with the keys; a bad correction shows the grammar message and is not saved; the judge shows after saving', async () => {
    const { page } = s;
    await loadSftFromGate(page);
    await page.getByTestId('label-mode-mark').click();
    expect(await page.getByTestId('pair-card').count()).toBe(0);
    await expect.poll(() => attr(page, 'mark-counts', 'data-answers'), SLOW).toBe('0');

    // Answer 1: sentence 1 marked false, a bad correction typed, then a good one.
    let shown = await answerOnShow(page);
    expect(await page.getByTestId('mark-truth').count()).toBe(0); // no verdict before saving
    await press(page, '1');
    expect((await flags(page))[0]).toBe('true');
    await press(page, 'c');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('mark-correction-1');
    await page.keyboard.type('There is 2 circles');
    // Typing in the box marks nothing: the digit went into the text.
    expect(await flags(page)).toEqual(['true', ...Array(shown.sentences - 1).fill('false')]);
    await expect.poll(() => attr(page, 'mark-check-1', 'data-kind')).toBe('grammar');
    expect(await page.getByTestId('mark-check-1').textContent()).toMatch(/^must be one sentence of the grammar, lower case/);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('mark-save-problem').textContent()).toContain('The correction of sentence 1 is not a sentence of the grammar');
    expect(await total(page, 'answers')).toBe(0);
    await page.getByTestId('mark-correction-1').fill('');
    await page.getByTestId('mark-correction-1').focus();
    await page.keyboard.type('it is day .');
    await expect.poll(() => attr(page, 'mark-check-1', 'data-kind')).toMatch(/^(true|false)$/);
    expect(await page.getByTestId('mark-check-1').textContent()).toMatch(/^(true of the image|still false)$/);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('mark-verdict').isVisible(), SLOW).toBe(true);
    expect(await page.getByTestId('mark-truth').count()).toBe(shown.sentences);
    await page.getByTestId('mark-card').screenshot({ path: 'test-results/mark-verdict.png' });
    expect(await total(page, 'answers')).toBe(1);
    expect(await total(page, 'corrections')).toBe(1);
    // While the verdict shows the digits do nothing; Enter moves on.
    await press(page, '1');
    expect((await flags(page))[0]).toBe('true');
    await press(page, 'Enter');
    await expect.poll(() => attr(page, 'mark-answer', 'data-answer'), SLOW).not.toBe(shown.no);

    // Answers 2 and 3: the last sentence marked false, no correction (dropped); then the first toggled on and off again on answer 3.
    for (const again of [false, true]) {
      shown = await answerOnShow(page);
      await press(page, String(shown.sentences));
      if (again) {
        await press(page, '1');
        await press(page, '1');
      }
      const want = Array(shown.sentences).fill('false');
      want[shown.sentences - 1] = 'true';
      expect(await flags(page)).toEqual(want);
      await press(page, 'Enter');
      await expect.poll(() => page.getByTestId('mark-verdict').isVisible(), SLOW).toBe(true);
      await press(page, ' ');
      await expect.poll(() => attr(page, 'mark-answer', 'data-answer'), SLOW).not.toBe(shown.no);
    }
    expect(await total(page, 'answers')).toBe(3);
    expect(await total(page, 'markedFalse')).toBe(3);
    expect(await total(page, 'corrections')).toBe(1);
    expect(await total(page, 'pairs')).toBe(3);
    expect(await attr(page, 'marker-row', 'data-marker')).toBe('you');

    // The screenshot: a sentence marked with a correction under it, checked.
    await answerOnShow(page);
    await press(page, '1');
    await press(page, 'c');
    await page.keyboard.type('there is a small red circle at the top left .');
    await page.mouse.move(0, 0);
    await page.evaluate(() => window.scrollTo(0, 0));
    await s.screenshot('mark');
    await page.getByTestId('mark-correction-1').fill('');
    await press(page, '1');
  });

  it('exports the marks, clears them, and imports the file back: the 3 marks return', async () => {
    const { page } = s;
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('marks-export').click()]);
    expect(download.suggestedFilename()).toBe('marks.jsonl');
    const text = readFileSync((await download.path()) as string, 'utf8');
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      const v = validateMark(JSON.parse(line));
      expect('mark' in v && v.mark.markedBy).toEqual({ kind: 'person' });
    }
    expect(lines.filter((l) => (JSON.parse(l) as { sentences: { correction?: string }[] }).sentences.some((x) => x.correction === 'it is day .'))).toHaveLength(1);

    await page.getByTestId('marks-clear').click();
    await page.getByTestId('marks-clear-confirm').click();
    await expect.poll(() => total(page, 'answers')).toBe(0);

    await page.getByTestId('marks-import-file').setInputFiles({ name: 'marks.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(text) });
    await expect.poll(() => attr(page, 'marks-import-report', 'data-added'), SLOW).toBe('3');
    expect(await attr(page, 'marks-import-report', 'data-problems')).toBe('0');
    expect(await total(page, 'answers')).toBe(3);
    expect(await total(page, 'corrections')).toBe(1);

    // The same file again adds nothing; a bad line is named by line and field.
    const bad = { ...(JSON.parse(lines[0] as string) as Record<string, unknown>), markedAt: 'yesterday' };
    await page.getByTestId('marks-import-file').setInputFiles({ name: 'again.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(text + JSON.stringify(bad) + '\n') });
    await expect.poll(() => page.getByTestId('marks-import-report').textContent(), SLOW).toContain('again.jsonl');
    expect(await attr(page, 'marks-import-report', 'data-duplicates')).toBe('3');
    expect(await attr(page, 'marks-import-report', 'data-added')).toBe('0');
    const problems = await page.getByTestId('marks-import-problem').evaluateAll((els) => els.map((e) => [e.getAttribute('data-line'), e.getAttribute('data-field')]));
    // (The field's two checks, the pattern and the date, each say why.)
    expect(new Set(problems.map((p) => p.join(' ')))).toEqual(new Set(['4 markedAt']));
    expect(await total(page, 'answers')).toBe(3);

    // The corrected pairs for TRL: one row per mark with a sentence marked false.
    const [zip] = await Promise.all([page.waitForEvent('download'), page.getByTestId('marks-export-trl').click()]);
    expect(zip.suggestedFilename()).toBe('marks-trl.zip');
    const bytes = readFileSync((await zip.path()) as string);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
    expect(await page.getByTestId('marks-export-note').textContent()).toBe('Exported 3 corrected pairs to marks-trl.zip.');
  });

  it('auto-marks 6 answers with the careful marker', async () => {
    const { page } = s;
    await page.getByTestId('auto-mark-preset-careful').click();
    await page.getByTestId('auto-mark-n').fill('6');
    await expect.poll(() => page.getByTestId('auto-mark-run').isEnabled(), SLOW).toBe(true);
    await page.getByTestId('auto-mark-run').click();
    await expect.poll(() => page.getByTestId('auto-mark-note').textContent().catch(() => ''), SLOW).toMatch(/^careful marked 6 answers/);
    expect(await total(page, 'answers')).toBe(9);
    const rows = await page.getByTestId('marker-row').evaluateAll((els) => els.map((e) => [e.getAttribute('data-marker'), e.getAttribute('data-answers')]));
    expect(rows).toEqual([
      ['you', '3'],
      ['careful', '6'],
    ]);
    // The seed moved on, so the next run marks other answers.
    expect(await page.getByTestId('auto-mark-seed').inputValue()).toBe('2');

    // The marks are kept in this browser: a reload brings all 9 back, by marker.
    await page.reload({ waitUntil: 'load' });
    await expect.poll(() => page.getByTestId('gate-policy').textContent().catch(() => ''), SLOW).toBe('sft');
    await page.getByTestId('label-mode-mark').click();
    await expect.poll(() => attr(page, 'mark-counts', 'data-answers'), SLOW).toBe('9');
    expect(await total(page, 'corrections')).toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId('marker-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-answers')))).toEqual(['3', '6']);
  });

  it('trains the sentence reward model on the marks and draws its held-out accuracy beside the pairwise RM', async () => {
    const { page } = s;
    // A pairwise RM to compare with: a few auto-labelled pairs, two steps.
    await page.getByTestId('label-mode-compare').click();
    await autoLabel(page, 8, 'length-biased');
    await page.locator('nav a[data-stage="reward"]').click();
    await page.getByTestId('rm-choice-plain').click();
    await shortRewardRun(page, 2);
    await page.getByTestId('rm-start').click();
    await expect.poll(() => attr(page, 'rm-run-plain', 'data-steps'), SLOW).toBe('2');

    await expect.poll(() => attr(page, 'srm-data', 'data-marks'), SLOW).toBe('9');
    await page.getByTestId('srm-epochs').fill('0.1');
    await page.getByTestId('srm-minSteps').fill('3');
    await page.getByTestId('srm-batchPairs').fill('4');
    await page.getByTestId('srm-evalEvery').fill('0');
    await page.getByTestId('srm-heldOutShare').fill('0.4');
    await page.getByTestId('srm-probeItems').fill('8');
    await expect.poll(() => attr(page, 'srm-data', 'data-steps')).toBe('3');
    await page.getByTestId('srm-start').click();
    await expect.poll(() => attr(page, 'srm-results', 'data-steps'), SLOW).toBe('3');
    const acc = await attr(page, 'srm-accuracy', 'data-value');
    const base = await attr(page, 'srm-base-rate', 'data-value');
    expect(acc).not.toBe('');
    for (const x of [acc, base]) {
      expect(Number(x)).toBeGreaterThanOrEqual(0);
      expect(Number(x)).toBeLessThanOrEqual(1);
    }
    expect(await page.getByTestId('srm-accuracy').textContent()).toMatch(new RegExp(`^${Math.round(Number(acc) * 100)}% on \\d+ sentences of \\d+ answers$`));
    expect(await page.getByTestId('srm-probe').textContent()).toMatch(/caught on \d+ scenes/);
    // One bar each: the sentence model, the always-"true" base rate, the plain RM.
    await expect.poll(() => attr(page, 'srm-chart', 'data-bars'), SLOW).toBe('3');
    expect(await page.getByTestId('srm-chart-empty').count()).toBe(0);
    await page.getByTestId('srm-card').scrollIntoViewIfNeeded();
    await page.mouse.move(0, 0);
    await page.getByTestId('srm-card').screenshot({ path: 'test-results/srm-card.png' });

    // Its figures are kept in this browser (its weights are not): a reload shows them again.
    await page.reload({ waitUntil: 'load' });
    await expect.poll(() => attr(page, 'srm-results', 'data-steps'), SLOW).toBe('3');
    expect(await attr(page, 'srm-accuracy', 'data-value')).toBe(acc);
    expect(await page.getByTestId('srm-status').textContent()).toContain('figures kept from before the reload');
    expect(s.errors).toEqual([]);
  });

  it('runs three dense PPO steps against the sentence reward model, each sampled sentence tinted by its reward', async () => {
    const { page } = s;
    // After the reload only the figures are kept: the dense reward asks for the model itself.
    await page.locator('nav a[data-stage="ppo"]').click();
    await page.getByTestId('ppo-preset-fine-grained').click();
    await expect.poll(() => page.getByTestId('ppo-blocked').textContent(), SLOW).toContain('has its figures but not its weights');
    expect(await page.getByTestId('ppo-start').isDisabled()).toBe(true);
    await page.locator('nav a[data-stage="reward"]').click();
    await page.getByTestId('srm-start').click();
    await expect.poll(() => page.getByTestId('srm-status').textContent(), SLOW).not.toContain('figures kept from before the reload');
    await expect.poll(() => attr(page, 'srm-results', 'data-steps'), SLOW).toBe('3');

    await page.locator('nav a[data-stage="ppo"]').click();
    await expect.poll(() => page.getByTestId('ppo-start').isEnabled(), SLOW).toBe(true);
    await page.getByTestId('ppo-steps').fill('3');
    await page.locator('details.every summary').click();
    for (const [k, v] of [['batchSize', '8'], ['miniBatchSize', '4'], ['responseLength', '24'], ['goldEvery', '3'], ['goldProbeSize', '8'], ['samplesPerPoint', '2'], ['sentenceReward', 'signed']] as const) {
      const knob = page.getByTestId(`ppo-${k}`);
      if ((await knob.evaluate((e) => e.tagName)) === 'SELECT') await knob.selectOption(v);
      else await knob.fill(v);
    }
    await page.getByTestId('ppo-start').click();
    await expect.poll(async () => (await page.getByTestId('ppo-error').textContent().catch(() => null)) ?? (await attr(page, 'ppo-result', 'data-steps')), { timeout: 180_000, interval: 200 }).toBe('3');
    expect(await page.getByTestId('ppo-sample').count()).toBe(6);
    // Every sentence of every sampled answer carries its reward (signed here, so true-read ones show too), within (−1, 1) at weight 1.
    let tinted = 0;
    for (const li of await page.getByTestId('ppo-sample').all()) {
      const sentences = await li.locator('.sent').count();
      const rewards = await li.getByTestId('sentence-reward').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-reward'))));
      expect(rewards).toHaveLength(sentences);
      for (const r of rewards) expect(Math.abs(r)).toBeLessThan(1);
      tinted += rewards.filter((r) => r !== 0).length;
      // The judge's marking is still there beside the reward's tint.
      expect((await li.locator('[data-truth="false"]').count()) > 0).toBe((await li.getAttribute('data-hallucination')) === 'true');
    }
    expect(tinted).toBeGreaterThan(0);
    await page.getByTestId('ppo-feed').scrollIntoViewIfNeeded();
    await page.mouse.move(0, 0);
    await page.getByTestId('ppo-feed').screenshot({ path: 'test-results/dense-feed.png' });
    expect(s.errors).toEqual([]);
  }, 300_000);
});
