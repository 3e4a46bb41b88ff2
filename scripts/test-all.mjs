// `npm test`: builds the page, runs the Node suites (tests/unit, tests/pipeline) and the
// Chromium suite (tests/e2e) against the build, then prints one line
// `tests: N passed, N failed` and exits non-zero if anything failed.
// Counts come from Vitest's JSON reports in test-results/; a runner that fails without a
// failing test in its report (a file that does not load, a crash, a failed build) counts
// as one failure, so the line never says 0 failed when the exit status says otherwise.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_HINT, findChromium } from './find-chromium.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = join(root, 'test-results');
const VITE = join(root, 'node_modules/vite/bin/vite.js');
const VITEST = join(root, 'node_modules/vitest/vitest.mjs');

const chromium = findChromium();
if (!chromium) {
  console.error(CHROMIUM_HINT);
  process.exit(1);
}

mkdirSync(resultsDir, { recursive: true });

let passed = 0;
let failed = 0;
const notes = [];

/** Runs `node <bin> ...args` in the repository root; returns its exit status. */
function run(bin, args, env = {}) {
  const res = spawnSync(process.execPath, [bin, ...args], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  if (res.error) console.error(res.error.message);
  return res.status ?? 1;
}

/** Runs one Vitest suite with a JSON report and adds its counts to the totals. */
function runVitest(name, configArgs, env = {}) {
  const report = join(resultsDir, `${name}.json`);
  rmSync(report, { force: true });
  const status = run(
    VITEST,
    ['run', ...configArgs, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
    env,
  );
  let suiteFailed = 0;
  if (existsSync(report)) {
    const json = JSON.parse(readFileSync(report, 'utf8'));
    passed += json.numPassedTests;
    suiteFailed += json.numFailedTests;
    // A test file that failed on its own (import error, failing hook) has no failed test.
    for (const file of json.testResults) {
      const anyFailed = file.assertionResults.some((a) => a.status === 'failed');
      if (file.status === 'failed' && !anyFailed) {
        suiteFailed += 1;
        notes.push(`${name}: ${file.name.replace(root + '/', '')} failed to run`);
      }
    }
    if (json.numTotalTests === 0) notes.push(`${name}: no tests found`);
  } else {
    notes.push(`${name}: no report written`);
  }
  if (status !== 0 && suiteFailed === 0) {
    suiteFailed = 1;
    notes.push(`${name}: runner exited with status ${status}`);
  }
  failed += suiteFailed;
}

const buildStatus = run(VITE, ['build']);
if (buildStatus !== 0) {
  failed += 1;
  notes.push('build: `vite build` failed, so the e2e suite did not run');
}

runVitest('unit', ['--passWithNoTests']);

if (buildStatus === 0) {
  runVitest('e2e', ['--config', 'vitest.e2e.config.ts'], { CHROMIUM_PATH: chromium });
}

for (const note of notes) console.log(note);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
