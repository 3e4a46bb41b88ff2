// The tests' TensorFlow.js, as the command line's (src/cli/tfjs-node.ts): the union package
// registers the gradients and chained tensor methods on the core the engine imports.
// eslint-disable-next-line no-restricted-imports -- Node alone loads the union package
import '@tensorflow/tfjs';
