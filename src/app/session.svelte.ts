// What every stage shares: the run (name, seed, shown in the header), the engine worker, and each
// stage's state, made once with the session so a run and its charts outlive a visit elsewhere.

import { RunInfo } from './run.svelte';
import { EngineState, type Restart } from './engine/engine.svelte';
import { LabelState } from './label/label.svelte';
import { RewardState } from './reward/reward.svelte';
import { SftState } from './sft/sft.svelte';
import { PpoState } from './ppo/ppo.svelte';
import { EvaluateState } from './evaluate/evaluate.svelte';
import { BonState } from './evaluate/bon.svelte';
import { DpoState } from './evaluate/dpo.svelte';
import type { AppliedSettings } from './share/link-settings';
import { TourState } from './tour/tour.svelte';
import { StorageState } from './storage/storage.svelte';

export class Session {
  readonly run = new RunInfo();
  readonly engine = new EngineState();
  readonly sft: SftState;
  readonly label: LabelState;
  readonly reward: RewardState;
  readonly ppo: PpoState;
  readonly evaluate: EvaluateState;
  /** The Evaluate stage's best-of-n sweep with the over-optimisation curve, and its DPO run. */
  readonly bon: BonState;
  readonly dpo: DpoState;
  readonly tour: TourState;
  /** What this browser keeps for the page (the storage panel). */
  readonly storage: StorageState;

  /** What a link's settings set (and could not), until dismissed. */
  linkSettings = $state.raw<AppliedSettings | null>(null);
  /** What was brought back from this browser after a reload, in words, or null. */
  restored = $state<string | null>(null);
  /** What happened when the engine restarted on its own (a crash, a lost GPU) and what came back, until dismissed. */
  recovered = $state<string | null>(null);

  constructor() {
    this.sft = new SftState(this);
    this.label = new LabelState(this);
    this.reward = new RewardState(this);
    this.ppo = new PpoState(this);
    this.evaluate = new EvaluateState(this.engine);
    this.bon = new BonState(this);
    this.dpo = new DpoState(this);
    this.tour = new TourState(this);
    this.storage = new StorageState(this);
    this.engine.onRestart = (r) => void this.resume(r);
  }

  /** Brings back what this browser kept; returns what came back, in words. */
  private async bringBack(): Promise<string[]> {
    const parts: string[] = [];
    // A person may have loaded a policy or started a job meanwhile: theirs comes first.
    await this.engine.slotFree();
    const policy = this.engine.policy === null ? await this.sft.policy.restore() : null;
    if (policy) parts.push(`the policy ${policy.name}${policy.version !== policy.origin ? ` as trained here (${policy.version})` : ''}`);
    await this.engine.slotFree();
    const kinds = await this.reward.restore();
    if (kinds.length) parts.push(kinds.length === 2 ? 'the plain RM and the Fact-RM' : kinds[0] === 'fact' ? 'the Fact-RM' : 'the plain RM');
    // The PPO run last: its note says whether the policy restored above is the one saved with it.
    const run = await this.ppo.keep.restore();
    if (run) parts.push(run);
    return parts;
  }

  /**
   * Brings back what this page had before a reload (the labels come back by themselves): the
   * policy as it was, the reward models with their figures, and the PPO run as last saved; says
   * what it restored.
   */
  async restore(): Promise<void> {
    let parts: string[];
    try {
      parts = await this.bringBack();
    } catch (e) {
      this.restored = `Could not bring everything back from this browser: ${(e as Error).message}`;
      return;
    }
    this.restored = parts.length ? `Restored from this browser: ${parts.join(' and ')}, as they were before the reload.` : null;
  }

  /**
   * After the engine restarted on its own: brings back what this browser kept, the same way as
   * after a reload, and says what happened, which jobs failed and what came back.
   */
  async resume(r: Restart): Promise<void> {
    const switched = r.before && r.after && r.before !== r.after ? ` It now runs on ${r.after} instead of ${r.before}.` : '';
    const failed = r.failed.length ? ` Failed with it: ${r.failed.join(', ')}; start again when you are ready.` : '';
    let back: string;
    try {
      const parts = await this.bringBack();
      back = parts.length ? ` Restored from this browser: ${parts.join(' and ')}, as last saved.` : ' Nothing was kept in this browser to restore.';
    } catch (e) {
      back = ` Could not bring everything back from this browser: ${(e as Error).message}.`;
    }
    this.recovered = `${r.what} The engine was restarted.${switched}${back}${failed}`;
    // Sampling pairs to label failed with the worker; it starts again by itself (the notice says why it stopped).
    this.label.error = null;
  }
}
