// Where a piece of work's time goes, kernel by kernel: tf.profile records every kernel the engine
// runs with its wall-clock time (WASM kernels run synchronously, so that is the kernel's own time);
// this sums them into kernel counts, time in matMul-like kernels and in the rest, and the top kernels.
// Profiled runs are slower than plain ones (the profiler's bookkeeping per kernel), and the time
// outside kernels (the engine's own work per op, JavaScript such as the judge) is not in the sums.
import * as tf from '@tensorflow/tfjs-core';

/** Kernels whose cost is multiply-adds: the products and the convolutions that carry attention's batched products. */
export const MATMUL_KERNELS: ReadonlySet<string> = new Set([
  'MatMul', 'BatchMatMul', '_FusedMatMul',
  'Conv2D', 'FusedConv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter',
  'DepthwiseConv2dNative', 'FusedDepthwiseConv2D', 'DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter',
]);

/** One kernel as run: its registered name and milliseconds. */
export interface KernelRun {
  name: string;
  ms: number;
}

/** One kernel name's share of a piece of work. */
export interface KernelTotal {
  name: string;
  count: number;
  ms: number;
}

/** The kernels of a piece of work (a phase of a step), summed. */
export interface KernelProfile {
  /** Kernels run. */
  kernels: number;
  /** Milliseconds in all kernels: matMulMs + otherMs. */
  kernelMs: number;
  /** Milliseconds in MATMUL_KERNELS. */
  matMulMs: number;
  /** Milliseconds in every other kernel. */
  otherMs: number;
  /** The (at most) ten kernel names with the most total time, most first. */
  top: KernelTotal[];
}

/** Sums kernel runs into a KernelProfile; `topN` names at most (default 10). */
export function summarizeKernels(runs: readonly KernelRun[], topN = 10): KernelProfile {
  const byName = new Map<string, KernelTotal>();
  let matMulMs = 0;
  let otherMs = 0;
  for (const r of runs) {
    if (MATMUL_KERNELS.has(r.name)) matMulMs += r.ms;
    else otherMs += r.ms;
    const t = byName.get(r.name) ?? { name: r.name, count: 0, ms: 0 };
    t.count++;
    t.ms += r.ms;
    byName.set(r.name, t);
  }
  const top = [...byName.values()].sort((a, b) => b.ms - a.ms || a.name.localeCompare(b.name)).slice(0, topN);
  return { kernels: runs.length, kernelMs: matMulMs + otherMs, matMulMs, otherMs, top };
}

/**
 * Runs `fn` under tf.profile and returns its result and its registered kernels in order, with
 * `mark()`: called inside fn, it returns how many kernels have run so far (to split fn into
 * phases). A tf.customGrad's forward is recorded as a scope holding the kernels it runs; scopes
 * are left out so that no time is counted twice.
 */
export async function profileKernels<T>(fn: (mark: () => number) => Promise<T>): Promise<{ result: T; runs: KernelRun[]; splits: number[] }> {
  const engine = tf.engine();
  const backend = tf.getBackend();
  const wasChecking = tf.env().getBool('CHECK_COMPUTATION_FOR_ERRORS');
  // The check reads every kernel's output back: far more work than the kernels themselves.
  tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', false);
  // Positions in the raw record; turned into positions among registered kernels below.
  const rawSplits: number[] = [];
  let result!: T;
  try {
    const info = await tf.profile(async () => {
      result = await fn(() => {
        rawSplits.push(engine.state.activeProfile.kernels.length);
        return rawSplits.length - 1;
      });
      return [];
    });
    const runs: KernelRun[] = [];
    const splits: number[] = [];
    let next = 0;
    info.kernels.forEach((k, i) => {
      while (next < rawSplits.length && rawSplits[next]! <= i) splits[next++] = runs.length;
      if (tf.getKernel(k.name, backend) !== undefined) runs.push({ name: k.name, ms: k.kernelTimeMs as number });
    });
    while (next < rawSplits.length) splits[next++] = runs.length;
    return { result, runs, splits };
  } finally {
    tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', wasChecking);
  }
}

/**
 * Microseconds the engine takes to run one trivial kernel (an add of two one-element tensors, in a
 * tidy, unprofiled): the fixed cost every kernel pays whatever its size.
 */
export function trivialKernelMicros(n = 4000): number {
  const a = tf.scalar(1);
  const b = tf.scalar(2);
  try {
    const once = () => tf.tidy(() => {
      for (let i = 0; i < 100; i++) tf.add(a, b);
    });
    for (let i = 0; i < 5; i++) once(); // warm up
    const t0 = performance.now();
    for (let i = 0; i < n / 100; i++) once();
    return ((performance.now() - t0) * 1000) / n;
  } finally {
    tf.dispose([a, b]);
  }
}
