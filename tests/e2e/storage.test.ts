// The storage panel in Chromium: after labelling it lists the labels (their index and chunks as one
// row) and the policy with their sizes and the browser's estimate; an export downloads the labels
// as JSONL and the policy as a checkpoint; a delete asks first, then removes the labels (the Label stage counts 0, after a
// reload too) or the settings.
import { readFileSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { openPage, type PageSession } from './browser';
import { SLOW, attr, autoLabel, loadSftFromGate } from './drive';

const LABELS = 'keyval:rlhf-playground/labels';
const POLICY = 'model:rlhf-playground/session-policy';
const row = (page: Page, id: string) => page.locator(`[data-testid="storage-item"][data-item="${id}"]`);

/** Clicks a row's Export and returns the downloaded file's name and path. */
async function exportRow(page: Page, r: Locator): Promise<{ name: string; path: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), r.getByTestId('storage-export').click()]);
  return { name: download.suggestedFilename(), path: (await download.path()) as string };
}

describe('the storage panel', () => {
  let s: PageSession;
  /** The labels as exported, to store again in the first layout. */
  let exported: unknown[] = [];

  beforeAll(async () => {
    s = await openPage('?backend=wasm#/label');
  });

  afterAll(async () => {
    await s?.close();
  });

  it('lists the labels and the policy after labelling, with sizes, a total and the estimate', async () => {
    const { page } = s;
    await loadSftFromGate(page);
    await autoLabel(page, 3);
    await page.locator('nav a[data-stage="evaluate"]').click();
    await expect.poll(() => row(page, LABELS).count(), SLOW).toBe(1);
    await expect.poll(() => row(page, POLICY).count(), SLOW).toBe(1);
    expect(await row(page, LABELS).textContent()).toContain('3 labelled pairs');
    // The labels' chunks are counted in their one row, not listed.
    expect(await page.locator('[data-testid="storage-item"][data-item^="keyval:rlhf-playground/labels/"]').count()).toBe(0);
    const labelBytes = Number(await row(page, LABELS).getAttribute('data-bytes'));
    const policyBytes = Number(await row(page, POLICY).getAttribute('data-bytes'));
    expect(labelBytes).toBeGreaterThan(100);
    // 414,482 float32 parameters.
    expect(policyBytes).toBeGreaterThan(1_600_000);
    expect(Number(await attr(page, 'storage-items', 'data-total'))).toBeGreaterThanOrEqual(labelBytes + policyBytes);
    // A setting (the theme) is listed once kept.
    expect(await row(page, 'settings').count()).toBe(0);
    await page.getByTestId('theme').click();
    await page.getByTestId('storage-refresh').click();
    await expect.poll(() => row(page, 'settings').textContent().catch(() => ''), SLOW).toContain('theme');
    expect(await page.getByTestId('storage-estimate').textContent()).toMatch(/The browser counts [\d.]+ [KMG]?B used by this site, of [\d.]+ [KMG]?B/);
    await s.screenshot('storage-panel');
  });

  it('exports the labels as JSONL and the policy as a checkpoint', async () => {
    const { page } = s;
    const labels = await exportRow(page, row(page, LABELS));
    expect(labels.name).toBe('preferences.jsonl');
    const lines = readFileSync(labels.path, 'utf8').trim().split('\n');
    exported = lines.map((l) => JSON.parse(l) as unknown);
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[0] as string)).toHaveProperty('label');
    const policy = await exportRow(page, row(page, POLICY));
    expect(policy.name).toMatch(/\.ckpt$/);
    expect(statSync(policy.path).size).toBeGreaterThan(1_600_000);
  });

  it('deletes the labels after a confirm; the Label stage counts 0, after a reload too', async () => {
    const { page } = s;
    await row(page, LABELS).getByTestId('storage-delete').click();
    expect(await row(page, LABELS).getByTestId('storage-confirm').textContent()).toMatch(/^Delete Labels for good\?/);
    // Keep is a way out: nothing is deleted.
    await row(page, LABELS).getByRole('button', { name: 'Keep' }).click();
    expect(await row(page, LABELS).count()).toBe(1);
    await row(page, LABELS).getByTestId('storage-delete').click();
    await row(page, LABELS).getByTestId('storage-delete-yes').click();
    await expect.poll(() => row(page, LABELS).count(), SLOW).toBe(0);
    expect(await page.getByTestId('storage-note').textContent()).toBe('Deleted Labels from this browser.');
    expect(await row(page, POLICY).count()).toBe(1);
    await row(page, 'settings').getByTestId('storage-delete').click();
    await row(page, 'settings').getByTestId('storage-delete-yes').click();
    await expect.poll(() => row(page, 'settings').count(), SLOW).toBe(0);
    expect(await page.evaluate(() => localStorage.getItem('rlhf-playground/theme'))).toBe(null);
    await page.locator('nav a[data-stage="label"]').click();
    expect(await attr(page, 'count-total', 'data-value')).toBe('0');
    await page.reload();
    await expect.poll(() => attr(page, 'count-total', 'data-value'), SLOW).toBe('0');
    expect(s.errors).toEqual([]);
  });

  it('moves labels kept in the first layout (one list) to chunks on the next load, keeping every one', async () => {
    const { page } = s;
    await page.evaluate(
      (records) =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('keyval-store');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const tx = open.result.transaction('keyval', 'readwrite');
            tx.objectStore('keyval').put({ version: 1, records }, 'rlhf-playground/preferences');
            tx.oncomplete = () => (open.result.close(), resolve());
            tx.onerror = () => reject(tx.error);
          };
        }),
      exported,
    );
    await page.reload();
    await expect.poll(() => attr(page, 'count-total', 'data-value'), SLOW).toBe('3');
    await page.locator('nav a[data-stage="evaluate"]').click();
    await page.getByTestId('storage-refresh').click();
    await expect.poll(() => row(page, LABELS).textContent().catch(() => ''), SLOW).toContain('3 labelled pairs');
    expect(await row(page, 'keyval:rlhf-playground/preferences').count()).toBe(0);
    await page.reload();
    await page.locator('nav a[data-stage="label"]').click();
    await expect.poll(() => attr(page, 'count-total', 'data-value'), SLOW).toBe('3');
    expect(s.errors).toEqual([]);
  });
});
