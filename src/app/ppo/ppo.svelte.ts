// The PPO stage's state: a preset and every knob of the run (checked by the engine's own bounds),
// the run in the worker (start, pause, single step, stop), its figures (metrics.svelte.ts: charts,
// CSV, the sample feed), and online RLHF: labels given while it runs are sent to it, and every N
// of them the reward model is retrained and swapped in. The worker keeps
// the run with the policy as it goes; keep.svelte.ts shows, exports and imports it. One per
// session, so a run outlives a visit.

import { checkPpoConfig, PPO_TABLE, type PpoConfig } from '../../engine/ppo/config';
import { problemLines } from '../../engine/train/fields';
import { PPO_PRESETS, PPO_PRESET_NAMES, presetConfig, rewardModelOrder } from '../../engine/ppo/presets';
import { REWARD_JOB_DEFAULTS } from '../../engine/reward/config';
import type { RmHeldOut } from '../../engine/ppo/alarms';
import type { Calls, ProgressEvent } from '../../worker/protocol';
import type { EngineState } from '../engine/engine.svelte';
import type { PrefsStore } from '../label/prefs.svelte';
import type { RewardState } from '../reward/reward.svelte';
import type { RunPlan, StoredPpoRun } from '../../engine/ppo/run-record';
import { PpoMetrics } from './metrics.svelte';
import { PpoKeeper, type KeeperHost } from './keep.svelte';
import { StageJob } from '../engine/stage-job.svelte';

export type PpoResult = Calls['ppo']['res'];

/** What the PPO stage reads from the rest of the page. */
export interface PpoHost extends KeeperHost {
  /** The shipped policy the loaded one was tuned from, by its label, with a way to load it again; null when there is none to go back to. */
  startAgain(): { label: string; load: () => Promise<boolean> } | null;
  /** The sentence reward model the dense reward reads: trained in this page (its weights in the engine), kept only as figures from before a reload, or none. */
  sentenceRm(): 'trained' | 'figures only' | 'none';
}

export class PpoState {
  preset = $state('fact-rlhf');
  /** Every knob, starting from the preset's values. */
  config = $state<PpoConfig>(presetConfig('fact-rlhf'));
  /** Steps to run; 0 runs until stopped. */
  steps = $state(60);
  /** Online RLHF: retrain the reward model every this many labels given during the run (0: never). */
  refreshEvery = $state(10);
  /** Keep the policy and the run in this browser every this many steps (and at a pause and the end); 0: only at the end. */
  saveEvery = $state(10);
  /** How long the last autosave of the policy took, in ms (until it was on disk); null before one. */
  lastSaveMs = $state<number | null>(null);

  /** The run in the worker: Run, Stop, Pause and Step. */
  readonly job: StageJob<'ppo'>;
  /** The run's metrics, charts and sample feed. */
  readonly metrics = new PpoMetrics();
  result = $state.raw<PpoResult | null>(null);
  error = $state<string | null>(null);
  /** The last refresh of the reward model during the run, and how many labels wait for the next. */
  refresh = $state.raw<{ labels: number; heldOutAccuracy: number | null; refreshes: number } | null>(null);
  pendingLabels = $state(0);

  /** The labels the run started with: their ids, so only new ones are sent while it runs. */
  private sentIds = new Set<string>();
  /** What the run going on (or the last) was asked to do, as kept with it. */
  private plan: RunPlan | null = null;
  /** The autosave, the restore after a reload, and the run as one file. */
  readonly keep: PpoKeeper;

  /** What is wrong with the knobs, in words (the engine's checks). */
  readonly problems: string[] = $derived.by(() => [
    ...problemLines(checkPpoConfig(this.config), PPO_TABLE),
    ...(!Number.isInteger(this.steps) || this.steps < 0 || this.steps > 100_000 ? ['steps must be a whole number from 0 (until stopped) to 100000'] : []),
    ...(!Number.isInteger(this.refreshEvery) || this.refreshEvery < 0 || this.refreshEvery > 10_000 ? ['refresh every must be a whole number from 0 (never) to 10000'] : []),
    ...(!Number.isInteger(this.saveEvery) || this.saveEvery < 0 || this.saveEvery > 100_000 ? ['save every must be a whole number from 0 (only at the end) to 100000'] : []),
  ]);

