// Picks the TensorFlow.js backend. A named one is tried first, then the others in order; `auto`
// (the page's default) starts every backend that works here, skips a software GPU (a fallback
// WebGPU adapter, a software WebGL renderer: correct, but slower than WASM on the same CPU),
// times one forward pass of the real model on each that is left, and keeps the fastest.
// Each backend's code is imported only when it is tried.
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmKernels } from './wasm-kernels';
import { BACKEND_ORDER, type BackendAttempt, type BackendName, type BackendPreference } from './backend-names';

export { BACKEND_ORDER, BACKEND_PREFERENCES, type BackendAttempt, type BackendName, type BackendPreference } from './backend-names';

export interface BackendChoice {
  /** The backend now active. */
  name: BackendName;
  /** Every backend tried, in order. */
  tried: BackendAttempt[];
  /** Why this one, in words ("fastest here: wasm 120 ms, webgpu 300 ms per forward pass"). */
  reason: string;
}

export interface InitBackendOptions {
  /** A backend to try first (the rest follow in BACKEND_ORDER), or `auto`. Default: BACKEND_ORDER. */
  preferred?: BackendPreference;
  /**
   * Where the WASM binaries are: a directory prefix (URL in the browser, file path in Node; a
   * trailing "/" is added if missing) or a map from binary name to path. Ignored once WASM has started.
   */
  wasmPaths?: string | Record<string, string>;
  /** For `auto`: runs the model's forward pass once on the active backend (called twice: to warm up, then timed). */
  measure?: () => Promise<void>;
}

/** Loads the package that registers a backend, the first time it is tried. */
async function register(name: BackendName, opts: InitBackendOptions): Promise<void> {
  if (name === 'webgpu') {
    await import('@tensorflow/tfjs-backend-webgpu');
  } else if (name === 'webgl') {
    await import('@tensorflow/tfjs-backend-webgl');
  } else if (name === 'cpu') {
    await import('@tensorflow/tfjs-backend-cpu');
  } else {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (opts.wasmPaths !== undefined && tf.findBackend('wasm') === null) {
      const p = opts.wasmPaths;
      wasm.setWasmPaths(typeof p === 'string' && !p.endsWith('/') ? `${p}/` : p);
    }
    registerWasmKernels();
  }
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

/** Makes `name` the active backend if it works here; throws why not. */
async function start(name: BackendName, opts: InitBackendOptions): Promise<void> {
  await register(name, opts);
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`tf.setBackend('${name}') returned false`);
  await tf.ready();
  await smokeTest();
}

/** Why a GPU backend would only emulate a GPU on the CPU here, or null (a real GPU, or unknown). */
export async function softwareGpu(name: BackendName): Promise<string | null> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (name === 'webgpu' && nav?.gpu) {
    const adapter = await nav.gpu.requestAdapter();
    if (!adapter) return null;
    const info = adapter.info as GPUAdapterInfo | undefined;
    const fallback = info?.isFallbackAdapter ?? (adapter as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter ?? false;
    return fallback ? `its adapter is a software fallback (${info?.vendor || info?.architecture || 'SwiftShader'}), slower than WASM on the same CPU` : null;
  }
  if (name === 'webgl' && typeof OffscreenCanvas !== 'undefined') {
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
    if (!gl) return null;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    return /swiftshader|llvmpipe|softpipe|software/i.test(renderer) ? `its renderer is software (${renderer}), slower than WASM on the same CPU` : null;
  }
  return null;
}

/** `auto`: starts each candidate, skips software GPUs, times the rest, keeps the fastest. */
async function chooseFastest(opts: InitBackendOptions): Promise<BackendChoice> {
  const tried: BackendAttempt[] = [];
  const timed: { name: BackendName; ms: number }[] = [];
  for (const name of ['wasm', 'webgpu', 'webgl'] as const) {
    try {
      const soft = await softwareGpu(name);
      if (soft) {
        tried.push({ name, ok: false, error: `skipped: ${soft}` });
        continue;
      }
      await start(name, opts);
      let ms = 0;
      if (opts.measure) {
        await opts.measure(); // compiles kernels and shaders
        const t0 = performance.now();
        await opts.measure();
        ms = performance.now() - t0;
      }
      tried.push({ name, ok: true, ms });
      timed.push({ name, ms });
    } catch (e) {
      tried.push({ name, ok: false, error: e instanceof Error ? e.message : String(e) });
    }
  }
  if (timed.length === 0) {
    await start('cpu', opts);
    tried.push({ name: 'cpu', ok: true });
    return { name: 'cpu', tried, reason: 'the only backend that works here' };
  }
  const best = timed.reduce((a, b) => (b.ms < a.ms ? b : a));
  if (tf.getBackend() !== best.name) await tf.setBackend(best.name);
  const skipped = tried.filter((t) => !t.ok && t.error?.startsWith('skipped')).map((t) => `${t.name} skipped: ${t.error!.slice('skipped: '.length)}`);
  const reason =
    timed.length > 1
      ? `fastest here: ${timed.map((t) => `${t.name} ${t.ms.toFixed(0)} ms`).join(', ')} per forward pass of the model`
      : `the only fast backend here${skipped.length ? ` (${skipped.join('; ')})` : ''}`;
  return { name: best.name, tried, reason };
}

/**
 * Activates a backend: `auto` keeps the fastest that works (see above); a name is tried first and
 * the others follow in BACKEND_ORDER. Returns its name, why, and every attempt. Throws only if
 * none works (the CPU backend always should).
 */
export async function initBackend(opts: InitBackendOptions = {}): Promise<BackendChoice> {
  if (opts.preferred === 'auto') return chooseFastest(opts);
  const order = opts.preferred ? [opts.preferred, ...BACKEND_ORDER.filter((n) => n !== opts.preferred)] : [...BACKEND_ORDER];
  const tried: BackendAttempt[] = [];
  for (const name of order) {
    try {
      await start(name, opts);
      tried.push({ name, ok: true });
      const reason = name === opts.preferred ? 'asked for' : opts.preferred ? `${opts.preferred} did not start: ${tried[0]?.error ?? ''}` : 'the first that works';
      return { name, tried, reason };
    } catch (e) {
      tried.push({ name, ok: false, error: e instanceof Error ? e.message : String(e) });
    }
  }
  throw new Error(`no TensorFlow.js backend works here: ${tried.map((t) => `${t.name}: ${t.error}`).join('; ')}`);
}
