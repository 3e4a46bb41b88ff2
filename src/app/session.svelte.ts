// What every stage shares: the run (name, seed, shown in the header), the engine worker, and each
// stage's state, made once with the session so a run and its charts outlive a visit elsewhere.
// Each state class is handed what it uses (the engine, the labels, a sibling it reads), never the
// session itself, so no stage module imports this one.

import { RunInfo } from './run.svelte';
import { EngineState, type Restart } from './engine/engine.svelte';
import { LabelState } from './label/label.svelte';
import { RewardState } from './reward/reward.svelte';
import { SentenceRmState } from './reward/sentence.svelte';
import { SftState } from './sft/sft.svelte';
import { shippedLabel } from './sft/explain';
import { PpoState } from './ppo/ppo.svelte';
import { PresetSetup } from './ppo/preset-setup.svelte';
import { EvaluateState } from './evaluate/evaluate.svelte';
import { BonState } from './evaluate/bon.svelte';
import { DpoState } from './evaluate/dpo.svelte';
import type { AppliedSettings } from './share/applied';
import { StorageState } from './storage/storage.svelte';

export class Session {
  readonly run = new RunInfo();
  readonly engine = new EngineState();
  readonly sft: SftState;
  readonly label: LabelState;
  readonly reward: RewardState;
  /** The sentence reward model, trained on the Label stage's marks. */
  readonly sentenceRm: SentenceRmState;
  readonly ppo: PpoState;
  /** A preset that needs labels of its own (reward hacking) sets them up in one click. */
  readonly ppoSetup: PresetSetup;
  readonly evaluate: EvaluateState;
  /** The Evaluate stage's best-of-n sweep with the over-optimisation curve, and its DPO run. */
  readonly bon: BonState;
  readonly dpo: DpoState;
  /** What this browser keeps for the page (the storage panel). */
  readonly storage: StorageState;

  /** What a link's settings set (and could not), until dismissed. */
  linkSettings = $state.raw<AppliedSettings | null>(null);
  /** The guided tour is on show. */
  tourOpen = $state(false);
  /** What was brought back from this browser after a reload, in words, or null. */
  restored = $state<string | null>(null);
  /** What happened when the engine restarted on its own (a crash, a lost GPU) and what came back, until dismissed. */
  recovered = $state<string | null>(null);

  constructor() {
    const engine = this.engine;
    this.sft = new SftState(engine, this.run);
    this.label = new LabelState(engine, this.run);
    const prefs = this.label.prefs;
    this.reward = new RewardState(engine, this.run, prefs);
    this.sentenceRm = new SentenceRmState(engine, this.run, this.label.marking.store);
    this.ppo = new PpoState(engine, prefs, this.reward, {
      policyName: () => this.sft.policy.name,
      linkSetsKnobs: () => this.linkSettings?.set.some((x) => x.key.startsWith('ppo.')) ?? false,
      startAgain: () => {
        const folder = this.sft.policy.tunedFromShipped;
        return folder ? { label: shippedLabel(folder), load: () => this.sft.policy.loadShipped(folder) } : null;
      },
      sentenceRm: () => (this.sentenceRm.result === null ? 'none' : this.sentenceRm.restored ? 'figures only' : 'trained'),
    });
    this.ppoSetup = new PresetSetup((folder) => this.sft.policy.loadShipped(folder), this.label.auto, this.reward, this.ppo);
    this.evaluate = new EvaluateState(engine);
    this.bon = new BonState(engine, prefs, this.reward, this.ppo);
    this.dpo = new DpoState(engine, prefs);
    this.storage = new StorageState(engine, prefs, this.evaluate, this.label.marking.store);
    this.engine.onRestart = (r) => void this.resume(r);
  }

  /** Brings back what this browser kept; returns what came back, in words. */
  private async bringBack(): Promise<string[]> {
    const parts: string[] = [];
    // A person may have loaded a policy or started a job meanwhile: theirs comes first, also when
    // it starts between the engine coming free and the restore's request (the engine refuses that).
    const unlessTheirs = async <T>(restore: () => Promise<T>, none: T): Promise<T> => {
      await this.engine.slotFree();
      try {
        return await restore();
      } catch (e) {
        if (/^the engine is busy/.test((e as Error).message)) return none;
        throw e;
      }
    };
    const policy = await unlessTheirs(() => (this.engine.policy === null ? this.sft.policy.restore() : Promise.resolve(null)), null);
    if (policy) parts.push(`the policy ${policy.name}${policy.version !== policy.origin ? ` as trained here (${policy.version})` : ''}`);
    const kinds = await unlessTheirs(() => this.reward.restore(), []);
    if (kinds.length) parts.push(kinds.length === 2 ? 'the plain RM and the Fact-RM' : kinds[0] === 'fact' ? 'the Fact-RM' : 'the plain RM');
    // The PPO run last: it is kept with the policy restored above.
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
    this.label.marking.error = null;
  }
}