  /** Which trained reward models the reward needs, and whether they are there. */
  readonly needs: string | null = $derived.by(() => {
    const r = this.config.reward;
    const have = this.reward.results;
    if (r === 'gold') return null;
    if (r === 'plain' && !have.plain) return 'Train a plain RM first (in the Reward stage): this reward reads its score.';
    if (r === 'fact' && !have.fact) return 'Train a Fact-RM first (in the Reward stage): this reward reads its score.';
    if (r === 'honesty-first' && this.config.honestyCheck === 'fact-rm' && !have.fact) return 'Train a Fact-RM first (in the Reward stage): honesty-first with the Fact-RM check reads it.';
    if (r === 'honesty-first' && !have.plain && !have.fact) return 'Train a reward model first (in the Reward stage): honesty-first ranks helpfulness with it.';
    if (r === 'dense') {
      const srm = this.host.sentenceRm();
      if (srm === 'none') return 'Train a sentence reward model first (in the Reward stage, on answers marked in the Label stage): the dense reward reads it at every sentence\'s end.';
      if (srm === 'figures only') return 'The sentence reward model kept from before the reload has its figures but not its weights: train it again in the Reward stage.';
    }
    return null;
  });

  /** Why a run cannot start now, or null. */
  readonly blocked: string | null = $derived.by(() => {
    const e = this.engine;
    if (e.note !== null) return e.note;
    if (e.policy === null) return 'Load a policy first (at the top of the page): PPO tunes it.';
    return this.needs;
  });

  /** The preset's values of every knob (a link carries only the knobs that differ from them). */
  readonly presetDefaults: PpoConfig = $derived(presetConfig(this.preset));

  /** The preset's one-line description. */
  readonly presetInfo: string = $derived(PPO_PRESETS[this.preset]?.description ?? '');

  constructor(
    readonly engine: EngineState,
    /** The labels: they normalise the reward model's scores, and new ones go to a running job. */
    private readonly prefs: PrefsStore,
    /** The reward models the reward reads, and their knobs (for online RLHF's retraining). */
    private readonly reward: RewardState,
    private readonly host: PpoHost,
  ) {
    this.job = new StageJob(engine, 'ppo', 'tuning the policy with PPO');
    this.keep = new PpoKeeper(engine, prefs, this, host);
    // Online RLHF: labels given anywhere while the run goes (the Label stage or the panel here)
    // are sent to it as they come.
    $effect.root(() => {
      $effect(() => {
        const records = this.prefs.records;
        if (this.job.id !== null) void this.sendLabels(this.job.id, records);
      });
    });
  }

  readonly presetNames = PPO_PRESET_NAMES;

  /** Sets every knob to a preset's values. */
  usePreset(name: string): void {
    this.preset = name;
    this.config = presetConfig(name);
  }

  /**
   * Run PPO was pressed on a policy a PPO or DPO run here has tuned already: the choice between
   * going on from it and starting again from the shipped policy it was tuned from (null when that
   * is not at hand, e.g. a policy imported from a file). Null while nothing is asked.
   */
  asking = $state.raw<{ tuned: string; again: string | null } | null>(null);

  /** Starts a run, first asking where from when the loaded policy is already tuned by a run here. */
  async request(): Promise<void> {
    const version = this.engine.policy?.version ?? '';
    if (!isTunedByRun(version)) return this.start();
    this.asking = { tuned: version, again: this.host.startAgain()?.label ?? null };
  }

  /** The answer to `asking`: go on from the tuned policy, or load the shipped one again first. */
  async answer(from: 'tuned' | 'start'): Promise<void> {
    this.asking = null;
    if (from === 'start') {
      const again = this.host.startAgain();
      if (!again || !(await again.load())) {
        this.error = 'Could not load the policy to start again from; nothing was run.';
        return;
      }
    }
    await this.start();
  }

