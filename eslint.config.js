// ESLint (flat config): recommended rules for JavaScript and TypeScript, and the layers of the
// project (docs/design.md, section 5), each importing only those below it: src/engine knows
// nothing of the page (it may import TensorFlow.js and its own files, never the DOM, Svelte,
// IndexedDB, chart.js, src/app or src/worker); src/cli is the engine's and Node's alone (none of
// the page's packages, src/app or src/worker); src/worker serves the page but never imports it.
// Svelte components are checked by svelte-check; scripts/check-imports.mjs checks the whole graph.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

const nodeGlobals = {
  process: 'readonly',
  console: 'readonly',
  URL: 'readonly',
  Buffer: 'readonly',
  setTimeout: 'readonly',
  clearTimeout: 'readonly',
};

const TFJS_PARTS = 'import @tensorflow/tfjs-core (and a backend package where one is started) instead of the union package.';
const ENGINE_BOUNDARY = 'src/engine runs in Node and in a worker: it must not depend on the page (docs/design.md, section 5).';
const CLI_BOUNDARY = 'src/cli runs in Node on the engine: it must not depend on the page or the worker (docs/design.md, section 5).';
const WORKER_BOUNDARY = 'src/worker serves the page: it must not import it (docs/design.md, section 5).';
/** Matches a path into one of `folders` of src, whatever the depth: ../app, ../../worker/protocol, src/app/..., /src/worker/.... */
const srcFolders = (folders) => `(^|/)(\\.\\./)*(src/)?(${folders.join('|')})(/|$)`;

/** no-restricted-imports for a layer below the page: none of the page's packages or components, nor src/app or src/worker. */
function belowThePage(message) {
  const packages = ['svelte', 'idb-keyval', 'fake-indexeddb', 'chart.js'];
  return [
    'error',
    {
      paths: [...packages.map((name) => ({ name, message })), { name: '@tensorflow/tfjs', message: TFJS_PARTS }],
      patterns: [
        { regex: `^(${packages.map((p) => p.replace('.', '\\.')).join('|')})/`, message },
        { regex: '\\.svelte(\\.(js|ts))?$', message },
        { regex: srcFolders(['app', 'worker']), message },
      ],
    },
  ];
}

export default defineConfig(
  globalIgnores(['dist/', 'dist-cli/', 'node_modules/', 'test-results/', '.vite/', 'models/', '.out/', 'tmp/', '.scratch/']),
  {
    files: ['**/*.{js,mjs,cjs,ts,mts,cts}'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: { globals: nodeGlobals },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // TensorFlow.js by its parts: the core and, where a backend is tried, that backend alone (the
    // union package would bring layers, converters and data loaders no one uses).
    files: ['src/**/*.{ts,mts,js,mjs}', 'tests/**/*.{ts,mts,js,mjs}'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: '@tensorflow/tfjs', message: TFJS_PARTS }] }],
    },
  },
  {
    // The page loads no TensorFlow.js: the engine worker does (docs/design.md, section 5). State the
    // page needs comes from tf-free engine modules (configs, bounds, plans, probes, the judge).
    files: ['src/app/**/*.{ts,mts,js,mjs}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ regex: '^@tensorflow/', message: 'the page loads no TensorFlow.js; the worker does. Import a tf-free engine module instead.' }],
        },
      ],
    },
  },
  {
    // Browser benchmarks: their page.evaluate callbacks run in the page.
    files: ['scripts/perf-*.mjs'],
    languageOptions: { globals: { document: 'readonly', performance: 'readonly', PerformanceObserver: 'readonly' } },
  },
  {
    files: ['src/engine/**/*.{ts,mts,js,mjs}'],
    rules: {
      'no-restricted-imports': belowThePage(ENGINE_BOUNDARY),
      'no-restricted-globals': [
        'error',
        ...['window', 'document', 'indexedDB', 'localStorage', 'sessionStorage', 'postMessage', 'importScripts'].map(
          (name) => ({ name, message: ENGINE_BOUNDARY }),
        ),
      ],
    },
  },
  {
    files: ['src/cli/**/*.{ts,mts,js,mjs}'],
    rules: { 'no-restricted-imports': belowThePage(CLI_BOUNDARY) },
  },
  {
    files: ['src/worker/**/*.{ts,mts,js,mjs}'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: '@tensorflow/tfjs', message: TFJS_PARTS }], patterns: [{ regex: srcFolders(['app']), message: WORKER_BOUNDARY }] },
      ],
    },
  },
);
