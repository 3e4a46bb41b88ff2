// The DPO card's state: every knob of the DPO job (checked by the engine's own bounds), its plan on
// the labels of this browser, the run in the worker (progress, pause, stop), its live charts (the
// loss, the implicit reward's accuracy, the gold figures), and the result: the tuned policy is the
// loaded one from then on, to benchmark beside the others. One per session, so a run outlives a visit.

import { checkDpoConfig, DPO_DEFAULTS, DPO_FIELDS, DPO_TABLE, planDpoJob, type DpoConfig, type DpoPlan } from '../../engine/dpo/config';
import { problemLines } from '../../engine/train/fields';
import type { DpoPoint } from '../../engine/dpo/job';
import type { Calls, ProgressEvent } from '../../worker/protocol';
import { LineFeed, type XY } from '../charts/line-chart';
import type { EngineState } from '../engine/engine.svelte';
import type { PrefsStore } from '../label/prefs.svelte';
import { StageJob } from '../engine/stage-job.svelte';

export type DpoRunResult = Calls['dpo']['res'];

/** The page's starting knobs: the engine's defaults, with the held-out accuracy every 5 steps so its chart fills as the run goes. */
export const DPO_PAGE_DEFAULTS: DpoConfig = { ...DPO_DEFAULTS, evalEvery: 5 };

/** The knobs on the card, in the table's order; the rest go under "every knob". */
export const DPO_MAIN_KNOBS: readonly (keyof DpoConfig)[] = ['beta', 'epochs', 'minSteps', 'batchPairs', 'lr', 'goldEvery'];
export const DPO_MORE_KNOBS = (Object.keys(DPO_FIELDS) as (keyof DpoConfig)[]).filter((k) => !DPO_MAIN_KNOBS.includes(k));

export class DpoState {
  config = $state<DpoConfig>({ ...DPO_PAGE_DEFAULTS });

  /** The run in the worker: Run, Stop, Pause and Step. */
  readonly job: StageJob<'dpo'>;
  /** The newest step and the newest gold figures (with the KL from the reference, when measured). */
  step = $state(0);
  lastGold = $state.raw<DpoPoint['gold'] | null>(null);
  result = $state.raw<DpoRunResult | null>(null);
  error = $state<string | null>(null);

  readonly lossFeed = new LineFeed([
    { label: 'DPO loss (minibatch)', color: '#3451b2' },
    { label: 'held-out loss', color: '#e8590c', dots: true },
  ]);
  readonly accFeed = new LineFeed([
    { label: 'implicit-reward accuracy (minibatch)', color: '#74c0fc' },
    { label: 'held-out accuracy', color: '#e8590c', dots: true },
  ], { min: 0, max: 1, percent: true });
  readonly goldFeed = new LineFeed([
    { label: 'gold score (0–6)', color: '#2f9e44', dots: true },
    { label: 'gold hallucination rate (right)', color: '#e03131', dots: true, right: true },
  ], { min: 0, max: 6 }, { y2: { min: 0, max: 1, percent: true } });

  /** What is wrong with the knobs, in words (the engine's check). */
  readonly problems: string[] = $derived(problemLines(checkDpoConfig(this.config), DPO_TABLE));

  /** What a run would do with the labels of this browser (null while a knob is wrong). */
  readonly plan: DpoPlan | null = $derived.by(() => (this.problems.length ? null : planDpoJob(this.prefs.records, this.config)));

  /** Why a run cannot start now, or null. */
  readonly blocked: string | null = $derived.by(() => {
    const e = this.engine;
    if (e.note !== null) return e.note;
    if (e.policy === null) return 'Load a policy first (at the top of the page): DPO tunes it, and a frozen copy of it is the reference.';
    if (this.prefs.records.length === 0) return 'Label some pairs first (in the Label stage): DPO learns from them directly.';
    if (this.plan && this.plan.steps === 0) return 'No training pair the loss can use: label some pairs A or B, or give ties and both-bad pairs a weight.';
    return null;
  });

  constructor(
    private readonly engine: EngineState,
    /** The labels DPO learns from (the Label stage's). */
    private readonly prefs: PrefsStore,
  ) {
    this.job = new StageJob(engine, 'dpo', 'tuning the policy with DPO');
  }

  /** Sets every knob back to the page's defaults. */
  reset(): void {
    this.config = { ...DPO_PAGE_DEFAULTS };
  }

  /** Runs DPO on the loaded policy with the labels of this browser; resolves when it ends. */
  async start(): Promise<void> {
    if (this.job.running || this.blocked !== null || this.problems.length > 0) return;
    this.error = null;
    this.result = null;
    this.lastGold = null;
    this.step = 0;
    const total = this.plan?.steps ?? 0;
    for (const f of [this.lossFeed, this.accFeed, this.goldFeed]) {
      f.clear();
      if (total > 0) f.setXMax(total);
    }
    const config = $state.snapshot(this.config) as DpoConfig;
    try {
      const res = await this.job.run({ config, records: [...this.prefs.records] }, { onProgress: (e) => this.onProgress(e) });
      this.result = res;
      this.lastGold = res.end;
      // The held-out figures at the end, measured on the tuned policy.
      if (res.heldOut.stats) {
        this.lossFeed.append([[], [{ x: res.steps, y: res.heldOut.loss }]]);
        this.accFeed.append([[], [{ x: res.steps, y: res.heldOut.stats['rewards/accuracies'] }]]);
      }
    } catch (e) {
      this.error = `DPO failed: ${(e as Error).message}`;
    }
  }

  private onProgress(e: ProgressEvent): void {
    if (e.kind !== 'dpo' || e.points.length === 0) return;
    this.plot(e.points);
  }

  /** Adds points to the charts. */
  private plot(points: readonly DpoPoint[]): void {
    const at = (f: (p: DpoPoint) => number | undefined): XY[] => points.flatMap((p) => {
      const y = f(p);
      return y !== undefined && Number.isFinite(y) ? [{ x: p.step, y }] : [];
    });
    this.lossFeed.append([at((p) => p.loss), at((p) => (p.heldOut?.stats ? p.heldOut.loss : undefined))]);
    this.accFeed.append([at((p) => p.metrics?.['rewards/accuracies']), at((p) => p.heldOut?.stats?.['rewards/accuracies'])]);
    this.goldFeed.append([at((p) => p.gold?.gold['gold/score']), at((p) => p.gold?.gold['gold/hallucination_rate'])]);
    this.step = Math.max(this.step, ...points.map((p) => p.step));
    const gold = [...points].reverse().find((p) => p.gold)?.gold;
    if (gold) this.lastGold = gold;
  }
}
