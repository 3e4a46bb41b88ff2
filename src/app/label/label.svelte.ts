// The Label stage's state: a queue of answer pairs sampled from the loaded policy, the pair on
// show, the label a person gives it (keys 1 to 4, or skip) and, only after that, the judge's
// verdict on both answers; plus auto-labelling and the stored records, and marking false
// sentences (marking.svelte.ts). One per session, so the
// queue and the records are shared with the Reward stage and survive a visit elsewhere.

import { ANNOTATOR_PRESETS, answerFeatures, preferenceReason } from '../../engine/prefs/annotator';
import type { UnlabelledPair } from '../../engine/prefs/collect';
import { labelByPerson, pairProbabilities } from '../../engine/prefs/label';
import type { Label } from '../../engine/prefs/labels';
import type { PreferenceRecord } from '../../engine/prefs/record';
import { renderScene, type RgbImage } from '../../engine/world/render';
import { Rng, subSeed } from '../../engine/world/rng';
import type { EngineState } from '../engine/engine.svelte';
import type { RunInfo } from '../run.svelte';
import { judgeAnswer, type JudgedAnswer } from '../../engine/judge/judged';
import { AutoLabelState } from './auto.svelte';
import { MarkingState } from './marking.svelte';
import { PrefsStore } from './prefs.svelte';
import { loadKept, saveKept, type KeptLayout } from '../storage/layouts';

/** Pairs sampled per request while labelling by hand (one per question type). */
export const PAIRS_PER_FETCH = 8;
/** The next batch is sampled once this few pairs wait, so labelling never stalls at a batch's end. */
const SAMPLE_AHEAD_AT = 3;
/** The IndexedDB key of the count of sampling draws, so pairs after a reload are new ones. */
export const DRAWS_KEY = 'rlhf-playground/label-draws';

/** The count kept: layout 2 is `{ version: 2, draws }`; layout 1 was the bare number. */
export const DRAWS_LAYOUT: KeptLayout<number> = {
  key: DRAWS_KEY,
  what: 'the count of sampling draws',
  version: 2,
  field: 'draws',
  parse: (v) => (Number.isInteger(v) && (v as number) >= 0 ? (v as number) : null),
  empty: () => 0,
};

/** A pair waiting to be labelled, with the policy that wrote it. */
export interface QueuedPair {
  /** Counts the pairs shown (the first is 1), so the page (and a test) can tell a new pair from the last. */
  no: number;
  pair: UnlabelledPair;
  image: RgbImage;
  /** The version of the weights that wrote it (recorded with its label). */
  policyVersion: string;
  /** The loaded policy's origin when it was sampled: another policy loaded since makes it stale. */
  origin: string;
}

/** What the page shows once a pair is labelled: the record and the judge's reading of both answers. */
export interface Reveal {
  record: PreferenceRecord;
  a: JudgedAnswer;
  b: JudgedAnswer;
  /** The label a careful annotator (the paper's instruction) would most likely give, how likely, and why. */
  careful: { label: Label; p: number; why: string };
}

export class LabelState {
  readonly prefs = new PrefsStore();
  readonly auto: AutoLabelState;
  /** Marking false sentences, one answer at a time, and the stored marks. */
  readonly marking: MarkingState;
  /** What the stage is for now: comparing two answers, or marking the false sentences of one. */
  mode = $state<'compare' | 'mark'>('compare');

  /** The pair on show, or null while none is sampled yet. */
  current = $state.raw<QueuedPair | null>(null);
  /** Set once the pair on show is labelled; cleared by next(). */
  revealed = $state.raw<Reveal | null>(null);
  /** Show the judge's verdict after each choice (to teach); off moves straight to the next pair. */
  teach = $state(true);
  fetching = $state(false);
  skipped = $state(0);
  error = $state<string | null>(null);
  private queue: QueuedPair[] = [];
  private advancing: Promise<void> | null = null;
  private sampling: Promise<void> | null = null;
  private shown = 0;
  private draws: Promise<number>;
  /** False when the kept count is of a layout this page does not know: it is then left as it is. */
  private drawsKept = true;

  /** Why sampling (read-only, possible while a model trains) cannot start now: the engine is starting or failed. */
  readonly engineNote: string | null = $derived.by(() => this.engine.readNote);

  /** Why jobs that need a policy cannot start now, or null. */
  readonly policyNote: string | null = $derived.by(
    () => this.engineNote ?? (this.engine.policy === null ? 'Load a policy first (at the top of the page).' : null),
  );

  /** The pair on show came from a policy that is no longer the loaded one. */
  readonly stale: boolean = $derived.by(() => this.current !== null && this.current.origin !== this.engine.policy?.origin);

