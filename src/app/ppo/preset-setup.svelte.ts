// A PPO preset that needs labels of its own sets itself up in one click: the reward-hacking preset
// shows a reward model being fooled only if that model learnt a taste for length, and only from a
// policy whose answers are short enough for padding to show. So the set-up loads the shipped SFT+
// (short answers; the shipped SFT's already run to near the length cap), has the preset's
// annotator (length-biased) label pairs sampled from it, trains the preset's reward model (a plain
// RM) on those labels alone, and runs PPO with the preset. The auto-labelling settings a person
// chose come back afterwards; the labels stay in the store.

import { PPO_PRESETS } from '../../engine/ppo/presets';
import type { AnnotatorName } from '../../engine/prefs/annotator';
import type { RewardKind } from '../../worker/protocol';
import type { AutoLabelState } from '../label/auto.svelte';
import type { RewardState } from '../reward/reward.svelte';
import type { PpoState } from './ppo.svelte';

/**
 * Pairs the set-up labels. On 48 the plain RM's held-out accuracy was 45% (11 pairs, a coin toss)
 * and PPO did not pad; on 200, 83%, and 20 PPO steps from SFT+ grew answers from 15.4 to 19.6
 * tokens while the gold score fell from 4.23 to 3.52 (docs/ppo.md).
 */
export const SETUP_PAIRS = 200;
/** The shipped policy the set-up starts from. */
export const SETUP_POLICY = 'sft-plus';

const RM_NAMES: Record<RewardKind, string> = { plain: 'plain RM', fact: 'Fact-RM' };

export class PresetSetup {
  /** The step going on, in words ("1 of 3: …"), or null. */
  phase = $state<string | null>(null);
  error = $state<string | null>(null);
  /** What the last set-up did, in words. */
  note = $state<string | null>(null);

  constructor(
    /** Loads a shipped policy by folder (false when it failed); the set-up starts from SETUP_POLICY. */
    private readonly loadShipped: (folder: string) => Promise<boolean>,
    private readonly auto: AutoLabelState,
    private readonly reward: RewardState,
    private readonly ppo: PpoState,
  ) {}

  /** What the preset on show needs beyond the careful labels (its annotator and reward model), or null when it needs nothing of its own. */
  readonly needs: { annotator: AnnotatorName; rm: RewardKind } | null = $derived.by(() => {
    const p = PPO_PRESETS[this.ppo.preset];
    return p && p.annotator !== 'careful' && (p.rmKind === 'plain' || p.rmKind === 'fact') ? { annotator: p.annotator, rm: p.rmKind } : null;
  });

  /** Why the set-up cannot start now, or null. */
  readonly blocked: string | null = $derived.by(() => {
    if (this.phase !== null) return 'It is setting up.';
    if (this.ppo.job.running || this.auto.job.running || this.reward.training !== null) return 'A job is running: wait for it or stop it.';
    return this.ppo.engine.note;
  });

  /** Labels, trains and runs, one after the other; stops at the first step that fails, saying which. */
  async run(): Promise<void> {
    const needs = this.needs;
    if (!needs || this.blocked !== null) return;
    this.error = null;
    this.note = null;
    const rm = RM_NAMES[needs.rm];
    try {
      this.phase = `1 of 4: loading SFT+, whose answers are short enough for padding to show`;
      if (!(await this.loadShipped(SETUP_POLICY))) return this.fail('SFT+ could not be loaded');
      this.phase = `2 of 4: the ${needs.annotator} annotator labels ${SETUP_PAIRS} pairs sampled from SFT+`;
      const records = await this.withAutoLabel(needs.annotator);
      if (!records?.length) return this.fail(`labelling failed: ${this.auto.error ?? 'no pair was labelled'}`);
      this.phase = `3 of 4: training a ${rm} on those ${records.length} labels alone`;
      await this.reward.start({ kinds: [needs.rm], records });
      const trained = this.reward.results[needs.rm];
      if (!trained || this.reward.error) return this.fail(`training the ${rm} failed: ${this.reward.error ?? 'it was stopped'}`);
      const acc = trained.run.heldOut.accuracy;
      this.note = `Set up: SFT+ loaded, ${records.length} pairs from it labelled by the ${needs.annotator} annotator, a ${rm} trained on them alone (held-out accuracy ${acc === null ? '—' : `${Math.round(acc * 100)}%`}); PPO runs against it. Watch the answer length and the reward rise while the gold score falls.`;
      this.phase = `4 of 4: PPO with the ${this.ppo.preset} preset against that ${rm}`;
      await this.ppo.start();
      if (this.ppo.error) this.fail(this.ppo.error);
    } finally {
      this.phase = null;
    }
  }

  private fail(why: string): void {
    this.error = `The set-up stopped: ${why}. The labels made so far are kept.`;
  }

  /** Auto-labels with the annotator's preset; the person's own auto-labelling settings come back after. */
  private async withAutoLabel(annotator: AnnotatorName) {
    const a = this.auto;
    const kept = { preset: a.preset, settings: $state.snapshot(a.settings), n: a.n, mix: a.mix, degenerate: a.degenerate, note: a.note };
    a.usePreset(annotator);
    a.n = SETUP_PAIRS;
    a.mix = 0;
    try {
      return await a.run();
    } finally {
      a.preset = kept.preset;
      a.settings = kept.settings;
      a.n = kept.n;
      a.mix = kept.mix;
      a.degenerate = kept.degenerate;
    }
  }
}
