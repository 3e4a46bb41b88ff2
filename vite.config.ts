/// <reference types="vitest/config" />
// Vite builds the page; the `test` block is the Vitest config for the Node suites
// (unit and pipeline). The Chromium suite has its own config: vitest.e2e.config.ts.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  plugins: [svelte({ configFile: false })],
  base: './',
  worker: { format: 'es' },
  optimizeDeps: {
    include: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-core/dist/register_all_gradients', '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-webgl', '@tensorflow/tfjs-backend-webgpu', '@tensorflow/tfjs-backend-wasm', 'chart.js', 'idb-keyval'],
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/pipeline/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    setupFiles: ['tests/setup-tfjs.ts'],
  },
});
