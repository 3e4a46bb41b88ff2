// The PPO stage's state: a preset and every knob of the run (checked by the engine's own bounds),
// the run in the worker (start, pause, single step, stop), its live charts (LineFeeds), the feed
// of sampled answers, and online RLHF: labels given while it runs are sent to it, and every N of
// them the reward model is retrained and swapped in. The run is kept as it goes (keep.svelte.ts).
// One per session, so a run outlives a visit.

import { checkPpoConfig, PPO_TABLE, type PpoConfig } from '../../engine/ppo/config';
import { problemLines } from '../../engine/train/fields';
import { PPO_PRESETS, PPO_PRESET_NAMES, presetConfig } from '../../engine/ppo/presets';
import type { PpoPoint } from '../../engine/ppo/run';
import type { PpoSample } from '../../engine/ppo/step';
import type { GoldFigures } from '../../engine/ppo/gold';
import { REWARD_JOB_DEFAULTS } from '../../engine/reward/config';
import type { Calls, ProgressEvent } from '../../worker/protocol';
import { LineFeed, type XY } from '../charts/line-chart';
import type { EngineState } from '../engine/engine.svelte';
import type { Session } from '../session.svelte';
import { saveFile, toCsv } from '../files';
import { judgeAnswer, type JudgedAnswer } from '../sft/sample.svelte';
import { PpoKeeper, type RunPlan } from './keep.svelte';
import type { MetricRow, StoredPpoRun } from './run-store';

/** The charts, each a metric (or two) under its TRL name. */
export const PPO_CHARTS = [
  { id: 'reward', title: 'Reward (RM score)', yLabel: 'score', series: [{ key: 'objective/scores', label: 'score at the last token', color: '#3451b2' }, { key: 'objective/rlhf_reward', label: 'score − β·KL', color: '#74c0fc' }], caption: 'What PPO maximises: the reward model’s normalised score with the symbolic terms (objective/scores), and that minus the KL penalty (objective/rlhf_reward).' },
  { id: 'gold-rate', title: 'Gold answers (the judge)', yLabel: 'share of answers', percent: true, series: [{ key: 'gold/true_informative', label: 'judge: true and informative', color: '#2f9e44', dots: true }, { key: 'gold/hallucination_rate', label: 'judge: a false claim', color: '#e03131', dots: true }, { key: 'gold/no_answer_rate', label: 'judge: no answer', color: '#868e96', dots: true }], caption: 'The truth no real RLHF system has: the judge on greedy answers to fixed probe questions, every few steps. True and informative should rise as hallucination falls; hallucination falling while true-and-informative falls too, or no answer rising, means the policy is learning to say nothing, which the reward is paying for.' },
  { id: 'gold-score', title: 'Gold score (0–6)', yLabel: 'score', series: [{ key: 'gold/score', label: 'judge: MMHal-style score', color: '#2f9e44', dots: true }], caption: 'The judge’s 0–6 score on the same probes (6: informative and true). Reward going up with this going down is reward hacking.' },
  { id: 'kl', title: 'KL from the reference', yLabel: 'nats / answer', series: [{ key: 'objective/kl', label: 'KL(policy ‖ reference)', color: '#7048e8' }], caption: 'How far the policy has moved from the frozen SFT reference, per answer (objective/kl). The KL penalty β keeps it in check.' },
  { id: 'entropy', title: 'Entropy', yLabel: 'nats / answer', series: [{ key: 'objective/entropy', label: 'policy entropy', color: '#f08c00' }], caption: 'How spread out the policy’s sampling is, per answer (objective/entropy). A collapse towards 0 means it says the same thing every time.' },
  { id: 'clip', title: 'Clip fraction', yLabel: 'share', percent: true, series: [{ key: 'policy/clipfrac_avg', label: 'policy', color: '#1098ad' }, { key: 'val/clipfrac_avg', label: 'value', color: '#adb5bd' }], caption: 'Share of tokens whose probability ratio was clipped (policy/clipfrac_avg): high means each update moves the policy a lot.' },
  { id: 'value', title: 'Value loss', yLabel: 'loss', series: [{ key: 'loss/value_avg', label: 'clipped value loss', color: '#495057' }], caption: 'How well the value model (started from the reward model) predicts the return (loss/value_avg). GRPO and RLOO have none.' },
  { id: 'length', title: 'Answer length', yLabel: 'tokens', series: [{ key: 'tokens/response_len_mean', label: 'mean tokens per answer', color: '#c2255c' }], caption: 'Mean answer length in tokens. Growing by half or more while the gold score falls is the classic reward hack: padding pays.' },
] as const satisfies readonly { id: string; title: string; yLabel: string; percent?: boolean; caption: string; series: readonly { key: string; label: string; color: string; dots?: boolean }[] }[];

/** A sampled answer in the feed, judged so false claims show. */
export interface FeedItem {
  step: number;
  sample: PpoSample;
  judged: JudgedAnswer;
}

const FEED_LENGTH = 12;

