// `npm run perf:page [-- --backend B]`: the page's first minutes as a newcomer meets them, in
// headless Chromium on a fresh profile: time from a fresh load to the first labelable pair and the
// JavaScript transferred before it; then, with 24 auto-labelled pairs, a 25-step reward run, the
// standard benchmark, and the longest main-thread task (PerformanceObserver "longtask") while a
// reward model trains and a person labels 10 pairs by keyboard (reading each verdict 0.4 s); and
// 10 PPO steps in the page, with the longest main-thread task while its charts stream. Prints a table and a JSON line.
import { parseArgs } from 'node:util';
import { openBuiltPage } from './page-session.mjs';

const { values: flags } = parseArgs({ options: { backend: { type: 'string' }, 'no-build': { type: 'boolean' } } });
const session = await openBuiltPage({ build: !flags['no-build'] });
const { base } = session;
const SLOW = { timeout: 600_000 };
const out = {};
const log = (s) => console.error(s);
try {
  const { page } = session;
  await page.addInitScript(() => {
    const longtasks = [];
    globalThis.__longtasks = longtasks;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) longtasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  const query = flags.backend ? `?backend=${flags.backend}` : '';
  const t0 = Date.now();
  await page.goto(`${base}${query}#/label`);
  const testid = (id) => page.getByTestId(id);
  await testid('gate-load-sft').waitFor({ state: 'visible', ...SLOW });
  await page.waitForFunction(() => !document.querySelector('[data-testid="gate-load-sft"]')?.hasAttribute('disabled'), null, SLOW);
  await testid('gate-load-sft').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="pair"]')?.getAttribute('data-revealed') === 'false' && !document.querySelector('[data-testid="choice-A"]')?.hasAttribute('disabled'), null, SLOW);
  out.firstPairSeconds = (Date.now() - t0) / 1000;
  const js = await page.evaluate(() => performance.getEntriesByType('resource').concat(performance.getEntriesByType('navigation')).filter((e) => /\.m?js(\?|$)/.test(e.name)).map((e) => ({ name: e.name, transfer: e.transferSize, decoded: e.decodedBodySize })));
  out.jsTransferredKB = js.reduce((a, e) => a + e.transfer, 0) / 1024;
  out.jsDecodedKB = js.reduce((a, e) => a + e.decoded, 0) / 1024;
  out.backend = await page.evaluate(() => globalThis.rlhfPlayground.session.engine.backend);
  log(`first labelable pair after ${out.firstPairSeconds.toFixed(1)} s on ${out.backend}; ${out.jsTransferredKB.toFixed(0)} KB of JavaScript transferred (${out.jsDecodedKB.toFixed(0)} KB decoded)`);

  // 24 auto-labelled pairs, then a 25-step run of the plain RM.
  await testid('auto-preset-length-biased').click();
  await testid('auto-n').fill('24');
  await testid('auto-run').click();
  await page.waitForFunction(() => /labelled 24 pairs/.test(document.querySelector('[data-testid="auto-note"]')?.textContent ?? ''), null, SLOW);
  await page.locator('nav a[data-stage="reward"]').click();
  await testid('rm-choice-plain').click();
  await testid('rm-minSteps').fill('25');
  await testid('rm-epochs').fill('1');
  let t = Date.now();
  await testid('rm-start').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="rm-run-plain"]') !== null, null, SLOW);
  out.rewardRun25Seconds = (Date.now() - t) / 1000;
  log(`25-step reward run: ${out.rewardRun25Seconds.toFixed(1)} s`);

  // The longest main-thread task while a reward model trains and a person labels 10 pairs.
  await testid('rm-minSteps').fill('400');
  await testid('rm-start').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="rm-step"]')?.textContent ?? 0) > 0, null, SLOW);
  await page.locator('nav a[data-stage="label"]').click();
  // The observer sees long tasks here: a deliberate 120 ms one before the window must show.
  await page.evaluate(() => {
    const t = performance.now();
    while (performance.now() - t < 120);
  });
  await page.waitForTimeout(100);
  out.observerCheckMs = await page.evaluate(() => globalThis.__longtasks.reduce((m, x) => Math.max(m, x.duration), 0));
  const windowStart = await page.evaluate(() => performance.now());
  for (let i = 0; i < 10; i++) {
    await page.waitForFunction(() => document.querySelector('[data-testid="pair"]')?.getAttribute('data-revealed') === 'false' && !document.querySelector('[data-testid="choice-A"]')?.hasAttribute('disabled'), null, SLOW);
    await page.evaluate(() => document.activeElement?.blur?.());
    await page.keyboard.press(String(1 + (i % 2)));
    await page.waitForFunction(() => document.querySelector('[data-testid="pair"]')?.getAttribute('data-revealed') === 'true', null, SLOW);
    await page.waitForTimeout(400); // a person reads the verdict
    await page.keyboard.press('Enter');
  }
  const windowEnd = await page.evaluate(() => performance.now());
  const tasks = await page.evaluate(([a, b]) => globalThis.__longtasks.filter((x) => x.start >= a && x.start <= b), [windowStart, windowEnd]);
  out.labelWhileTrainingSeconds = (windowEnd - windowStart) / 1000;
  out.longTasks = tasks.length;
  out.longestTaskMs = tasks.reduce((m, x) => Math.max(m, x.duration), 0);
  out.rmStepsMeanwhile = Number(await page.evaluate(() => globalThis.rlhfPlayground.session.reward.progress?.step ?? 0));
  log(`labelled 10 pairs in ${out.labelWhileTrainingSeconds.toFixed(1)} s while the RM trained (step ${out.rmStepsMeanwhile}); long tasks: ${out.longTasks}, longest ${out.longestTaskMs.toFixed(0)} ms (the observer saw a deliberate 120 ms task as ${out.observerCheckMs.toFixed(0)} ms)`);
  await page.evaluate(() => globalThis.rlhfPlayground.session.reward.job.stop());
  await page.waitForFunction(() => globalThis.rlhfPlayground.session.engine.training === null, null, SLOW);

  // The standard benchmark.
  await page.locator('nav a[data-stage="sft"]').click();
  t = Date.now();
  await testid('bench-run').click();
  await testid('bench-report').waitFor({ state: 'visible', ...SLOW });
  out.benchmarkSeconds = (Date.now() - t) / 1000;
  log(`standard benchmark: ${out.benchmarkSeconds.toFixed(1)} s`);

  // PPO against the plain RM trained above, 10 steps of the default size: the longest main-thread
  // task while its eight charts and the feed stream, and the seconds per step in the page.
  await page.locator('nav a[data-stage="ppo"]').click();
  await testid('ppo-preset-plain-rlhf').click();
  await testid('ppo-steps').fill('10');
  // An autosave halfway (the one at the end is the run's own save), timed by the worker.
  await testid('ppo-saveEvery').fill('5');
  const ppoStart = await page.evaluate(() => performance.now());
  t = Date.now();
  await testid('ppo-start').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="ppo-result"]') !== null, null, SLOW);
  out.ppo10Seconds = (Date.now() - t) / 1000;
  const ppoEnd = await page.evaluate(() => performance.now());
  const ppoTasks = await page.evaluate(([a, b]) => globalThis.__longtasks.filter((x) => x.start >= a && x.start <= b), [ppoStart, ppoEnd]);
  out.ppoLongTasks = ppoTasks.length;
  out.ppoLongestTaskMs = ppoTasks.reduce((m, x) => Math.max(m, x.duration), 0);
  // The run's autosave at its last step: the policy kept in IndexedDB, timed in the worker until it is on disk.
  out.ppoSaveMs = await page.evaluate(() => globalThis.rlhfPlayground.session.ppo.lastSaveMs);
  log(`10 PPO steps: ${out.ppo10Seconds.toFixed(1)} s; long tasks during PPO: ${out.ppoLongTasks}, longest ${out.ppoLongestTaskMs.toFixed(0)} ms; autosaving the policy: ${out.ppoSaveMs?.toFixed(0)} ms`);
} finally {
  await session.close();
}
console.log(`backend ${out.backend}: first pair ${out.firstPairSeconds?.toFixed(1)} s, JS ${out.jsTransferredKB?.toFixed(0)} KB transferred; 25-step RM ${out.rewardRun25Seconds?.toFixed(1)} s; benchmark ${out.benchmarkSeconds?.toFixed(1)} s; longest main-thread task while training and labelling ${out.longestTaskMs?.toFixed(0)} ms (${out.longTasks} long tasks); 10 PPO steps ${out.ppo10Seconds?.toFixed(1)} s, longest task during PPO ${out.ppoLongestTaskMs?.toFixed(0)} ms; a checkpoint autosave ${out.ppoSaveMs?.toFixed(0)} ms`);
console.log(JSON.stringify(out));
