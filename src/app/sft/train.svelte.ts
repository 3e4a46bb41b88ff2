// The train card's state: the SFT knobs (data mixture, steps, batch, learning rate, seed, fresh or
// continue), the run in progress (its loss points go to a LineFeed the chart draws, its speed in
// steps per second) and how the last run ended.

import { SFT_MIXTURE, SFT_PLUS_MIXTURE, type SftMixture } from '../../engine/sft/data';
import type { SftPoint } from '../../engine/sft/run';
import { checkSftJob, SFT_JOB_DEFAULTS, SFT_JOB_TABLE, type SftJobConfig } from '../../engine/sft/config';
import { problemLines } from '../../engine/train/fields';
import type { ProgressEvent } from '../../worker/protocol';
import { LineFeed } from '../charts/line-chart';
import type { EngineState } from '../engine/engine.svelte';
import { StageJob } from '../engine/stage-job.svelte';
import type { RunInfo } from '../run.svelte';

/** Seconds of recent progress that the steps-per-second figure averages over. */
const RATE_WINDOW_S = 3;

export interface TrainResult {
  steps: number;
  total: number;
  heldOutLoss: number;
  stopped: boolean;
}

const sameMixture = (a: SftMixture, b: SftMixture) => (Object.keys(b) as (keyof SftMixture)[]).every((k) => Math.abs(a[k] - b[k]) < 1e-9);

export class TrainState {
  readonly engine: EngineState;
  private readonly run: RunInfo;

  steps = $state(SFT_JOB_DEFAULTS.steps);
  batchSize = $state(SFT_JOB_DEFAULTS.batchSize);
  lr = $state(SFT_JOB_DEFAULTS.lr);
  /** A seed typed by the user; null follows the run's seed. */
  private seedOverride = $state<number | null>(null);
  /** Fresh decoder on the loaded policy's vision encoder, or continue from the loaded policy. */
  fresh = $state(false);
  mixture = $state<SftMixture>({ ...SFT_MIXTURE });

  /** Training and held-out loss by step, drawn by the loss chart. */
  readonly feed = new LineFeed([
    { label: 'training loss', color: '#3451b2' },
    { label: 'held-out loss', color: '#e8590c', dots: true },
  ]);

  /** The run in the worker: Start, Stop, Pause and Step. */
  readonly job: StageJob<'train-sft'>;
  /** The newest point of the run, and the newest held-out loss. */
  last = $state.raw<SftPoint | null>(null);
  lastHeldOut = $state<number | null>(null);
  stepsPerSecond = $state<number | null>(null);
  result = $state.raw<TrainResult | null>(null);
  error = $state<string | null>(null);
  private recent: { t: number; step: number }[] = [];

  /** Which recipe the mixture matches, if any. */
  readonly recipe: 'sft' | 'sft-plus' | 'custom' = $derived(
    sameMixture(this.mixture, SFT_MIXTURE) ? 'sft' : sameMixture(this.mixture, SFT_PLUS_MIXTURE) ? 'sft-plus' : 'custom',
  );

  /** What is wrong with the knobs, if anything (Start stays off until it is fixed). */
  readonly problems: string[] = $derived.by(() => problemLines(checkSftJob(this.config), SFT_JOB_TABLE));

  /** The knobs as the engine's SFT job config. */
  readonly config: SftJobConfig = $derived.by(() => ({ steps: this.steps, batchSize: this.batchSize, mixture: { ...this.mixture }, seed: this.seed, lr: this.lr, fresh: this.fresh }));

  constructor(engine: EngineState, run: RunInfo) {
    this.engine = engine;
    this.run = run;
    this.job = new StageJob(engine, 'train-sft', 'training (SFT)');
  }

  get seed(): number {
    return this.seedOverride ?? this.run.seed;
  }

  set seed(v: number) {
    this.seedOverride = v;
  }

  usePreset(recipe: 'sft' | 'sft-plus'): void {
    Object.assign(this.mixture, recipe === 'sft' ? SFT_MIXTURE : SFT_PLUS_MIXTURE);
  }

  /** Starts an SFT run on the worker; resolves when it ends (finished, stopped or failed). */
  async start(): Promise<void> {
    if (this.job.running || this.problems.length > 0) return;
    this.error = null;
    this.result = null;
    this.last = null;
    this.lastHeldOut = null;
    this.stepsPerSecond = null;
    this.recent = [];
    this.feed.clear();
    this.feed.setXMax(this.steps);
    const total = this.steps;
    const config = $state.snapshot(this.config);
    try {
      const res = await this.job.run({ config }, { onProgress: (e) => this.onProgress(e) });
      this.result = { steps: res.steps, total, heldOutLoss: res.heldOutLoss, stopped: res.steps < total };
      // A stopped run measures its held-out loss after its last point: draw it too.
      const last = this.last as SftPoint | null; // set by the progress callback meanwhile
      if (last?.heldOutLoss === undefined && Number.isFinite(res.heldOutLoss)) this.feed.append([[], [{ x: res.steps, y: res.heldOutLoss }]]);
      this.lastHeldOut = res.heldOutLoss;
    } catch (e) {
      this.error = `Training failed: ${(e as Error).message}`;
    }
  }

  private onProgress(e: ProgressEvent): void {
    if (e.kind !== 'sft' || e.points.length === 0) return;
    const held = e.points.filter((p) => p.heldOutLoss !== undefined);
    this.feed.append([e.points.map((p) => ({ x: p.step, y: p.loss })), held.map((p) => ({ x: p.step, y: p.heldOutLoss as number }))]);
    const newest = e.points.at(-1) as SftPoint;
    this.last = newest;
    const h = held.at(-1);
    if (h) this.lastHeldOut = h.heldOutLoss as number;
    this.updateRate(newest.step);
  }

  /** Steps per second over the last few seconds of progress events. */
  private updateRate(step: number): void {
    const t = performance.now();
    this.recent.push({ t, step });
    while (this.recent.length > 2 && t - (this.recent[1] as { t: number }).t > RATE_WINDOW_S * 1000) this.recent.shift();
    const first = this.recent[0] as { t: number; step: number };
    if (this.recent.length >= 2 && t > first.t) this.stepsPerSecond = (step - first.step) / ((t - first.t) / 1000);
  }
}
