// What every stage shares: the run (name, seed, shown in the header), the engine worker, and each
// stage's state, made once with the session so a run and its charts outlive a visit elsewhere.

import { RunInfo } from './run.svelte';
import { EngineState } from './engine/engine.svelte';
import { LabelState } from './label/label.svelte';
import { RewardState } from './reward/reward.svelte';
import { SftState } from './sft/sft.svelte';

export class Session {
  readonly run = new RunInfo();
  readonly engine = new EngineState();
  readonly sft: SftState;
  readonly label: LabelState;
  readonly reward: RewardState;
  /** The backend shown in the header is the engine's, once it has started. */
  readonly backend = $derived(this.engine.backend);

  constructor() {
    this.sft = new SftState(this);
    this.label = new LabelState(this);
    this.reward = new RewardState(this);
  }
}
