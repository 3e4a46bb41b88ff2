// The Evaluate stage in Chromium: benchmark the shipped SFT policy without loading it, then the
// loaded SFT+ policy; see the bars per question type for the two side by side; the runs come back
// after a reload; an experiment's table.json is drawn, and a file that is not one is refused.
import { benchWarnings } from '../../src/engine/bench/reading';
import type { StoredBenchReport } from '../../src/engine/bench/report';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, type PageSession } from './browser';
import { SLOW, attr } from './drive';

const ROOT = join(import.meta.dirname, '..', '..');
/** The shipped policy's figures, as `pretrain` measured them (greedy, on WASM). */
const shipped = (folder: string) =>
  (JSON.parse(readFileSync(join(ROOT, `models/${folder}/model.json`), 'utf8')) as { userDefinedMetadata: { rlhfPlayground: { metadata: { bench: { shapesHal: { score: number } } } } } }).userDefinedMetadata.rlhfPlayground.metadata.bench.shapesHal;

describe('Evaluate stage', () => {
  let s: PageSession;

  beforeAll(async () => {
    s = await openPage('?backend=wasm#/evaluate');
  });

  afterAll(async () => {
    await s?.close();
  });

  it('benchmarks a shipped policy without loading it, then the loaded one, and draws them side by side', async () => {
    const { page } = s;
    expect(await page.getByTestId('eval-no-runs').isVisible()).toBe(true);
    await expect.poll(() => page.getByTestId('eval-shipped-sft').isEnabled(), SLOW).toBe(true);
    await page.getByTestId('eval-shipped-sft').click();
    await expect.poll(() => page.getByTestId('eval-run').count(), SLOW).toBe(1);
    expect(Number(await page.getByTestId('eval-run').first().getAttribute('data-score'))).toBeCloseTo(shipped('sft').score, 9);
    // Nothing was loaded by it.
    expect(await page.getByTestId('eval-loaded').isDisabled()).toBe(true);

    await page.locator('nav a[data-stage="sft"]').click();
    await page.getByTestId('load-sft-plus').click();
    await expect.poll(() => page.getByTestId('policy-name').textContent().catch(() => ''), SLOW).toBe('sft-plus');
    await page.locator('nav a[data-stage="evaluate"]').click();
    await expect.poll(() => page.getByTestId('eval-loaded').isEnabled(), SLOW).toBe(true);
    await page.getByTestId('eval-loaded').click();
    await expect.poll(() => page.getByTestId('eval-run').count(), SLOW).toBe(2);
    expect(Number(await page.getByTestId('eval-run').nth(1).getAttribute('data-score'))).toBeCloseTo(shipped('sft-plus').score, 9);
    // Each run is read with care: the warnings its own report raises, and no others.
    const reports = await page.evaluate(() => (globalThis as unknown as { rlhfPlayground: { session: { evaluate: { runs: { report: unknown }[] } } } }).rlhfPlayground.session.evaluate.runs.map((r) => r.report));
    for (const [i, report] of reports.entries()) {
      const shown = await page.getByTestId('eval-run').nth(i).getByTestId('eval-run-warning').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
      expect(shown).toEqual(benchWarnings(report as StoredBenchReport).map((w) => w.id));
    }
    expect(await page.getByTestId('eval-pope-reading').textContent()).toContain('a yes-ratio near 50% is healthy');
    // Two runs, eight question types each.
    expect(await attr(page, 'eval-bars', 'data-groups')).toBe('2');
    expect(await attr(page, 'eval-bars', 'data-bars')).toBe('16');
  });

  it('keeps the runs over a reload, and compares the ticked ones', async () => {
    const { page } = s;
    await page.reload();
    await expect.poll(() => page.getByTestId('eval-run').count(), SLOW).toBe(2);
    await page.getByTestId('eval-compare').first().check();
    await expect.poll(() => attr(page, 'eval-bars', 'data-groups')).toBe('1');
  });

  it('draws an experiment table, and refuses a file that is not one without losing the one shown', async () => {
    const { page } = s;
    const report = { shapesHal: { score: 2.5, hallucinationRate: 0.4, informativeness: 0.6, n: 96, byType: {} }, pope: { random: { f1: 0.7 }, popular: { f1: 0.6 }, adversarial: { f1: 0.55 } }, chair: { chairI: 0.2, chairS: 0.3 } };
    const table = { rows: ['SFT', 'SFT+', 'RLHF', 'Fact-RLHF'].map((name, i) => ({ name, mean: { ...report, shapesHal: { ...report.shapesHal, score: 2 + i / 2 } }, perSeed: [report, report, report], meanResponseLength: 20 - i })) };
    await page.getByTestId('eval-table-file').setInputFiles({ name: 'table.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(table)) });
    await expect.poll(() => page.getByTestId('eval-table-row').count()).toBe(4);
    expect(await page.getByTestId('eval-table-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-row')))).toEqual(['SFT', 'SFT+', 'RLHF', 'Fact-RLHF']);
    expect(await page.getByTestId('eval-table').textContent()).toContain('3.50');
    await page.getByTestId('eval-table-file').setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"rows": [{"name": "SFT"}]}') });
    await expect.poll(() => page.getByTestId('eval-table-error').textContent()).toContain('notes.json is not an experiment table: rows[0].mean: must be an object');
    expect(await page.getByTestId('eval-table-row').count()).toBe(4);
    await s.screenshot('evaluate');
    expect(s.errors).toEqual([]);
  });
});
