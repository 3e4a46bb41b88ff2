// The Label stage in Chromium, driven as a person would: load the shipped SFT policy from the
// stage itself, label pairs with the keys 1-4 and space (the judge's verdict only after the
// choice), auto-label with a simulated annotator, reload and find the labels still there, export
// the JSONL and the TRL .zip (TRL's conversational vision rows) and import them back (no duplicates),
// the TRL set again with its PNGs saved by another tool (RGBA, other filters), and a file with bad lines.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openPage, type PageSession } from './browser';
import { SLOW, attr, press, pairOnShow } from './drive';
import { readZip, writeZip } from '../../src/app/ui/zip';
import { decodePng } from '../../src/engine/world/png';
import { reencodePng } from '../unit/png-reencode';

/** The stored counts: by label and the total. */
async function counts(page: Page): Promise<Record<'A' | 'B' | 'tie' | 'both-bad' | 'total', number>> {
  const out = { A: 0, B: 0, tie: 0, 'both-bad': 0, total: 0 };
  for (const k of Object.keys(out) as (keyof typeof out)[]) out[k] = Number(await attr(page, `count-${k}`, 'data-value'));
  return out;
}

/** Labels per labeller, from the counts table. */
function byLabeller(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() =>
    Object.fromEntries([...document.querySelectorAll('[data-testid="labeller-row"]')].map((r) => [r.getAttribute('data-labeller'), Number(r.getAttribute('data-total'))])),
  );
}

