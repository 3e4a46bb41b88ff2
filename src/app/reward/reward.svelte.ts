// The Reward stage's state: the run's knobs, which model(s) to train (plain RM, Fact-RM, both),
// the live loss and held-out accuracy of each (LineFeeds the charts draw), the split and the
// annotator ceiling of the labels, and each model's results and probes. The models themselves
// stay in the worker, for PPO. One per session, so a run and its charts outlive a visit elsewhere.

import { checkRewardJob, planRewardJob, REWARD_JOB_DEFAULTS, REWARD_JOB_TABLE, type RewardJobConfig, type RewardPlan } from '../../engine/reward/config';
import { problemLines } from '../../engine/train/fields';
import { annotatorCeiling, type AnnotatorCeiling } from '../../engine/reward/ceiling';
import { PROBE_VARIANTS, probeItems, type ProbeItem, type ProbeVariant } from '../../engine/reward/probes';
import type { PreferenceRecord } from '../../engine/prefs/record';
import type { ScoreReadout } from '../../engine/model/config';
import { get } from 'idb-keyval';
import type { Calls, ProgressEvent, RewardKind } from '../../worker/protocol';
import { LineFeed, type XY } from '../charts/line-chart';
import type { PrefsStore } from '../label/prefs.svelte';
import type { EngineState } from '../engine/engine.svelte';
import type { RunInfo } from '../run.svelte';
import { judgeAnswer, type JudgedAnswer } from '../../engine/judge/judged';
import { KIND_INFO } from './explain';
import { StageJob } from '../engine/stage-job.svelte';
import { loadKept, readKept, saveKept, type KeptLayout } from '../storage/layouts';

export type RmChoice = RewardKind | 'both';
export type RmResult = Calls['train-rm']['res'];

/** IndexedDB (idb-keyval): each trained model's figures and curves, by kind. */
export const RM_STORE_KEY = 'rlhf-playground/reward-models';
interface StoredRewardModel {
  result: RmResult;
  loss: XY[];
  acc: XY[];
  savedAt: string;
}
type StoredRewardModels = Partial<Record<RewardKind, StoredRewardModel>>;

/** The figures kept: layout 2 is `{ version: 2, models: { plain?, fact? } }`; layout 1 was the bare object of models. */
export const RM_LAYOUT: KeptLayout<StoredRewardModels> = {
  key: RM_STORE_KEY,
  what: "the reward models' figures",
  version: 2,
  field: 'models',
  parse: (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
    const models: StoredRewardModels = {};
    for (const k of ['plain', 'fact'] as const) {
      const m = (v as StoredRewardModels)[k];
      if (m && typeof m === 'object' && m.result) models[k] = m;
    }
    return models;
  },
  empty: () => ({}),
};

const KINDS: readonly RewardKind[] = ['plain', 'fact'];

const SERIES = { plain: 0, fact: 1 } as const;
/** The accuracy chart's series of the annotator ceiling. */
const CEILING = 2;

export class RewardState {

  choice = $state<RmChoice>('both');
  epochs = $state(REWARD_JOB_DEFAULTS.epochs);
  minSteps = $state(REWARD_JOB_DEFAULTS.minSteps);
  batchPairs = $state(REWARD_JOB_DEFAULTS.batchPairs);
  lr = $state(REWARD_JOB_DEFAULTS.lr);
  heldOutShare = $state(REWARD_JOB_DEFAULTS.heldOutShare);
  evalEvery = $state(REWARD_JOB_DEFAULTS.evalEvery);
  trainTrunk = $state(REWARD_JOB_DEFAULTS.trainTrunk);
  readout = $state<ScoreReadout>(REWARD_JOB_DEFAULTS.readout);
  tieWeight = $state(REWARD_JOB_DEFAULTS.tieWeight);
  bothBadWeight = $state(REWARD_JOB_DEFAULTS.bothBadWeight);
  probeItems = $state(32);
  /** A seed typed by the user; null follows the run's seed. */
  private seedOverride = $state<number | null>(null);

  /** The training in the worker, one model after the other: Train, Stop, Pause and Step. */
  readonly job: StageJob<'train-rm'>;
  /** The model being trained now, or null. */
  training = $state<RewardKind | null>(null);
  /** The running model's last step and its run's length. */
  progress = $state.raw<{ step: number; total: number; loss: number } | null>(null);
  results = $state.raw<Partial<Record<RewardKind, RmResult>>>({});
  error = $state<string | null>(null);

