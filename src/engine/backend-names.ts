// The TensorFlow.js backends by name, without TensorFlow.js (the page's switch reads these).

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
/** A backend by name, or `auto`: the fastest that works here. */
export type BackendPreference = BackendName | 'auto';

export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];
export const BACKEND_PREFERENCES: readonly BackendPreference[] = ['auto', ...BACKEND_ORDER];

export interface BackendAttempt {
  name: BackendName;
  ok: boolean;
  /** Why it was not kept, in words. */
  error?: string;
  /** Milliseconds of one timed forward pass (auto only). */
  ms?: number;
}
