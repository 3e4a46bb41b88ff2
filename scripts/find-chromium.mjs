// Where the Chromium used by the end-to-end tests lives: $CHROMIUM_PATH, else the
// usual Debian/Ubuntu paths. Shared by scripts/test-all.mjs and tests/e2e/browser.ts.
import { existsSync } from 'node:fs';

export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

export const CHROMIUM_HINT =
  'No Chromium found: run `sudo apt-get install -y chromium`, or set CHROMIUM_PATH to a Chromium or Chrome executable.';

/** Returns the path of a Chromium executable, or null when there is none. */
export function findChromium() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  return CHROMIUM_CANDIDATES.find((p) => existsSync(p)) ?? null;
}