  readonly lossFeed = new LineFeed(KINDS.map((k) => ({ label: KIND_INFO[k].name, color: KIND_INFO[k].color })));
  readonly accFeed = new LineFeed([
    ...KINDS.map((k) => ({ label: `${KIND_INFO[k].name} (held-out)`, color: KIND_INFO[k].color, dots: true })),
    { label: 'annotator ceiling', color: '#868e96', dashed: true },
  ], { min: 0, max: 1, percent: true });
  /** Each model's points, to redraw one model's curves when only the other is retrained. */
  private history: Record<RewardKind, { loss: XY[]; acc: XY[] }> = { plain: { loss: [], acc: [] }, fact: { loss: [], acc: [] } };
  /** The ceiling line's value and how far right it is drawn (it follows the runs' steps). */
  private ceilingLine: { y: number; to: number } | null = null;

  get seed(): number {
    return this.seedOverride ?? this.run.seed;
  }

  set seed(v: number) {
    this.seedOverride = v;
  }

  /** The knobs as the engine's job config (its kind set per model at the start). */
  readonly config: RewardJobConfig = $derived({
    kind: 'plain', epochs: this.epochs, minSteps: this.minSteps, batchPairs: this.batchPairs, lr: this.lr, heldOutShare: this.heldOutShare, seed: this.seed,
    trainTrunk: this.trainTrunk, tieWeight: this.tieWeight, bothBadWeight: this.bothBadWeight, evalEvery: this.evalEvery, probeItems: this.probeItems, readout: this.readout,
  });

  /** What is wrong with the knobs, in words (the engine's bounds, the page's names). */
  readonly problems: string[] = $derived(problemLines(checkRewardJob(this.config), REWARD_JOB_TABLE));

  /** The labels split by prompt, the usable training pairs and the steps, exactly as the worker will plan them. */
  readonly plan: RewardPlan = $derived.by(() => (this.problems.length === 0 ? planRewardJob(this.prefs.records, this.config) : { train: this.prefs.records, heldOut: [], usable: 0, steps: 0 }));

  /** The labels split by prompt into training and held-out pairs. */
  readonly split: { train: PreferenceRecord[]; heldOut: PreferenceRecord[] } = $derived(this.plan);

  /** The simulated annotators' ceiling on the held-out pairs, or null without any. */
  readonly ceiling: AnnotatorCeiling | null = $derived(annotatorCeiling(this.split.heldOut));

  /** Steps each model will take with these knobs and labels. */
  readonly steps: number = $derived(this.plan.steps);

  /** Why a run cannot start now, or null. */
  readonly blocked: string | null = $derived.by(() => {
    const e = this.engine;
    if (e.note !== null) return e.note;
    if (e.policy === null) return 'Load a policy first (at the top of the page): the reward model starts from it.';
    if (this.prefs.records.length === 0) return 'Label some pairs first, in the Label stage.';
    if (this.problems.length === 0 && this.steps === 0) return 'No training pair the loss can use: label some pairs A or B, or give ties and both-bad pairs a weight.';
    return null;
  });

  /** The first probe item, to show what each variant looks like. */
  readonly example: ProbeItem | undefined = probeItems(1, 0)[0];
  /** Its variants as the judge reads them, to mark the false claim in the table. */
  readonly exampleJudged: Partial<Record<ProbeVariant, JudgedAnswer>> = this.example
    ? Object.fromEntries(PROBE_VARIANTS.map((v) => [v, judgeAnswer(this.example!.scene, this.example!.question, this.example!.variants[v])]))
    : {};

  constructor(
    private readonly engine: EngineState,
    private readonly run: RunInfo,
    /** The labels the models learn from (the Label stage's). */
    readonly prefs: PrefsStore,
  ) {
    this.job = new StageJob(engine, 'train-rm', 'training a reward model');
  }

  /**
   * Trains the chosen model(s), one after the other; Stop ends the current one and skips the rest.
   * `only` trains the models named on some of the labels instead (a preset's set-up: a plain RM
   * on the length-biased annotator's labels alone).
   */
  async start(only?: { kinds: readonly RewardKind[]; records: readonly PreferenceRecord[] }): Promise<void> {
    if (this.training || this.blocked !== null || this.problems.length > 0) return;
    const kinds = only?.kinds ?? (this.choice === 'both' ? KINDS : [this.choice]);
    this.error = null;
    // Redraw the charts with only the models that are not retrained now.
    for (const k of kinds) this.history[k] = { loss: [], acc: [] };
    const next = { ...this.results };
    for (const k of kinds) delete next[k];
    this.results = next;
    this.redraw();
    const config = this.config;
    const records = only ? [...only.records] : this.prefs.records;
    try {
      for (const kind of kinds) {
        this.training = kind;
        this.progress = null;
        if (this.steps > (this.lossFeed.xMax ?? 0)) for (const f of [this.lossFeed, this.accFeed]) f.setXMax(this.steps);
        const res = await this.job.run({ records, config: { ...config, kind } }, {
          label: `training the ${KIND_INFO[kind].name}`,
          onProgress: (e) => {
            if (e.kind === 'rm') this.onProgress(e);
          },
        });
        // The final held-out accuracy is measured after the last point: draw it too.
        const acc = res.run.heldOut.accuracy;
        const h = this.history[kind].acc;
        if (acc !== null && h.at(-1)?.x !== res.run.steps) this.draw(kind, [], [{ x: res.run.steps, y: acc }]);
        this.results = { ...this.results, [kind]: res };
        void this.persist(kind);
        // Stop during the first model skips the second.
        if (this.job.stopped) break;
      }
    } catch (e) {
      this.error = `Training failed: ${(e as Error).message}`;
    } finally {
      this.training = null;
    }
  }

