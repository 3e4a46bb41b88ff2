// What the header says about the current run: its name and its seed.
export class RunInfo {
  /** A name for the run, shown in the header and used for exports. */
  name = $state('untitled run');
  /** The seed every scene, dataset and training run is drawn from. */
  seed = $state(7);
}
