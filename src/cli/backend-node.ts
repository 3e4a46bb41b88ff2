// The backend for Node: WASM by default (about 4× faster than the CPU backend here), with its
// binaries read from the installed package.

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { initBackend, type BackendChoice, type BackendName } from '../engine/backend';

const BACKENDS = ['wasm', 'cpu', 'webgpu', 'webgl'] as const;

/** Starts the named backend (default wasm) and returns what was chosen; throws on an unknown name. */
export async function initNodeBackend(name: string = 'wasm'): Promise<BackendChoice> {
  if (!(BACKENDS as readonly string[]).includes(name)) throw new Error(`--backend must be one of ${BACKENDS.join(', ')}, got "${name}"`);
  const require = createRequire(import.meta.url);
  const wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist/');
  const choice = await initBackend({ preferred: name as BackendName, wasmPaths: wasmDir });
  if (choice.name !== name) console.error(`backend ${name} did not start (${choice.tried.find((t) => t.name === name)?.error ?? 'unknown reason'}); using ${choice.name}`);
  return choice;
}