  /** Labelling by hand is possible now: a fresh pair on show, not yet labelled, records read. */
  readonly canLabel: boolean = $derived(this.current !== null && !this.stale && this.revealed === null && this.prefs.loaded);

  constructor(
    /** The engine the pairs come from (the card shows its sampling progress). */
    readonly engine: EngineState,
    private readonly run: RunInfo,
  ) {
    this.auto = new AutoLabelState(engine, this.prefs, () => this.nextSeed());
    this.marking = new MarkingState(engine, () => this.nextSeed());
    this.draws = loadKept(DRAWS_LAYOUT).then(
      (read) => {
        if (!read.problem) return read.value;
        // A count of a layout this page does not know is never overwritten; pairs start again from the first draw.
        this.drawsKept = false;
        this.error = `Could not read ${DRAWS_LAYOUT.what} kept in this browser: ${read.problem}. Pairs may repeat ones shown before.`;
        return 0;
      },
      () => 0,
    );
  }

  /** A new sampling seed from the run's seed; the count of draws is stored, so a reload continues it. */
  nextSeed(): Promise<number> {
    const drawn = this.draws;
    this.draws = drawn.then((n) => n + 1);
    return drawn.then((n) => {
      if (this.drawsKept) saveKept(DRAWS_LAYOUT, n + 1).catch(() => {});
      return subSeed(this.run.seed, 0x1abe1 + n);
    });
  }

  /** Shows a pair if none is on show (sampling more when the queue is empty and the engine free). */
  async ensurePair(): Promise<void> {
    if (this.current && !this.stale) return;
    await this.next();
  }

  /**
   * Moves to the next pair, sampling a batch from the loaded policy when none is waiting, and the
   * next batch ahead while the person labels this one. Calls made meanwhile share the one move.
   */
  next(): Promise<void> {
    this.advancing ??= this.advance().finally(() => (this.advancing = null));
    return this.advancing;
  }

  private async advance(): Promise<void> {
    this.revealed = null;
    const origin = this.engine.policy?.origin;
    this.queue = this.queue.filter((q) => q.origin === origin);
    if (this.queue.length === 0) {
      this.current = null;
      await this.fetch();
    }
    const next = this.queue.shift() ?? null;
    if (next) next.no = ++this.shown;
    this.current = next;
    if (this.queue.length <= SAMPLE_AHEAD_AT) void this.fetch();
  }

  /** Samples a batch of pairs onto the queue; a call while one is under way waits for that one. */
  private fetch(): Promise<void> {
    this.sampling ??= this.sample().finally(() => (this.sampling = null));
    return this.sampling;
  }

  private async sample(): Promise<void> {
    const engine = this.engine;
    if (engine.policy === null || this.engineNote !== null) return;
    this.fetching = true;
    this.error = null;
    try {
      const seed = await this.nextSeed();
      const origin = engine.policy.origin;
      const res = await engine.run('sampling pairs to label', 'sample-pairs', { n: PAIRS_PER_FETCH, seed });
      // Question types come in turn; shuffle them so the next type is not predictable. Pairs of a
      // policy loaded meanwhile are dropped by the next move.
      const batch = new Rng(seed).shuffle(res.pairs).map(({ policyVersion, ...pair }) => ({
        no: 0,
        pair,
        image: renderScene(pair.scene, pair.image.perception, { noiseSeed: pair.image.noiseSeed }),
        policyVersion,
        origin,
      }));
      this.queue = [...this.queue, ...batch];
    } catch (e) {
      this.error = `Could not sample pairs: ${(e as Error).message}`;
    } finally {
      this.fetching = false;
    }
  }

  /** Labels the pair on show, stores the record, and shows the judge's verdict (or the next pair). */
  choose(label: Label): void {
    const q = this.current;
    if (!q || !this.canLabel) return;
    const record = labelByPerson(q.pair, label, q.policyVersion);
    this.prefs.add([record]);
    if (!this.teach) {
      void this.next();
      return;
    }
    const p = pairProbabilities(ANNOTATOR_PRESETS.careful, q.pair);
    const best = (['A', 'B', 'tie', 'both-bad'] as const).reduce((m, l) => (p[l] > p[m] ? l : m), 'A' as Label);
    this.revealed = {
      record,
      a: judgeAnswer(q.pair.scene, q.pair.question, q.pair.responseA),
      b: judgeAnswer(q.pair.scene, q.pair.question, q.pair.responseB),
      careful: { label: best, p: p[best], why: preferenceReason(ANNOTATOR_PRESETS.careful, answerFeatures(q.pair.scene, q.pair.question, q.pair.responseA), answerFeatures(q.pair.scene, q.pair.question, q.pair.responseB)) },
    };
  }

  /** Drops the pair on show without a label. */
  skip(): void {
    if (!this.canLabel) return;
    this.skipped++;
    void this.next();
  }
}
