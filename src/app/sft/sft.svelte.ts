// The SFT stage's state: the policy, train, sample and benchmark cards' states, and whether the
// engine can take a job now. One per session, so a run keeps going (and its chart keeps its
// points) while the user visits another stage.

import type { Session } from '../session.svelte';
import { BenchState } from './bench.svelte';
import { PolicyState } from './policy.svelte';
import { SampleState } from './sample.svelte';
import { TrainState } from './train.svelte';

export class SftState {
  readonly policy: PolicyState;
  readonly train: TrainState;
  readonly sample: SampleState;
  readonly bench: BenchState;
  private readonly session: Session;

  /** Why no job can start now (engine starting, failed or busy), or null when it is free. */
  readonly engineNote: string | null = $derived.by(() => this.session.engine.note);

  /** Why jobs that need a policy cannot start now, or null. */
  readonly policyNote: string | null = $derived.by(
    () => this.engineNote ?? (this.session.engine.policy === null ? 'Load a policy first (in the Policy card above).' : null),
  );

  constructor(session: Session) {
    this.session = session;
    this.policy = new PolicyState(session.engine);
    this.train = new TrainState(session.engine, session.run);
    this.sample = new SampleState(session.engine, session.run.seed);
    this.bench = new BenchState(session.engine);
  }
}

const states = new WeakMap<Session, SftState>();

/** Returns the session's SFT state, creating it on first use. */
export function sftStateFor(session: Session): SftState {
  let s = states.get(session);
  if (!s) {
    s = new SftState(session);
    states.set(session, s);
  }
  return s;
}
