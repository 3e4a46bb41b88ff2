// ESLint (flat config): recommended rules for JavaScript and TypeScript, and the one
// architectural rule of the project: src/engine knows nothing of the page. It may import
// TensorFlow.js and its own files, never the DOM, Svelte, IndexedDB, chart.js, src/app or
// src/worker (docs/design.md, section 5). Svelte components are checked by svelte-check.
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
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'svelte', message: ENGINE_BOUNDARY },
            { name: 'idb-keyval', message: ENGINE_BOUNDARY },
            { name: 'fake-indexeddb', message: ENGINE_BOUNDARY },
            { name: 'chart.js', message: ENGINE_BOUNDARY },
            { name: '@tensorflow/tfjs', message: TFJS_PARTS },
          ],
          patterns: [
            { regex: '^(svelte|idb-keyval|fake-indexeddb|chart\\.js)/', message: ENGINE_BOUNDARY },
            { regex: '\\.svelte(\\.(js|ts))?$', message: ENGINE_BOUNDARY },
            // ../app, ../../worker/protocol, src/app/..., /src/worker/...: whatever the depth.
            { regex: '(^|/)(\\.\\./)*(src/)?(app|worker)(/|$)', message: ENGINE_BOUNDARY },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...['window', 'document', 'indexedDB', 'localStorage', 'sessionStorage', 'postMessage', 'importScripts'].map(
          (name) => ({ name, message: ENGINE_BOUNDARY }),
        ),
      ],
    },
  },
);
