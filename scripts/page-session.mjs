// A built page served by `vite preview` and opened in headless Chromium on a fresh profile, for the
// browser benchmarks (perf-page.mjs, perf-tour.mjs). Builds first unless told not to.
import { mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { preview } from 'vite';
import { CHROMIUM_HINT, findChromium } from './find-chromium.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Builds (unless `build` is false), serves and opens the page; returns it with a close(). */
export async function openBuiltPage({ build = true } = {}) {
  const executablePath = findChromium();
  if (!executablePath) {
    console.error(CHROMIUM_HINT);
    process.exit(1);
  }
  if (build && spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' }).status !== 0) process.exit(1);
  const server = await preview({ root, logLevel: 'warn', preview: { host: '127.0.0.1', port: 0, open: false } });
  const base = server.resolvedUrls?.local[0] ?? 'http://127.0.0.1:4173/';
  const profile = mkdtempSync(join(tmpdir(), 'rlhf-perf-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: ['--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1280, height: 800 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    page,
    base,
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
      await server.close();
    },
  };
}
