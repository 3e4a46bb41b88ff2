// What the header says about the current run: its name, its seed, and which
// TensorFlow.js backend the engine runs on.
export class RunInfo {
  /** A name for the run, shown in the header and used for exports. */
  name = $state('untitled run');
  /** The seed every scene, dataset and training run is drawn from. */
  seed = $state(7);
  /** 'webgpu', 'webgl', 'wasm' or 'cpu' once the engine has started; null before. */
  backend = $state<string | null>(null);
}
