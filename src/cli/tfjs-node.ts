// TensorFlow.js for Node: the union package's CommonJS build registers the core's gradients and
// chained tensor methods on the same core the engine imports (the page's worker gets them from
// src/engine/tfjs-setup.ts instead). Imported first by the command line.
// eslint-disable-next-line no-restricted-imports -- Node alone loads the union package
import '@tensorflow/tfjs';
