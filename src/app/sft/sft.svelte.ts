// The SFT stage's state: the policy, train, sample and benchmark cards' states, and whether the
// engine can take a job now. One per session, so a run keeps going (and its chart keeps its
// points) while the user visits another stage.

import type { EngineState } from '../engine/engine.svelte';
import type { RunInfo } from '../run.svelte';
import { BenchState } from './bench.svelte';
import { PolicyState } from './policy.svelte';
import { SampleState } from './sample.svelte';
import { TrainState } from './train.svelte';

export class SftState {
  readonly policy: PolicyState;
  readonly train: TrainState;
  readonly sample: SampleState;
  readonly bench: BenchState;

  private readonly noPolicy: string | null = $derived.by(() => (this.engine.policy === null ? 'Load a policy first (in the Policy card above).' : null));

  /** Why no job can take the training slot now (loading, training): engine starting, failed or busy; null when free. */
  readonly engineNote: string | null = $derived.by(() => this.engine.note);

  /** Why training the policy cannot start now, or null. */
  readonly policyNote: string | null = $derived.by(() => this.engineNote ?? this.noPolicy);

  /** Why sampling or benchmarking the policy (read-only, possible while something trains) cannot start now, or null. */
  readonly readNote: string | null = $derived.by(() => this.engine.readNote ?? this.noPolicy);

  constructor(
    /** The engine every card's jobs run on. */
    readonly engine: EngineState,
    run: RunInfo,
  ) {
    this.policy = new PolicyState(engine);
    this.train = new TrainState(engine, run);
    this.sample = new SampleState(engine, run.seed);
    this.bench = new BenchState(engine);
  }
}
