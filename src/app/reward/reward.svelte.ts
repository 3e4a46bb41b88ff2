// The Reward stage's state: the run's knobs, which model(s) to train (plain RM, Fact-RM, both),
// the live loss and held-out accuracy of each (LineFeeds the charts draw), the split and the
// annotator ceiling of the labels, and each model's results and probes. The models themselves
// stay in the worker, for PPO. One per session, so a run and its charts outlive a visit elsewhere.

import { REWARD_LOSS_DEFAULTS, REWARD_RUN_DEFAULTS, rewardRunSteps, splitHeldOut, usablePairs } from '../../engine/reward/config';
import { annotatorCeiling, type AnnotatorCeiling } from '../../engine/reward/ceiling';
import { PROBE_VARIANTS, probeItems, type ProbeItem, type ProbeVariant } from '../../engine/reward/probes';
import type { PreferenceRecord } from '../../engine/prefs/record';
import type { ScoreReadout } from '../../engine/model/config';
import type { Calls, ProgressEvent, RewardKind, RewardRequestConfig } from '../../worker/protocol';
import { LineFeed, type XY } from '../charts/line-chart';
import { labelStateFor } from '../label/label.svelte';
import type { PrefsStore } from '../label/prefs.svelte';
import type { Session } from '../session.svelte';
import { judgeAnswer, type JudgedAnswer } from '../sft/sample.svelte';
import { KIND_INFO } from './explain';

export type RmChoice = RewardKind | 'both';
export type RmResult = Calls['train-rm']['res'];

const KINDS: readonly RewardKind[] = ['plain', 'fact'];
const SERIES = { plain: 0, fact: 1 } as const;
/** The accuracy chart's series of the annotator ceiling. */
const CEILING = 2;

export class RewardState {
  private readonly session: Session;
  readonly prefs: PrefsStore;

  choice = $state<RmChoice>('both');
  epochs = $state(REWARD_RUN_DEFAULTS.epochs);
  minSteps = $state(REWARD_RUN_DEFAULTS.minSteps);
  batchPairs = $state(REWARD_RUN_DEFAULTS.batchPairs);
  lr = $state(REWARD_RUN_DEFAULTS.optim.lr ?? 1e-3);
  heldOutShare = $state(0.2);
  evalEvery = $state(10);
  trainTrunk = $state(REWARD_RUN_DEFAULTS.trainTrunk);
  readout = $state<ScoreReadout>('last');
  tieWeight = $state(REWARD_LOSS_DEFAULTS.tieWeight);
  bothBadWeight = $state(REWARD_LOSS_DEFAULTS.bothBadWeight);
  probeItems = $state(32);
  /** A seed typed by the user; null follows the run's seed. */
  private seedOverride = $state<number | null>(null);

  /** The model being trained now, or null. */
  running = $state<RewardKind | null>(null);
  stopRequested = $state(false);
  /** The running model's last step and its run's length. */
  progress = $state.raw<{ step: number; total: number; loss: number } | null>(null);
  results = $state.raw<Partial<Record<RewardKind, RmResult>>>({});
  error = $state<string | null>(null);

  readonly lossFeed = new LineFeed(KINDS.map((k) => ({ label: KIND_INFO[k].name, color: KIND_INFO[k].color })));
  readonly accFeed = new LineFeed([
    ...KINDS.map((k) => ({ label: `${KIND_INFO[k].name} (held-out)`, color: KIND_INFO[k].color, dots: true })),
    { label: 'annotator ceiling', color: '#868e96', dashed: true },
  ]);
  /** Each model's points, to redraw one model's curves when only the other is retrained. */
  private history: Record<RewardKind, { loss: XY[]; acc: XY[] }> = { plain: { loss: [], acc: [] }, fact: { loss: [], acc: [] } };
  /** The ceiling line's value and how far right it is drawn (it follows the runs' steps). */
  private ceilingLine: { y: number; to: number } | null = null;

  get seed(): number {
    return this.seedOverride ?? this.session.run.seed;
  }

  set seed(v: number) {
    this.seedOverride = v;
  }

  /** The labels split by prompt into training and held-out pairs, exactly as the worker will split them. */
  readonly split: { train: PreferenceRecord[]; heldOut: PreferenceRecord[] } = $derived.by(() =>
    this.heldOutShare > 0 && this.heldOutShare < 1 && Number.isInteger(this.seed) ? splitHeldOut(this.prefs.records, this.heldOutShare, this.seed) : { train: this.prefs.records, heldOut: [] },
  );