  /** Clears both charts and draws each model's remembered curves again, with the ceiling of the labels now. */
  private redraw(): void {
    this.lossFeed.clear();
    this.accFeed.clear();
    const ceiling = this.ceiling?.accuracyCeiling ?? null;
    this.ceilingLine = ceiling === null ? null : { y: ceiling, to: -1 };
    for (const k of KINDS) this.draw(k, this.history[k].loss, this.history[k].acc, false);
    // The step axis ends at the longest run drawn (or planned).
    const last = Math.max(0, ...KINDS.map((k) => this.results[k]?.total ?? 0), this.training ? this.steps : 0);
    for (const f of [this.lossFeed, this.accFeed]) f.setXMax(last > 0 ? last : null);
  }

  /** Keeps a model's figures and curves in this browser (the worker keeps its weights). */
  private async persist(kind: RewardKind): Promise<void> {
    const result = this.results[kind];
    if (!result) return;
    try {
      const stored = readKept(RM_LAYOUT, await get<unknown>(RM_STORE_KEY));
      // Figures of a layout this page does not know are never overwritten.
      if (stored.problem) throw new Error(stored.problem);
      await saveKept(RM_LAYOUT, { ...stored.value, [kind]: { result, loss: this.history[kind].loss, acc: this.history[kind].acc, savedAt: new Date().toISOString() } });
    } catch (e) {
      this.error = `Could not keep the ${KIND_INFO[kind].name}'s figures in this browser: ${(e as Error).message}`;
    }
  }

  /**
   * Brings back the reward models trained before a reload: their weights into the worker (for PPO)
   * and their figures, probes and curves here. Returns the kinds restored.
   */
  async restore(): Promise<RewardKind[]> {
    const read = await loadKept(RM_LAYOUT).catch((e: unknown) => ({ value: {}, problem: (e as Error).message }));
    if (read.problem) this.error = `Could not read the reward models' figures kept in this browser: ${read.problem}.`;
    const stored: StoredRewardModels = read.value;
    const kinds = KINDS.filter((k) => stored[k] !== undefined);
    if (kinds.length === 0) return [];
    const { models } = await this.engine.run('restoring the reward models', 'restore-rms', { kinds: [...kinds] });
    const found = models.map((m) => m.kind);
    const results = { ...this.results };
    for (const k of found) {
      const s = stored[k] as StoredRewardModel;
      results[k] = s.result;
      this.history[k] = { loss: s.loss, acc: s.acc };
    }
    this.results = results;
    this.redraw();
    return found;
  }

  private onProgress(e: Extract<ProgressEvent, { kind: 'rm' }>): void {
    const last = e.points.at(-1);
    if (last) this.progress = { step: last.step, total: e.total, loss: last.loss };
    else if (!this.progress) this.progress = { step: 0, total: e.total, loss: NaN };
    const loss = e.points.map((p) => ({ x: p.step, y: p.loss }));
    const acc = e.points.flatMap((p) => (p.heldOut?.accuracy != null ? [{ x: p.step, y: p.heldOut.accuracy }] : []));
    if (loss.length || acc.length) this.draw(e.model, loss, acc);
  }

  /** Appends a model's points to both charts and (unless redrawing it) to its history. */
  private draw(kind: RewardKind, loss: XY[], acc: XY[], remember = true): void {
    if (remember) {
      this.history[kind].loss.push(...loss);
      this.history[kind].acc.push(...acc);
    }
    const i = SERIES[kind];
    this.lossFeed.append(this.lossFeed.series.map((_, j) => (j === i ? loss : [])));
    // The ceiling runs from step 0 to the furthest step drawn so far.
    const c = this.ceilingLine;
    const far = Math.max(...loss.map((p) => p.x), ...acc.map((p) => p.x), 0);
    const line: XY[] = [];
    if (c && far > c.to) {
      if (c.to < 0) line.push({ x: 0, y: c.y });
      line.push({ x: far, y: c.y });
      c.to = far;
    }
    this.accFeed.append(this.accFeed.series.map((_, j) => (j === i ? acc : j === CEILING ? line : [])));
  }
}