describe('Label stage', () => {
  let s: PageSession;

  beforeAll(async () => {
    s = await openPage('?backend=wasm#/label');
  });

  afterAll(async () => {
    await s?.close();
  });

  it('loads the shipped SFT policy from the stage and shows a pair: image, question, A and B', async () => {
    const { page } = s;
    expect(await page.locator('.stage-view h2').first().textContent()).toBe('Label');
    await expect.poll(() => page.getByTestId('gate-load-sft').isEnabled(), SLOW).toBe(true);
    expect(await page.getByTestId('pair-empty').isVisible()).toBe(true);
    await page.getByTestId('gate-load-sft').click();
    await expect.poll(() => attr(page, 'policy-gate', 'data-loaded'), SLOW).toBe('true');
    expect(await page.getByTestId('gate-policy').textContent()).toBe('sft');

    await pairOnShow(page);
    const canvas = page.getByTestId('pair-canvas');
    expect(await canvas.isVisible()).toBe(true);
    expect(await canvas.evaluate((c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height])).toEqual([48, 48]);
    // The canvas holds a drawn scene, not a blank.
    const distinct = await canvas.evaluate((c) => {
      const d = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 48, 48).data;
      return new Set(Array.from({ length: d.length / 4 }, (_, i) => `${d[4 * i]},${d[4 * i + 1]},${d[4 * i + 2]}`)).size;
    });
    expect(distinct).toBeGreaterThan(3);
    expect(await page.getByTestId('pair-question').textContent()).toMatch(/\?$/);
    const a = await attr(page, 'answer-a', 'data-text');
    const b = await attr(page, 'answer-b', 'data-text');
    expect(a).not.toBeNull();
    expect(b).not.toBeNull();
    expect(a).not.toBe(b);
    // The keys are on the buttons.
    expect((await page.getByTestId('choice-A').textContent())?.trim()).toMatch(/^1\s+A is better$/);
    expect((await page.getByTestId('choice-skip').textContent())?.trim()).toMatch(/^space\s+Skip$/);
  });

  it('pressing 1 labels A; the verdict appears after the key press, not before; counts update', async () => {
    const { page } = s;
    await expect.poll(() => attr(page, 'counts', 'data-total'), SLOW).toBe('0');
    const no = await pairOnShow(page);
    expect(await page.getByTestId('verdict').count()).toBe(0);
    expect(await page.getByTestId('answer-verdict').count()).toBe(0);

    await press(page, '1');
    await expect.poll(() => attr(page, 'verdict', 'data-label')).toBe('A');
    expect(await page.getByTestId('answer-verdict').count()).toBe(2);
    for (const v of await page.getByTestId('answer-verdict').all()) expect(await v.textContent()).toMatch(/\d \/ 6/);
    const careful = (await page.getByTestId('verdict-careful').textContent()) as string;
    expect(careful).toMatch(/^(A|B|tie|both bad)$/);
    // The reason names the side the careful annotator leans to (or why neither).
    const why = (await page.getByTestId('verdict-why').textContent()) as string;
    if (careful === 'tie') expect(why).toBe('the two weigh the same to it');
    else if (careful === 'both bad') expect(why).toMatch(/^both have \d+ false claims or unreadable sentences$/);
    else expect(why.startsWith(`${careful} `)).toBe(true);
    expect(await attr(page, 'pair', 'data-pair')).toBe(no);
    expect(await counts(page)).toEqual({ A: 1, B: 0, tie: 0, 'both-bad': 0, total: 1 });
    expect(await byLabeller(page)).toEqual({ you: 1 });
    // While the verdict shows, the label keys do nothing; Enter moves on.
    await press(page, '2');
    expect((await counts(page)).total).toBe(1);
    await press(page, 'Enter');
    await expect.poll(() => attr(page, 'pair', 'data-pair')).not.toBe(no);
    expect(await page.getByTestId('verdict').count()).toBe(0);
  });

  it('2, 3 and 4 label B, tie and both bad; space moves on, and skips an unlabelled pair', async () => {
    const { page } = s;
    for (const [key, label] of [
      ['2', 'B'],
      ['3', 'tie'],
      ['4', 'both-bad'],
    ] as const) {
      const no = await pairOnShow(page);
      await press(page, key);
      await expect.poll(() => attr(page, 'verdict', 'data-label')).toBe(label);
      await press(page, ' ');
      await expect.poll(() => attr(page, 'pair', 'data-pair'), SLOW).not.toBe(no);
    }
    expect(await counts(page)).toEqual({ A: 1, B: 1, tie: 1, 'both-bad': 1, total: 4 });

    const no = await pairOnShow(page);
    await press(page, ' ');
    await expect.poll(() => attr(page, 'pair', 'data-pair'), SLOW).not.toBe(no);
    expect(await attr(page, 'pair', 'data-revealed')).toBe('false');
    expect(await attr(page, 'skipped', 'data-value')).toBe('1');
    expect((await counts(page)).total).toBe(4);

    // Typing a digit into a text field labels nothing.
    await pairOnShow(page);
    await page.getByTestId('auto-n').focus();
    await page.keyboard.press('3');
    expect(await page.getByTestId('verdict').count()).toBe(0);
    expect((await counts(page)).total).toBe(4);
  });

  it('auto-labels 6 pairs with the careful annotator, showing its settings', async () => {
    const { page } = s;
    await page.getByTestId('auto-preset-careful').click();
    expect(Number(await page.getByTestId('auto-setting-hallucinationWeight').inputValue())).toBe(2);
    expect(Number(await page.getByTestId('auto-setting-lengthBias').inputValue())).toBe(0);
    expect(await page.getByTestId('auto-setting-noise').isVisible()).toBe(true);
    await page.getByTestId('auto-n').fill('6');
    await page.getByTestId('auto-run').click();
    await expect.poll(() => page.getByTestId('auto-note').textContent().catch(() => ''), SLOW).toMatch(/^careful labelled 6 pairs/);
    expect((await counts(page)).total).toBe(10);
    expect(await byLabeller(page)).toEqual({ you: 4, careful: 6 });
  });

  it('keeps the labels after a reload (IndexedDB)', async () => {
    const { page } = s;
    const before = await counts(page);
    expect(before.total).toBe(10);
    await page.reload({ waitUntil: 'load' });
    await expect.poll(() => attr(page, 'counts', 'data-total'), SLOW).toBe('10');
    expect(await counts(page)).toEqual(before);
    expect(await byLabeller(page)).toEqual({ you: 4, careful: 6 });
    // The policy comes back too, and pairs come from it again.
    await expect.poll(() => page.getByTestId('gate-policy').textContent().catch(() => ''), SLOW).toBe('sft');
    expect(await page.getByTestId('restored').textContent()).toContain('the policy sft');
  });

  it('exports JSONL; importing it back changes nothing; a broken line is reported and the rest kept', async () => {
    const { page } = s;
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-jsonl').click()]);
    expect(download.suggestedFilename()).toBe('preferences.jsonl');
    const text = readFileSync((await download.path()) as string, 'utf8');
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(10);
    const before = await counts(page);

    await page.getByTestId('import-file').setInputFiles({ name: 'preferences.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(text) });
    await expect.poll(() => attr(page, 'import-report', 'data-duplicates'), SLOW).toBe('10');
    expect(await attr(page, 'import-report', 'data-added')).toBe('0');
    expect(await attr(page, 'import-report', 'data-problems')).toBe('0');
    expect(await counts(page)).toEqual(before);

    // Line 1: a new pair (another time stamp, no id); line 2: not JSON; line 3: a bad label.
    const fresh = JSON.parse(lines[0] as string) as Record<string, unknown>;
    delete fresh.id;
    fresh.labelledAt = '2030-01-01T00:00:00.000Z';
    const badLabel = { ...fresh, labelledAt: '2030-01-02T00:00:00.000Z', label: 'maybe' };
    const broken = [JSON.stringify(fresh), '{"format": "rlhf-playground/preference", ', JSON.stringify(badLabel)].join('\n');
    await page.getByTestId('import-file').setInputFiles({ name: 'broken.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(broken) });
    await expect.poll(() => page.getByTestId('import-report').textContent(), SLOW).toContain('broken.jsonl');
    expect(await attr(page, 'import-report', 'data-added')).toBe('1');
    const problems = await page.getByTestId('import-problem').evaluateAll((els) => els.map((e) => [e.getAttribute('data-line'), e.getAttribute('data-field'), e.textContent]));
    expect(problems.map(([line, field]) => [line, field])).toEqual([
      ['2', '(line)'],
      ['3', 'label'],
    ]);
    expect(problems[0]?.[2]).toMatch(/^line 2: \(line\) not valid JSON/);
    expect(problems[1]?.[2]).toMatch(/^line 3: label must be one of/);
    expect((await counts(page)).total).toBe(11);
    const by = fresh.labelledBy as { kind: string; name?: string };
    const who = by.kind === 'person' ? 'you' : (by.name as string);
    const expected: Record<string, number> = { you: 4, careful: 6 };
    expected[who] = (expected[who] ?? 0) + 1;
    expect(await byLabeller(page)).toEqual(expected);

    // The TRL-style set: a zip of train.jsonl (decided pairs only), one PNG per row and a README;
    // it imports back as the same pairs.
    const { A, B } = await counts(page);
    const decided = A + B;
    const [zipDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-trl').click()]);
    expect(zipDownload.suggestedFilename()).toBe('preferences-trl.zip');
    const zip = readFileSync((await zipDownload.path()) as string);
    expect(zip.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
    const names = zip.toString('latin1').match(/preferences-trl\/[\w./-]+/g) ?? [];
    expect(new Set(names.filter((n) => n.endsWith('.png'))).size).toBe(decided);
    expect(names).toContain('preferences-trl/train.jsonl');
    expect(names).toContain('preferences-trl/README.md');
    await page.getByTestId('import-file').setInputFiles({ name: 'preferences-trl.zip', mimeType: 'application/zip', buffer: zip });
    await expect.poll(() => page.getByTestId('import-report').textContent(), SLOW).toContain('preferences-trl.zip');
    expect(await attr(page, 'import-report', 'data-duplicates')).toBe(String(decided));
    expect(await attr(page, 'import-report', 'data-added')).toBe('0');
    expect(await attr(page, 'import-report', 'data-problems')).toBe('0');
    expect((await counts(page)).total).toBe(11);

    // Its rows are TRL's conversational vision rows; with every PNG saved again as RGBA with other
    // filters and compression, the set still imports as the same pairs (the images match by pixels).
    const inside = await readZip(new Uint8Array(zip));
    const row = JSON.parse(new TextDecoder().decode(inside.get('preferences-trl/train.jsonl')).split('\n')[0]!) as { prompt: unknown; chosen: { role: string }[]; images: string[] };
    expect(row.prompt).toEqual([{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: expect.any(String) }] }]);
    expect(row.chosen[0]?.role).toBe('assistant');
    const resaved = [...inside].map(([path, data]) => {
      if (!path.endsWith('.png')) return { path, data };
      const { width, height, data: rgba } = decodePng(data);
      return { path, data: reencodePng(width, height, rgba, { colour: 6, filter: (y) => y % 5, level: 9 }) };
    });
    await page.getByTestId('import-file').setInputFiles({ name: 'resaved-trl.zip', mimeType: 'application/zip', buffer: Buffer.from(writeZip(resaved)) });
    await expect.poll(() => page.getByTestId('import-report').textContent(), SLOW).toContain('resaved-trl.zip');
    expect(await attr(page, 'import-report', 'data-duplicates')).toBe(String(decided));
    expect(await attr(page, 'import-report', 'data-problems')).toBe('0');
    expect((await counts(page)).total).toBe(11);

    // Show a labelled pair with its verdict in the screenshot.
    await pairOnShow(page);
    await press(page, '1');
    await expect.poll(() => page.getByTestId('verdict').isVisible()).toBe(true);
    await page.mouse.move(0, 0);
    await page.evaluate(() => window.scrollTo(0, 0));
    await s.screenshot('label');
    expect(s.errors).toEqual([]);
  });
});
