// Vitest config for the Chromium suite (tests/e2e): a global setup serves the build
// (`vite preview`) on a free localhost port; each test file drives its own browser.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['tests/e2e/global-setup.ts'],
    // One browser at a time: CI has two cores, and the page trains models.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
