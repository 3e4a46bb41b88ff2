// The e2e tests' browser: launches the system Chromium (playwright-core, no downloaded
// browsers) with a fresh profile, opens the preview server's page, records every console
// error and uncaught page error, and saves screenshots under test-results/.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';
import { CHROMIUM_HINT, findChromium } from '../../scripts/find-chromium.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const RESULTS_DIR = join(root, 'test-results');

export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface PageSession {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors, in the order they happened. */
  errors: string[];
  /** The preview server's URL for a path such as '#/world' (relative to the app root). */
  url(path?: string): string;
  /** Saves a full-page screenshot as test-results/<name>.png; returns its path. */
  screenshot(name: string): Promise<string>;
  /** Closes the browser and deletes its profile. */
  close(): Promise<void>;
}

/**
 * Launches Chromium with a fresh user-data-dir and opens `path` on the preview server;
 * resolves once the page has loaded. Throws if no Chromium is found.
 */
export async function openPage(path = ''): Promise<PageSession> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(CHROMIUM_HINT);
  const baseURL = inject('baseURL');
  const profile = mkdtempSync(join(tmpdir(), 'rlhf-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`page: ${err.message}`));

  const url = (p = '') => new URL(p, baseURL).href;
  await page.goto(url(path), { waitUntil: 'load' });

  return {
    context,
    page,
    errors,
    url,
    async screenshot(name) {
      mkdirSync(RESULTS_DIR, { recursive: true });
      const file = join(RESULTS_DIR, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
