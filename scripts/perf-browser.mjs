// `npm run perf:browser`: the model's speed in the browser on each backend (WebGPU, WebGL,
// WASM, CPU), measured in the page's engine worker; the same figures `perf model` and `perf ppo`
// print in Node. Builds the page, serves it, opens it once per backend in Chromium, prints a table.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_HINT, findChromium } from './find-chromium.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const preset = process.argv[2] ?? 'default';
const backends = (process.argv[3] ?? 'webgpu,webgl,wasm,cpu').split(',');
const executablePath = findChromium();
if (!executablePath) {
  console.error(CHROMIUM_HINT);
  process.exit(1);
}
if (spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' }).status !== 0) process.exit(1);
const port = 4300 + Math.floor(Math.random() * 500);
const server = spawn(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'preview', '--port', String(port), '--strictPort'], { cwd: root, stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 2500));
const rows = [];
/** A measurement, or a failure once it has run for LIMIT_S seconds (a software GPU can take hours). */
const LIMIT_S = Number(process.env.PERF_LIMIT_S ?? 300);
function within(p) {
  return Promise.race([p, new Promise((_, reject) => setTimeout(() => reject(new Error(`did not finish within ${LIMIT_S} s`)), LIMIT_S * 1000))]);
}
/** Opens the page on one backend in a fresh browser and returns its perf figures. */
async function measure(backend) {
  const profile = mkdtempSync(join(tmpdir(), 'rlhf-perf-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: ['--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`http://localhost:${port}/?backend=${backend}#/world`);
    await page.waitForFunction(() => globalThis.rlhfPlayground?.session.engine.backend != null, null, { timeout: 120_000 });
    const got = await page.evaluate(() => globalThis.rlhfPlayground.session.engine.backend);
    if (got !== backend) return { backend, note: `did not start (the page fell back to ${got})` };
    const r = await within(page.evaluate((p) => globalThis.rlhfPlayground.session.engine.run('perf', 'perf', { preset: p, repeats: 2 }), preset));
    const ppo = await within(page.evaluate((p) => globalThis.rlhfPlayground.session.engine.run('perf', 'perf-ppo', { preset: p, steps: 2 }), preset));
    return { backend, ...r, ppo };
  } catch (e) {
    return { backend, note: `failed: ${String(e.message ?? e).split('\n')[0]}` };
  } finally {
    await context.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  }
}
try {
  for (const backend of backends) {
    console.error(`measuring ${backend} ...`);
    rows.push(await measure(backend));
  }
} finally {
  server.kill();
}
const gpu = spawnSync(executablePath, ['--version'], { encoding: 'utf8' }).stdout.trim();
console.log(`model ${preset} in ${gpu}, headless; batch 64 × 24 new tokens for sampling, batch 32 for training`);
console.log('backend  tokens/s cached  tokens/s recompute  speed-up  forward ms  fwd+bwd ms  SFT steps/s  PPO ms/step (rollout, update)');
for (const r of rows) {
  if (r.note) console.log(`${r.backend.padEnd(8)} ${r.note}`);
  else console.log(`${r.backend.padEnd(8)} ${r.tokensPerSecCached.toFixed(0).padStart(15)} ${r.tokensPerSecRecompute.toFixed(0).padStart(19)} ${r.cacheSpeedup.toFixed(1).padStart(9)} ${r.forwardMs.toFixed(0).padStart(11)} ${r.forwardBackwardMs.toFixed(0).padStart(11)} ${r.sftStepsPerSec.toFixed(2).padStart(12)}  ${r.ppo.msPerStep.toFixed(0).padStart(11)} (${r.ppo.phases.rollout.toFixed(0)}, ${r.ppo.phases.update.toFixed(0)})`);
}
console.log(JSON.stringify(rows));
