// Three of the WASM backend's kernels done again, with the same results and less copying:
// - Identity (what the gradient tape's saved tensors and tf.clone run) shares its input's memory
//   and counts a reference, as Reshape already does here and every other backend does; the
//   package's copies every tensor the tape keeps.
// - Slice reads its input where it lies in the heap and moves each contiguous run of bytes with
//   one copyWithin; the package's first copies the whole input out of the heap (once per call) and
//   then copies row by row through a new subarray per row.
// - SplitV (the split of attention's fused q, k, v projection) is one such slice per piece; the
//   package's calls its own Slice, so it read the whole input once per piece.
// String tensors keep the package's kernels. Registered once, after the WASM backend's package loads.
import * as tf from '@tensorflow/tfjs-core';

/** What these kernels use of the WASM backend (its class's public fields). */
interface WasmBackend {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  incRef(dataId: object): void;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

const BACKEND = 'wasm';
let registered = false;

/** Bytes per element of the heap-stored dtypes. */
function bytesPer(dtype: tf.DataType): number {
  return dtype === 'bool' ? 1 : 4; // float32 and int32 are 4 bytes; bool is one byte per element
}

function offsetOf(backend: WasmBackend, t: tf.TensorInfo): number {
  const data = backend.dataIdMap.get(t.dataId);
  if (!data) throw new Error('wasm kernels: a tensor has no data on the WASM backend');
  return data.memoryOffset;
}

/**
 * Copies x[begin : begin + size] into a new tensor: the trailing axes the slice takes whole, with
 * the last axis it cuts, are one contiguous run per index of the axes before them.
 */
export function copySlice(backend: WasmBackend, x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
  const out = backend.makeOutput(size, x.dtype); // may grow the heap: offsets and views come after
  const count = size.reduce((a, b) => a * b, 1);
  if (count === 0) return out;
  const rank = x.shape.length;
  const strides = new Array<number>(rank);
  let stride = 1;
  for (let d = rank - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= x.shape[d] as number;
  }
  // The run: trailing axes taken whole, then the first axis (from the end) that is cut.
  let axis = rank - 1;
  let run = 1;
  while (axis >= 0 && size[axis] === x.shape[axis]) run *= size[axis--] as number;
  if (axis >= 0) run *= size[axis] as number;
  const outer = axis; // axes 0 … outer-1 are walked; the run starts at begin along axes ≥ outer
  const bpe = bytesPer(x.dtype);
  const heap = backend.wasm.HEAPU8;
  const src = offsetOf(backend, x);
  const dst = offsetOf(backend, out);
  let base = 0; // element offset of the run's start for the outer index being copied
  for (let d = Math.max(outer, 0); d < rank; d++) base += (begin[d] as number) * (strides[d] as number);
  const runs = outer <= 0 ? 1 : count / run;
  const index = new Array<number>(Math.max(outer, 0)).fill(0);
  for (let r = 0; r < runs; r++) {
    let at = base;
    for (let d = 0; d < outer; d++) at += ((begin[d] as number) + (index[d] as number)) * (strides[d] as number);
    heap.copyWithin(dst + r * run * bpe, src + at * bpe, src + (at + run) * bpe);
    for (let d = outer - 1; d >= 0; d--) {
      if (++(index[d] as number) < (size[d] as number)) break; // odometer over the outer axes
      index[d] = 0;
    }
  }
  return out;
}

type KernelArgs = Parameters<tf.KernelFunc>[0];

/** Puts `own` in place of the package's kernel `name` for every dtype but strings, which keep the package's. */
function replaceKernel(name: string, own: (args: KernelArgs, x: tf.TensorInfo, backend: WasmBackend) => tf.TensorInfo | tf.TensorInfo[]): void {
  const pkg = tf.getKernel(name, BACKEND);
  if (!pkg) throw new Error(`wasm kernels: the WASM backend has no ${name} kernel to replace`);
  tf.unregisterKernel(name, BACKEND);
  tf.registerKernel({
    kernelName: name,
    backendName: BACKEND,
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      return x.dtype === 'string' ? pkg.kernelFunc(args) : own(args, x, args.backend as unknown as WasmBackend);
    },
  });
}

/** Registers the three kernels for the WASM backend (once; later calls do nothing). */
export function registerWasmKernels(): void {
  if (registered) return;
  replaceKernel(tf.Identity, (_, x, backend) => {
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  });
  replaceKernel(tf.Slice, (args, x, backend) => {
    const attrs = args.attrs as unknown as tf.SliceAttrs;
    const [begin, size] = tf.slice_util.parseSliceParams(x, attrs.begin, attrs.size) as [number[], number[]];
    return copySlice(backend, x, begin, size);
  });
  replaceKernel(tf.SplitV, (args, x, backend) => {
    const attrs = args.attrs as unknown as tf.SplitVAttrs;
    const axis = tf.util.parseAxisParam(attrs.axis, x.shape)[0] as number;
    const sizes = tf.backend_util.prepareSplitSize(x, attrs.numOrSizeSplits, axis);
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((s) => {
      const size = [...x.shape];
      size[axis] = s;
      const piece = copySlice(backend, x, [...begin], size);
      begin[axis] = (begin[axis] as number) + s;
      return piece;
    });
  });
  registered = true;
}
