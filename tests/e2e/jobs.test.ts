// Several jobs at once in Chromium: a person labels while a reward model trains (keys work, pairs
// come, the run goes on and finishes); a reward run is paused, stepped once and resumed; a second
// training job is refused while one runs; a message the worker does not know gets an error reply;
// and the policy loaded from the Reward stage's gate is named everywhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openPage, type PageSession } from './browser';
import { SLOW, attr, autoLabel, loadSftFromGate, pairOnShow, press, shortRewardRun } from './drive';

const step = async (page: Page) => Number(await page.getByTestId('rm-step').textContent().catch(() => '0'));
const total = async (page: Page) => Number(await attr(page, 'count-total', 'data-value'));

/** Calls the engine from the page's console handle; resolves with its result or the error's message. */
function engineCall(page: Page, type: string, req: unknown): Promise<{ ok: boolean; value: unknown }> {
  return page.evaluate(
    ([t, r]) => {
      const engine = (globalThis as unknown as { rlhfPlayground: { session: { engine: { run(l: string, t: string, r: unknown): Promise<unknown> } } } }).rlhfPlayground.session.engine;
      return engine.run('a test call', t as string, r).then(
        (value) => ({ ok: true, value }),
        (e: Error) => ({ ok: false, value: e.message }),
      );
    },
    [type, req] as const,
  );
}

describe('jobs', () => {
  let s: PageSession;
  const warnings: string[] = [];

  beforeAll(async () => {
    s = await openPage('?backend=wasm#/label');
    s.page.on('console', (m) => {
      if (m.type() === 'warning') warnings.push(m.text());
    });
  });

  afterAll(async () => {
    await s?.close();
  });

  it('names the policy loaded from the Reward stage in the Reward stage and the SFT card, without warnings', async () => {
    const { page } = s;
    // Label first, with no policy; then Reward, and load it from there.
    expect(await attr(page, 'policy-gate', 'data-loaded')).toBe('false');
    await page.locator('nav a[data-stage="reward"]').click();
    await loadSftFromGate(page);
    expect(await page.getByTestId('gate-policy').textContent()).toBe('sft');
    expect(await page.getByTestId('policy-gate').textContent()).toMatch(/sft\s*\(\d{3},\d{3} parameters\)/);
    await page.locator('nav a[data-stage="sft"]').click();
    await expect.poll(() => page.getByTestId('policy-name').textContent().catch(() => ''), SLOW).toBe('sft');
    expect(await page.getByTestId('loaded-sft').isVisible()).toBe(true);
    expect(warnings.filter((w) => /derived|inert|state_/.test(w))).toEqual([]);
  });

  it('labels by hand while a reward model trains; the run goes on and finishes', async () => {
    const { page } = s;
    await page.locator('nav a[data-stage="label"]').click();
    await autoLabel(page, 12);
    await page.locator('nav a[data-stage="reward"]').click();
    await page.getByTestId('rm-choice-plain').click();
    await shortRewardRun(page, 60);
    await page.getByTestId('rm-evalEvery').fill('0');
    await page.getByTestId('rm-start').click();
    await expect.poll(() => step(page), SLOW).toBeGreaterThan(0);

    await page.locator('nav a[data-stage="label"]').click();
    const before = await total(page);
    for (let i = 0; i < 3; i++) {
      const no = await pairOnShow(page);
      await press(page, '1');
      await expect.poll(() => attr(page, 'pair', 'data-revealed'), SLOW).toBe('true');
      await press(page, 'Enter');
      await expect.poll(() => attr(page, 'pair', 'data-pair'), SLOW).not.toBe(no);
    }
    expect(await total(page)).toBe(before + 3);
    // The three labels were given while the run was still going: it has no result yet.
    await page.locator('nav a[data-stage="reward"]').click();
    expect(await attr(page, 'rm-run-plain', 'data-steps')).toBeNull();
    expect(await step(page)).toBeGreaterThan(0);
    await expect.poll(() => attr(page, 'rm-run-plain', 'data-steps'), { timeout: 120_000, interval: 200 }).toBe('60');
    expect(await attr(page, 'rm-run-plain', 'data-stopped')).toBe('false');
  });

  it('pauses a reward run, steps it once, resumes it and stops it', async () => {
    const { page } = s;
    await page.getByTestId('rm-minSteps').fill('400');
    await page.getByTestId('rm-start').click();
    await expect.poll(() => step(page), SLOW).toBeGreaterThan(1);
    await page.getByTestId('rm-pause').click();
    await expect.poll(() => page.getByTestId('rm-resume').isVisible(), SLOW).toBe(true);
    // A step in flight when Pause arrived may still land; then the run holds, and says so.
    await expect.poll(() => attr(page, 'rm-step', 'data-phase'), SLOW).toBe('paused');
    const held = await step(page);
    // One step, and it holds again right after it.
    await page.getByTestId('rm-one-step').click();
    await expect.poll(async () => [await step(page), await attr(page, 'rm-step', 'data-phase')], SLOW).toEqual([held + 1, 'paused']);
    await page.getByTestId('rm-resume').click();
    await expect.poll(() => step(page), SLOW).toBeGreaterThan(held + 2);
    expect(await page.getByTestId('rm-pause').isVisible()).toBe(true);

    // While it trains, a second training job is refused with a clear reason, and does not interleave.
    const second = await engineCall(page, 'train-sft', { config: { steps: 2, batchSize: 2, mixture: { vqaShare: 0, hallucinationRate: 0.4, fillerRate: 0.2, factsShare: 0.1 }, seed: 1, lr: 0.001, fresh: false } });
    expect(second.ok).toBe(false);
    expect(second.value).toMatch(/busy training a reward model.*stop it or wait/);

    await page.getByTestId('rm-stop').click();
    await expect.poll(() => attr(page, 'rm-run-plain', 'data-stopped'), { timeout: 90_000, interval: 100 }).toBe('true');
  });

  it('answers a message it does not understand with an error, and keeps working', async () => {
    const { page } = s;
    const reply = await page.evaluate(() => {
      const engine = (globalThis as unknown as { rlhfPlayground: { session: { engine: { raw(m: unknown): Promise<unknown> } } } }).rlhfPlayground.session.engine;
      const settle = (p: Promise<unknown>) => p.then(() => 'resolved', (e: Error) => e.message);
      // Messages without an id are answered under id -1, so one at a time.
      return (async () => [await settle(engine.raw({ type: 'no-such-call', id: 9_000_001 })), await settle(engine.raw({ type: 'sample' })), await settle(engine.raw('junk'))])();
    });
    expect(reply[0]).toMatch(/unknown request type "no-such-call"/);
    expect(reply[1]).toMatch(/needs a whole-number "id"/);
    expect(reply[2]).toMatch(/must be an object/);
    // The engine still answers.
    const scene = { background: 'day', objects: [{ shape: 'circle', color: 'red', size: 'large', row: 0, col: 0 }] };
    const ok = await engineCall(page, 'sample', { scene, question: 'is there a red circle in the image ?', n: 2, temperature: 1, seed: 3 });
    expect(ok.ok).toBe(true);
    expect((ok.value as { responses: string[] }).responses).toHaveLength(2);
    expect(s.errors).toEqual([]);
  });
});
