// The Reward stage's sentence reward model: trained on the stored marks (plain or Fact, the
// pairwise card's knobs where they apply) in the worker, with its progress and Stop; its figures
// (held-out per-sentence accuracy against the always-"true" base rate, false sentences caught,
// the probe "one false sentence among true ones") kept in this browser. Its weights stay in the
// worker only: no later stage reads the sentence model, so a reload brings back its figures, not it.

import { checkRewardJob, REWARD_JOB_DEFAULTS, REWARD_JOB_TABLE, rewardRunSteps, splitHeldOut, type RewardJobConfig, type RewardKind } from '../../engine/reward/config';
import type { MarkRecord } from '../../engine/prefs/mark';
import { problemLines } from '../../engine/train/fields';
import type { Calls, ProgressEvent } from '../../worker/protocol';
import type { EngineState } from '../engine/engine.svelte';
import { StageJob } from '../engine/stage-job.svelte';
import type { MarksStore } from '../label/marks.svelte';
import type { RunInfo } from '../run.svelte';
import { loadKept, saveKept, type KeptLayout } from '../storage/layouts';

export type SrmResult = Calls['train-srm']['res'];

/** IndexedDB (idb-keyval): the last sentence model's figures. */
export const SRM_STORE_KEY = 'rlhf-playground/sentence-rm';

interface StoredSentenceModel {
  result: SrmResult;
  savedAt: string;
}

export const SRM_LAYOUT: KeptLayout<StoredSentenceModel | null> = {
  key: SRM_STORE_KEY,
  what: "the sentence reward model's figures",
  version: 1,
  field: 'model',
  parse: (v) => {
    if (v === null) return null;
    const m = v as Partial<StoredSentenceModel> | undefined;
    return m && typeof m === 'object' && m.result && typeof m.result === 'object' ? (m as StoredSentenceModel) : null;
  },
  empty: () => null,
};

/** What a run on these marks will do: the split by prompt, the answers it learns from, its steps. */
export function planSentenceRun(marks: readonly MarkRecord[], cfg: Pick<RewardJobConfig, 'heldOutShare' | 'seed' | 'epochs' | 'minSteps' | 'batchPairs'>) {
  const { train, heldOut } = splitHeldOut(marks, cfg.heldOutShare, cfg.seed);
  const trainAnswers = train.filter((m) => m.sentences.length > 0).length;
  const heldOutAnswers = heldOut.filter((m) => m.sentences.length > 0).length;
  return { trainAnswers, heldOutAnswers, steps: trainAnswers ? rewardRunSteps(cfg, trainAnswers) : 0 };
}

export class SentenceRmState {
  kind = $state<RewardKind>('plain');
  epochs = $state(REWARD_JOB_DEFAULTS.epochs);
  minSteps = $state(REWARD_JOB_DEFAULTS.minSteps);
  batchPairs = $state(REWARD_JOB_DEFAULTS.batchPairs);
  lr = $state(REWARD_JOB_DEFAULTS.lr);
  heldOutShare = $state(REWARD_JOB_DEFAULTS.heldOutShare);
  evalEvery = $state(REWARD_JOB_DEFAULTS.evalEvery);
  trainTrunk = $state(REWARD_JOB_DEFAULTS.trainTrunk);
  probeItems = $state(32);
  private seedOverride = $state<number | null>(null);

  readonly job: StageJob<'train-srm'>;
  training = $state(false);
  progress = $state.raw<{ step: number; total: number; loss: number } | null>(null);
  result = $state.raw<SrmResult | null>(null);
  /** The figures shown were kept from before a reload (the weights are not). */
  restored = $state(false);
  error = $state<string | null>(null);
  /** False when the kept figures are of a layout this page does not know: they are then left as they are. */
  private keepable = true;

  get seed(): number {
    return this.seedOverride ?? this.run.seed;
  }

  set seed(v: number) {
    this.seedOverride = v;
  }

  /** The knobs as the engine's job config (the readout is not read: the score is read at every sentence end). */
  readonly config: RewardJobConfig = $derived({
    ...REWARD_JOB_DEFAULTS,
    kind: this.kind, epochs: this.epochs, minSteps: this.minSteps, batchPairs: this.batchPairs, lr: this.lr, heldOutShare: this.heldOutShare, seed: this.seed,
    trainTrunk: this.trainTrunk, evalEvery: this.evalEvery, probeItems: this.probeItems,
  });

  readonly problems: string[] = $derived(problemLines(checkRewardJob(this.config), REWARD_JOB_TABLE));

  readonly plan = $derived.by(() => (this.problems.length === 0 ? planSentenceRun(this.marks.marks, this.config) : { trainAnswers: 0, heldOutAnswers: 0, steps: 0 }));

  readonly blocked: string | null = $derived.by(() => {
    const e = this.engine;
    if (e.note !== null) return e.note;
    if (e.policy === null) return 'Load a policy first (at the top of the page): the sentence reward model starts from it.';
    if (this.marks.marks.length === 0) return 'Mark some answers first, in the Label stage (Mark false sentences).';
    if (this.problems.length === 0 && this.plan.steps === 0) return 'No marked answer with a sentence falls in the training split: mark more answers.';
    return null;
  });

  constructor(
    private readonly engine: EngineState,
    private readonly run: RunInfo,
    /** The marks the model learns from (the Label stage's). */
    readonly marks: MarksStore,
  ) {
    this.job = new StageJob(engine, 'train-srm', 'training the sentence reward model');
    void loadKept(SRM_LAYOUT).then(
      (read) => {
        if (read.problem) this.keepable = false;
        if (read.problem) this.error = `Could not read ${SRM_LAYOUT.what} kept in this browser: ${read.problem}.`;
        else if (read.value && this.result === null) {
          this.result = read.value.result;
          this.restored = true;
        }
      },
      () => {},
    );
  }

  /** Trains the sentence model on every stored mark; Stop keeps what it learnt. */
  async start(): Promise<void> {
    if (this.training || this.blocked !== null || this.problems.length > 0) return;
    this.error = null;
    this.training = true;
    this.progress = null;
    try {
      const res = await this.job.run({ marks: this.marks.marks, config: this.config }, {
        label: `training the sentence reward model (${this.kind === 'fact' ? 'Fact' : 'plain'})`,
        onProgress: (e: ProgressEvent) => {
          if (e.kind !== 'srm') return;
          const last = e.points.at(-1);
          if (last) this.progress = { step: last.step, total: e.total, loss: last.loss };
          else if (!this.progress) this.progress = { step: 0, total: e.total, loss: NaN };
        },
      });
      this.result = res;
      this.restored = false;
      if (this.keepable) await saveKept(SRM_LAYOUT, { result: res, savedAt: new Date().toISOString() }).catch((e: unknown) => {
        this.error = `Could not keep the sentence reward model's figures in this browser: ${(e as Error).message}`;
      });
    } catch (e) {
      this.error = `Training failed: ${(e as Error).message}`;
    } finally {
      this.training = false;
    }
  }
}
