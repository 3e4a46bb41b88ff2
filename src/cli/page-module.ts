// A module of the page run in Node: a .svelte.ts file (state in runes) compiled by Vite with the
// Svelte plugin, as the Node test suites compile it, so a benchmark times the page's own code.

import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { runnerImport } from 'vite';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Imports `src/<path>` (e.g. "app/label/prefs.svelte.ts") through Vite; returns the module. */
export async function importPageModule<T>(path: string): Promise<T> {
  const { module } = await runnerImport<T>(`${ROOT}src/${path}`, { root: ROOT, configFile: false, logLevel: 'error', plugins: [svelte({ configFile: false })] });
  return module;
}
