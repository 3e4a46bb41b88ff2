// Loaded with `node --import` before the command line: gives Node a `navigator.gpu` from the `webgpu`
// package (Dawn), so that TensorFlow.js's WebGPU backend, imported later, registers itself. Dawn
// keeps Node's event loop alive while `navigator.gpu` is held: scripts/perf-webgpu.mjs ends the
// command once it has printed its figures.
import { create, globals } from 'webgpu';

Object.assign(globalThis, globals);
const gpu = create([]);
if (globalThis.navigator) Object.defineProperty(globalThis.navigator, 'gpu', { value: gpu, configurable: true });
else globalThis.navigator = { gpu };
