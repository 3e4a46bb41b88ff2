// Picks the TensorFlow.js backend: the preferred one, then WebGPU, WebGL, WASM, CPU, keeping the
// first whose setBackend succeeds and which really computes a small matMul correctly.
import * as tf from '@tensorflow/tfjs';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export interface BackendAttempt {
  name: BackendName;
  ok: boolean;
  /** Why it was not kept, in words. */
  error?: string;
}

export interface BackendChoice {
  /** The backend now active. */
  name: BackendName;
  /** Every backend tried, in order, the chosen one last. */
  tried: BackendAttempt[];
}

export interface InitBackendOptions {
  /** Tried first; the rest follow in BACKEND_ORDER. */
  preferred?: BackendName;
  /**
   * Where the WASM binaries are: a directory prefix (URL in the browser, file path in Node; a
   * trailing "/" is added if missing) or a map from binary name to path. Ignored once WASM has started.
   */
  wasmPaths?: string | Record<string, string>;
}

/** Loads the package that registers a backend; WebGPU and WASM are imported only when tried. */
async function register(name: BackendName, opts: InitBackendOptions): Promise<void> {
  if (name === 'webgpu') {
    await import('@tensorflow/tfjs-backend-webgpu');
  } else if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (opts.wasmPaths !== undefined && tf.findBackend('wasm') === null) {
      const p = opts.wasmPaths;
      wasm.setWasmPaths(typeof p === 'string' && !p.endsWith('/') ? `${p}/` : p);
    }
  }
  // WebGL and CPU come with '@tensorflow/tfjs' (WebGL registers itself only in a browser or worker).
}

/** Runs a 2×2 matMul on the active backend and checks the answer read back. */
async function smokeTest(): Promise<void> {
  const a = tf.tensor2d([1, 2, 3, 4], [2, 2]);
  const c = tf.matMul(a, a);
  try {
    const got = Array.from(await c.data());
    const want = [7, 10, 15, 22];
    if (got.some((v, i) => Math.abs(v - (want[i] as number)) > 1e-3)) throw new Error(`matMul check gave [${got.join(', ')}], expected [7, 10, 15, 22]`);
  } finally {
    tf.dispose([a, c]);
  }
}

/**
 * Activates the first backend that works, trying `preferred` first. Returns its name and every
 * attempt. Throws only if none works (the CPU backend always should).
 */
export async function initBackend(opts: InitBackendOptions = {}): Promise<BackendChoice> {
  const order = opts.preferred ? [opts.preferred, ...BACKEND_ORDER.filter((n) => n !== opts.preferred)] : [...BACKEND_ORDER];
  const tried: BackendAttempt[] = [];
  for (const name of order) {
    try {
      await register(name, opts);
      const ok = await tf.setBackend(name);
      if (!ok) throw new Error(`tf.setBackend('${name}') returned false`);
      await tf.ready();
      await smokeTest();
      tried.push({ name, ok: true });
      return { name, tried };
    } catch (e) {
      tried.push({ name, ok: false, error: e instanceof Error ? e.message : String(e) });
    }
  }
  throw new Error(`no TensorFlow.js backend works here: ${tried.map((t) => `${t.name}: ${t.error}`).join('; ')}`);
}
