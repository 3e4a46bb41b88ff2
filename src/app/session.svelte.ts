// What every stage shares: the run (name, seed, shown in the header) and the engine worker.

import { RunInfo } from './run.svelte';
import { EngineState } from './engine/engine.svelte';

export class Session {
  readonly run = new RunInfo();
  readonly engine = new EngineState();
  /** The backend shown in the header is the engine's, once it has started. */
  readonly backend = $derived(this.engine.backend);
}