  /** Starts a run of the current knobs on the loaded policy; resolves when it ends. */
  async start(): Promise<void> {
    this.asking = null;
    if (this.job.running || this.blocked !== null || this.problems.length > 0) return;
    this.error = null;
    this.result = null;
    this.refresh = null;
    this.pendingLabels = 0;
    this.keep.restored = null;
    this.metrics.clear(this.steps);
    const config = $state.snapshot(this.config);
    this.metrics.rm = this.rmHeldOut(config);
    const plan: RunPlan = { startedAt: new Date().toISOString(), preset: this.preset, config, steps: this.steps, refreshEvery: this.refreshEvery, saveEvery: this.saveEvery };
    this.plan = plan;
    const records = this.prefs.records;
    this.sentIds = new Set(records.map((r) => r.id));
    const rmConfig = { ...REWARD_JOB_DEFAULTS, ...$state.snapshot(this.reward.config), probeItems: 16, evalEvery: 0 };
    try {
      const result = await this.job.run(
        { config, steps: this.steps, records: [...records], refreshEvery: this.refreshEvery, rmConfig, saveEvery: this.saveEvery, plan: { startedAt: plan.startedAt, preset: plan.preset } },
        { onProgress: (e) => this.onProgress(e) },
      );
      // The worker kept the run with the policy at its end.
      this.keep.ended(result.policy);
      this.result = result;
      if (result.gold) this.metrics.lastGold = result.gold;
    } catch (e) {
      this.error = `PPO failed: ${(e as Error).message}`;
    }
  }

  /** The reward model a run of `config` reads (the worker's choice: the Fact-RM first), as measured on its held-out pairs. */
  private rmHeldOut(config: PpoConfig): RmHeldOut | undefined {
    const kind = rewardModelOrder(config).find((k) => this.reward.results[k]);
    const held = kind ? this.reward.results[kind]?.run.heldOut : undefined;
    return kind && held ? { name: kind === 'fact' ? 'the Fact-RM' : 'the plain RM', accuracy: held.accuracy, decided: held.decided } : undefined;
  }

  private async sendLabels(target: number, records: readonly { id: string }[]): Promise<void> {
    const fresh = records.filter((r) => !this.sentIds.has(r.id));
    if (fresh.length === 0) return;
    for (const r of fresh) this.sentIds.add(r.id);
    try {
      const res = await this.engine.run('sending labels to PPO', 'ppo-labels', { target, records: fresh as Calls['ppo-labels']['req']['records'] });
      this.pendingLabels = res.pending;
    } catch {
      // The run ended meanwhile: its labels are stored all the same.
    }
  }

  /**
   * Shows a kept run (restored or imported): its charts and metrics up to its last save, and, with
   * `knobs`, its preset and knobs, so a new run goes on from there as it was set. The feed stays empty.
   */
  show(run: StoredPpoRun, knobs: boolean): void {
    if (this.job.running) return;
    if (knobs) {
      this.preset = run.preset;
      this.config = { ...run.config };
      this.steps = run.steps;
      this.refreshEvery = run.refreshEvery;
      this.saveEvery = run.saveEvery;
    }
    this.result = null;
    this.refresh = null;
    this.metrics.clear(run.steps);
    this.metrics.plot(run.metrics.map(({ step, ...metrics }) => ({ step, metrics, samples: [] })));
  }

  private onProgress(e: ProgressEvent): void {
    if (e.kind === 'ppo-saved') {
      this.lastSaveMs = e.ms;
      if (this.plan) this.keep.saved(this.plan, e.step, e);
      return;
    }
    if (e.kind === 'rm-refresh') {
      this.refresh = { labels: e.labels, heldOutAccuracy: e.heldOutAccuracy, refreshes: e.refreshes };
      this.pendingLabels = 0;
      return;
    }
    if (e.kind !== 'ppo' || e.points.length === 0) return;
    this.metrics.plot(e.points);
  }
}

/** Whether a version names weights a PPO or DPO run here has tuned ("…/ppo-3f9a+80"). */
export function isTunedByRun(version: string): boolean {
  return /\/(ppo|dpo)-[0-9a-f]{4}\b/.test(version);
}

/** The knobs most runs change, first on the card; the rest sit under "every knob". */
export const MAIN_KNOBS: readonly (keyof PpoConfig)[] = ['reward', 'advantageEstimator', 'klCoef', 'lengthPenalty', 'correctnessBonus', 'learningRate'];

