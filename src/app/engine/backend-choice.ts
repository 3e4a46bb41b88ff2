// Which backend the engine starts on: the one asked for in the address (`?backend=wasm`), else the
// one chosen in the header (kept in this browser), else auto.

import { BACKEND_PREFERENCES, type BackendPreference } from '../../engine/backend-names';

/** localStorage: the backend chosen in the header. */
const BACKEND_KEY = 'rlhf-playground/backend';

const isPreference = (b: unknown): b is BackendPreference => (BACKEND_PREFERENCES as readonly unknown[]).includes(b);

/** The backend asked for in the URL (`?backend=wasm`), if any. */
export function backendFromUrl(search: string): BackendPreference | undefined {
  const b = new URLSearchParams(search).get('backend');
  return isPreference(b) ? b : undefined;
}

/** The backend to start: the URL's (`?backend=`), else the one chosen in this browser, else auto. */
export function backendPreference(search: string): BackendPreference {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(BACKEND_KEY);
  } catch {
    // No storage: auto.
  }
  return backendFromUrl(search) ?? (isPreference(stored) ? stored : 'auto');
}

/** Keeps the header's choice of backend for the next loads. */
export function storeBackendChoice(p: BackendPreference): void {
  try {
    localStorage.setItem(BACKEND_KEY, p);
  } catch {
    // Without storage the choice applies only through ?backend=.
  }
}
