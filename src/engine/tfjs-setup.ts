// TensorFlow.js as the engine uses it, for a host that bundles ES modules (the page's worker):
// the core with every gradient and the chained tensor methods (t.reshape(…), t.transpose(…))
// registered, as the union package registers them, without its layers, converters and data
// loaders. Node hosts (the command line, the tests) import the union package instead, whose
// CommonJS build registers the same; these ES-module files cannot be loaded by Node itself.
// The core first: its flags and engine must exist before gradients register.
import '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
