// What every stage shares: the run (name, seed, shown in the header), the engine worker, and each
// stage's state, made once with the session so a run and its charts outlive a visit elsewhere.

import { RunInfo } from './run.svelte';
import { EngineState } from './engine/engine.svelte';
import { LabelState } from './label/label.svelte';
import { RewardState } from './reward/reward.svelte';
import { SftState } from './sft/sft.svelte';
import { PpoState } from './ppo/ppo.svelte';
import { EvaluateState } from './evaluate/evaluate.svelte';
import type { AppliedSettings } from './share/link-settings';

export class Session {
  readonly run = new RunInfo();
  readonly engine = new EngineState();
  readonly sft: SftState;
  readonly label: LabelState;
  readonly reward: RewardState;
  readonly ppo: PpoState;
  readonly evaluate: EvaluateState;

  /** What a link's settings set (and could not), until dismissed. */
  linkSettings = $state.raw<AppliedSettings | null>(null);
  /** What was brought back from this browser after a reload, in words, or null. */
  restored = $state<string | null>(null);

  constructor() {
    this.sft = new SftState(this);
    this.label = new LabelState(this);
    this.reward = new RewardState(this);
    this.ppo = new PpoState(this);
    this.evaluate = new EvaluateState(this.engine);
  }

  /**
   * Brings back what this page had before a reload (the labels come back by themselves): the
   * policy as it was, and the reward models with their figures; says what it restored.
   */
  async restore(): Promise<void> {
    const parts: string[] = [];
    try {
      const policy = await this.sft.policy.restore();
      if (policy) parts.push(`the policy ${policy.name}${policy.version !== policy.origin ? ` as trained here (${policy.version})` : ''}`);
      const kinds = await this.reward.restore();
      if (kinds.length) parts.push(kinds.length === 2 ? 'the plain RM and the Fact-RM' : kinds[0] === 'fact' ? 'the Fact-RM' : 'the plain RM');
    } catch (e) {
      this.restored = `Could not bring everything back from this browser: ${(e as Error).message}`;
      return;
    }
    this.restored = parts.length ? `Restored from this browser: ${parts.join(' and ')}, as they were before the reload.` : null;
  }
}