  /** The simulated annotators' ceiling on the held-out pairs, or null without any. */
  readonly ceiling: AnnotatorCeiling | null = $derived(annotatorCeiling(this.split.heldOut));

  /** Steps each model will take with these knobs and labels. */
  readonly steps: number = $derived.by(() => {
    const usable = usablePairs(this.split.train, this).length;
    return usable === 0 || this.problems.length > 0 ? 0 : rewardRunSteps({ epochs: this.epochs, minSteps: this.minSteps, batchPairs: this.batchPairs }, usable);
  });

  readonly problems: string[] = $derived.by(() => {
    const out: string[] = [];
    const whole = (v: number, lo: number, hi: number, what: string) => {
      if (!Number.isInteger(v) || v < lo || v > hi) out.push(`${what} must be a whole number from ${lo} to ${hi}`);
    };
    if (!(this.epochs > 0 && this.epochs <= 1000)) out.push('epochs must be above 0 and at most 1000');
    whole(this.minSteps, 0, 100_000, 'minimum steps');
    whole(this.batchPairs, 1, 256, 'pairs per step');
    if (!(this.lr > 0 && this.lr <= 0.1)) out.push('learning rate must be above 0 and at most 0.1');
    if (!(this.heldOutShare > 0 && this.heldOutShare < 1)) out.push('the held-out share must be between 0 and 1');
    whole(this.evalEvery, 0, 100_000, 'evaluate every');
    if (!(this.tieWeight >= 0) || !(this.bothBadWeight >= 0)) out.push('the tie and both-bad weights must be 0 or more');
    whole(this.probeItems, 1, 512, 'probe items');
    whole(this.seed, 0, 2 ** 32 - 1, 'seed');
    return out;
  });

  /** Why a run cannot start now, or null. */
  readonly blocked: string | null = $derived.by(() => {
    const e = this.session.engine;
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

  constructor(session: Session) {
    this.session = session;
    this.prefs = labelStateFor(session).prefs;
  }

  private config(): RewardRequestConfig {
    return {
      epochs: this.epochs, minSteps: this.minSteps, batchPairs: this.batchPairs, lr: this.lr, heldOutShare: this.heldOutShare, seed: this.seed,
      trainTrunk: this.trainTrunk, tieWeight: this.tieWeight, bothBadWeight: this.bothBadWeight, evalEvery: this.evalEvery, probeItems: this.probeItems, readout: this.readout,
    };
  }

  /** Trains the chosen model(s), one after the other; Stop ends the current one and skips the rest. */
  async start(): Promise<void> {
    if (this.running || this.blocked !== null || this.problems.length > 0) return;
    const kinds = this.choice === 'both' ? KINDS : [this.choice];
    this.error = null;
    // Redraw the charts with only the models that are not retrained now.
    for (const k of kinds) this.history[k] = { loss: [], acc: [] };
    const next = { ...this.results };
    for (const k of kinds) delete next[k];
    this.results = next;
    this.lossFeed.clear();
    this.accFeed.clear();
    const ceiling = this.ceiling?.accuracyCeiling ?? null;
    this.ceilingLine = ceiling === null ? null : { y: ceiling, to: -1 };
    for (const k of KINDS) this.draw(k, this.history[k].loss, this.history[k].acc, false);
    const config = this.config();
    const records = this.prefs.records;
    try {
      for (const kind of kinds) {
        if (this.stopRequested) break;
        this.running = kind;
        this.progress = null;
        const res = await this.session.engine.run(`training the ${KIND_INFO[kind].name}`, 'train-rm', { kind, records, config }, (e) => {
          if (e.kind === 'rm') this.onProgress(e);
        });
        // The final held-out accuracy is measured after the last point: draw it too.
        const acc = res.run.heldOut.accuracy;
        const h = this.history[kind].acc;
        if (acc !== null && h.at(-1)?.x !== res.run.steps) this.draw(kind, [], [{ x: res.run.steps, y: acc }]);
        this.results = { ...this.results, [kind]: res };
      }
    } catch (e) {
      this.error = `Training failed: ${(e as Error).message}`;
    } finally {
      this.running = null;
      this.stopRequested = false;
    }
  }

  /** Asks the run to stop after its current step; the model keeps what it learnt. */
  stop(): void {
    if (!this.running) return;
    this.stopRequested = true;
    this.session.engine.stop();
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

const states = new WeakMap<Session, RewardState>();

/** Returns the session's Reward state, creating it on first use. */
export function rewardStateFor(session: Session): RewardState {
  let s = states.get(session);
  if (!s) {
    s = new RewardState(session);
    states.set(session, s);
  }
  return s;
}
