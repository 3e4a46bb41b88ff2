// `npm run perf:tour [-- --no-build]`: how long the guided first run takes a scripted visitor, from
// opening the page (a fresh profile, the default backend) until its last step reads the gold
// figures: one click per step and a look at each result. Prints the time of each step and a JSON line.
import { parseArgs } from 'node:util';
import { openBuiltPage } from './page-session.mjs';

const { values: flags } = parseArgs({ options: { 'no-build': { type: 'boolean' } } });
const session = await openBuiltPage({ build: !flags['no-build'] });
const { page, base } = session;
const WAIT = { timeout: 600_000 };
const attr = (id, name) => page.evaluate(([i, n]) => document.querySelector(`[data-testid="${i}"]`)?.getAttribute(n) ?? null, [id, name]);
const out = { steps: {} };
try {
  const t0 = Date.now();
  await page.goto(`${base}#/world`);
  await page.getByTestId('tour-offer').click();
  for (const step of ['hallucinate', 'label', 'reward', 'ppo', 'fall']) {
    await page.waitForFunction((s) => document.querySelector('[data-testid="tour"]')?.getAttribute('data-step') === s, step, WAIT);
    const t = Date.now();
    if (step !== 'fall') {
      await page.getByTestId('tour-act').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="tour"]')?.getAttribute('data-done') === 'true', null, WAIT);
      await page.getByTestId('tour-next').click();
    } else await page.waitForFunction(() => document.querySelector('[data-testid="tour"]')?.getAttribute('data-done') === 'true', null, WAIT);
    out.steps[step] = (Date.now() - t) / 1000;
    console.error(`${step}: ${out.steps[step].toFixed(1)} s`);
  }
  out.seconds = (Date.now() - t0) / 1000;
  out.status = await page.getByTestId('tour-status').textContent();
  out.backend = await attr('backend', 'data-backend');
} finally {
  await session.close();
}
console.log(`guided tour on ${out.backend}: ${out.seconds.toFixed(0)} s from opening the page until its last step read the gold figures (${out.status})`);
console.log(JSON.stringify(out));