/** The last gold figures shown under the charts; a run kept before true-and-informative was measured has only the first two. */
export type LastGold = Pick<GoldFigures, 'gold/hallucination_rate' | 'gold/score'> & Partial<GoldFigures>;

function goldOf(m: Record<string, number>): LastGold {
  const out: LastGold = { 'gold/hallucination_rate': m['gold/hallucination_rate'] as number, 'gold/score': m['gold/score'] as number };
  for (const k of ['gold/true_informative', 'gold/no_answer_rate'] as const) if (typeof m[k] === 'number') out[k] = m[k];
  return out;
}

export type PpoResult = Calls['ppo']['res'];

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

  running = $state(false);
  stopRequested = $state(false);
  /** The newest point and the newest gold figures. */
  last = $state.raw<PpoPoint | null>(null);
  lastGold = $state.raw<LastGold | null>(null);
  feed = $state.raw<FeedItem[]>([]);
  /** Every step's metrics of the last run, for the CSV and the autosave. */
  private metrics: MetricRow[] = [];
  /** Steps with metrics, for the CSV button. */
  metricRows = $state(0);
  result = $state.raw<PpoResult | null>(null);
  error = $state<string | null>(null);
  /** The last refresh of the reward model during the run, and how many labels wait for the next. */
  refresh = $state.raw<{ labels: number; heldOutAccuracy: number | null; refreshes: number } | null>(null);
  pendingLabels = $state(0);

  readonly feeds: Record<(typeof PPO_CHARTS)[number]['id'], LineFeed> = Object.fromEntries(
    PPO_CHARTS.map((c) => [c.id, new LineFeed(c.series, 'percent' in c && c.percent ? { min: 0, max: 1, percent: true } : {})]),
  ) as Record<(typeof PPO_CHARTS)[number]['id'], LineFeed>;

  /** The labels the run started with: their ids, so only new ones are sent while it runs. */
  private sentIds = new Set<string>();
  private jobId: number | null = null;
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
    const have = this.session.reward.results;
    if (r === 'gold') return null;
    if (r === 'plain' && !have.plain) return 'Train a plain RM first (in the Reward stage): this reward reads its score.';
    if (r === 'fact' && !have.fact) return 'Train a Fact-RM first (in the Reward stage): this reward reads its score.';
    if (r === 'honesty-first' && this.config.honestyCheck === 'fact-rm' && !have.fact) return 'Train a Fact-RM first (in the Reward stage): honesty-first with the Fact-RM check reads it.';
    if (r === 'honesty-first' && !have.plain && !have.fact) return 'Train a reward model first (in the Reward stage): honesty-first ranks helpfulness with it.';
    return null;
  });

  /** Why a run cannot start now, or null. */
  readonly blocked: string | null = $derived.by(() => {
    const e = this.session.engine;
    if (e.note !== null) return e.note;
    if (e.policy === null) return 'Load a policy first (at the top of the page): PPO tunes it.';
    return this.needs;
  });

  /** The preset's values of every knob (a link carries only the knobs that differ from them). */
  readonly presetDefaults: PpoConfig = $derived(presetConfig(this.preset));

  /** The preset's one-line description. */
  readonly presetInfo: string = $derived(PPO_PRESETS[this.preset]?.description ?? '');

  get engine(): EngineState {
    return this.session.engine;
  }

  constructor(private readonly session: Session) {
    this.keep = new PpoKeeper(session, this);
    // Online RLHF: labels given anywhere while the run goes (the Label stage or the panel here)
    // are sent to it as they come.
    $effect.root(() => {
      $effect(() => {
        const records = this.session.label.prefs.records;
        if (this.running && this.jobId !== null) void this.sendLabels(records);
      });
    });
  }

  readonly presetNames = PPO_PRESET_NAMES;

  /** Sets every knob to a preset's values. */
  usePreset(name: string): void {
    this.preset = name;
    this.config = presetConfig(name);
  }

  /** Starts a run of the current knobs on the loaded policy; resolves when it ends. */
  async start(): Promise<void> {
    if (this.running || this.blocked !== null || this.problems.length > 0) return;
    this.error = null;
    this.result = null;
    this.last = null;
    this.lastGold = null;
    this.feed = [];
    this.metrics = [];
    this.metricRows = 0;
    this.refresh = null;
    this.pendingLabels = 0;
    this.keep.restored = null;
    for (const f of Object.values(this.feeds)) {
      f.clear();
      if (this.steps > 0) f.setXMax(this.steps);
    }
    const config = $state.snapshot(this.config);
    const plan: RunPlan = { startedAt: new Date().toISOString(), preset: this.preset, config, steps: this.steps, refreshEvery: this.refreshEvery, saveEvery: this.saveEvery };
    this.plan = plan;
    const records = this.session.label.prefs.records;
    this.sentIds = new Set(records.map((r) => r.id));
    const reward = this.session.reward;
    const rmConfig = { ...REWARD_JOB_DEFAULTS, ...$state.snapshot(reward.config), probeItems: 16, evalEvery: 0 };
    this.running = true;
    try {
      const engine = this.session.engine;
      const job = engine.launch('tuning the policy with PPO', 'ppo', { config, steps: this.steps, records: [...records], refreshEvery: this.refreshEvery, rmConfig, saveEvery: this.saveEvery }, (e) => this.onProgress(e));
      this.jobId = job.id;
      const result = await job.result;
      // The worker kept the policy at the end; the run goes beside it.
      void this.keep.ended(plan, result.steps, result.policy);
      this.result = result;
      if (this.result.gold) this.lastGold = this.result.gold;
      if (this.result.halted) this.error = `Step ${this.result.halted.step} was not applied: ${this.result.halted.quantity} was not finite. The policy keeps the weights of the last good step.`;
    } catch (e) {
      this.error = `PPO failed: ${(e as Error).message}`;
    } finally {
      this.running = false;
      this.stopRequested = false;
      this.jobId = null;
    }
  }

  /** Downloads every step's metrics of the last run as CSV (TRL's names as the columns). */
  exportCsv(): void {
    saveFile('ppo-metrics.csv', new Blob([toCsv(this.metrics)], { type: 'text/csv' }));
  }

  /** Asks the run to stop after its current step; the policy keeps what it has learnt. */
  stop(): void {
    if (!this.running) return;
    this.stopRequested = true;
    this.session.engine.stopJobs('ppo');
  }

  private async sendLabels(records: readonly { id: string }[]): Promise<void> {
    const fresh = records.filter((r) => !this.sentIds.has(r.id));
    if (fresh.length === 0 || this.jobId === null) return;
    for (const r of fresh) this.sentIds.add(r.id);
    try {
      const res = await this.session.engine.run('sending labels to PPO', 'ppo-labels', { target: this.jobId, records: fresh as Calls['ppo-labels']['req']['records'] });
      this.pendingLabels = res.pending;
    } catch {
      // The run ended meanwhile: its labels are stored all the same.
    }
  }

  /** Every step's metrics up to `step` (for the run kept beside the policy saved at that step). */
  metricsUpTo(step: number): MetricRow[] {
    return this.metrics.filter((m) => m.step <= step);
  }

  /**
   * Shows a kept run (restored or imported): its charts and metrics up to its last save, and, with
   * `knobs`, its preset and knobs, so a new run goes on from there as it was set. The feed stays empty.
   */
  show(run: StoredPpoRun, knobs: boolean): void {
    if (this.running) return;
    if (knobs) {
      this.preset = run.preset;
      this.config = { ...run.config };
      this.steps = run.steps;
      this.refreshEvery = run.refreshEvery;
      this.saveEvery = run.saveEvery;
    }
    this.result = null;
    this.feed = [];
    this.refresh = null;
    this.lastGold = null;
    for (const f of Object.values(this.feeds)) {
      f.clear();
      if (run.steps > 0) f.setXMax(run.steps);
    }
    this.metrics = [];
    const points = run.metrics.map(({ step, ...metrics }) => ({ step, metrics, samples: [] }));
    if (points.length) this.plot(points);
    else this.last = null;
  }

  /** Adds points to the charts, the metrics and the feed. */
  private plot(points: readonly PpoPoint[]): void {
    for (const c of PPO_CHARTS) {
      const added = c.series.map((s) => points.flatMap((p): XY[] => {
        const v = (p.metrics as Record<string, number | undefined>)[s.key];
        return typeof v === 'number' && Number.isFinite(v) ? [{ x: p.step, y: v }] : [];
      }));
      if (added.some((a) => a.length)) this.feeds[c.id].append(added);
    }
    for (const p of points) this.metrics.push({ step: p.step, ...(p.metrics as Record<string, number>) });
    this.metricRows = this.metrics.length;
    this.last = points.at(-1) as PpoPoint;
    // A point with gold figures carries them among its metrics too (a kept run has only those).
    const gold = [...points].reverse().find((p) => typeof (p.metrics as Record<string, unknown>)['gold/score'] === 'number')?.metrics as Record<string, number> | undefined;
    if (gold) this.lastGold = goldOf(gold);
    const items = points.flatMap((p) => p.samples.map((s) => ({ step: p.step, sample: s, judged: judgeAnswer(s.scene, s.question, s.response) })));
    if (items.length) this.feed = [...items.reverse(), ...this.feed].slice(0, FEED_LENGTH);
  }

  private onProgress(e: ProgressEvent): void {
    if (e.kind === 'ppo-saved') {
      this.lastSaveMs = e.ms;
      if (this.plan) void this.keep.saved(this.plan, e.step, e);
      return;
    }
    if (e.kind === 'rm-refresh') {
      this.refresh = { labels: e.labels, heldOutAccuracy: e.heldOutAccuracy, refreshes: e.refreshes };
      this.pendingLabels = 0;
      return;
    }
    if (e.kind !== 'ppo' || e.points.length === 0) return;
    this.plot(e.points);
  }
}

/** The knobs most runs change, first on the card; the rest sit under "every knob". */
export const MAIN_KNOBS: readonly (keyof PpoConfig)[] = ['reward', 'advantageEstimator', 'klCoef', 'lengthPenalty', 'correctnessBonus', 'learningRate'];

