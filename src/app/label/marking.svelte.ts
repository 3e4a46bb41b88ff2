// Marking false sentences in the Label stage: a queue of answers sampled from the loaded policy,
// the answer on show split into its sentences as the judge splits them, which of them the person
// marks false (keys 1 to 9) and the correction typed under each (checked live: the grammar, then
// whether the judge finds it true of the scene), the mark saved with Enter and only then the
// judge's truth of each sentence; plus auto-marking with a simulated marker and the stored marks.

import { answerSentences, correctionProblem, makeMark, type MarkedSentence, type MarkRecord } from '../../engine/prefs/mark';
import { judgeSentences, type UnmarkedAnswer } from '../../engine/prefs/marker';
import { MARKER_PRESETS, type MarkerName } from '../../engine/prefs/marker-settings';
import { checkMarkJob, MARK_JOB_DEFAULTS, MARK_JOB_TABLE } from '../../engine/prefs/mark-config';
import { parseQuestion } from '../../engine/language/question';
import { problemLines } from '../../engine/train/fields';
import { renderScene, type RgbImage } from '../../engine/world/render';
import type { Scene } from '../../engine/world/scene';
import { Rng } from '../../engine/world/rng';
import type { ProgressEvent } from '../../worker/protocol';
import type { EngineState } from '../engine/engine.svelte';
import { StageJob } from '../engine/stage-job.svelte';
import { markCounts, MarksStore } from './marks.svelte';

/** Answers sampled per request while marking by hand. */
export const ANSWERS_PER_FETCH = 8;
/** The next batch is sampled once this few answers wait. */
const SAMPLE_AHEAD_AT = 3;
/** The most answers auto-marking takes on the page. */
export const MAX_AUTO_MARK = 2000;

/** An answer waiting to be marked, with the policy that wrote it. */
export interface QueuedAnswer {
  /** Counts the answers shown (the first is 1). */
  no: number;
  answer: UnmarkedAnswer;
  /** Its sentences as the judge splits them: the targets, numbered from 1. */
  sentences: string[];
  image: RgbImage;
  policyVersion: string;
  /** The loaded policy's origin when it was sampled: another policy loaded since makes it stale. */
  origin: string;
}

/** What the live check says of a typed correction. */
export type CorrectionCheck =
  | { kind: 'empty' }
  /** Not one sentence of the grammar: the grammar's message. */
  | { kind: 'grammar'; message: string }
  /** A sentence of the grammar the judge finds true of the scene, false, or cannot check (no claim it can read as true). */
  | { kind: 'true' }
  | { kind: 'false' }
  | { kind: 'unchecked' };

/** Checks a typed correction against the grammar and, when it parses, against the scene. */
export function checkCorrection(scene: Scene, question: string, typed: string): CorrectionCheck {
  if (typed.trim() === '') return { kind: 'empty' };
  const problem = correctionProblem(typed);
  if (problem !== undefined) return { kind: 'grammar', message: problem };
  const judged = judgeSentences(scene, parseQuestion(question), typed)[0];
  if (!judged) return { kind: 'unchecked' };
  return judged.false ? { kind: 'false' } : judged.checkable ? { kind: 'true' } : { kind: 'unchecked' };
}

/** What the page shows once an answer is marked: the mark and the judge's reading of each sentence. */
export interface MarkReveal {
  mark: MarkRecord;
  /** Per sentence: the judge finds a claim false; some claim true. */
  truth: { false: boolean; checkable: boolean }[];
}

export class MarkingState {
  readonly auto: AutoMarkState;

  /** The answer on show, or null while none is sampled yet. */
  current = $state.raw<QueuedAnswer | null>(null);
  /** Which of its sentences are marked false, and the correction typed under each. */
  flags = $state<boolean[]>([]);
  corrections = $state<string[]>([]);
  /** The sentence marked false last (the key c types its correction), or null. */
  lastMarked = $state<number | null>(null);
  /** Set once the answer on show is saved; cleared by next(). */
  revealed = $state.raw<MarkReveal | null>(null);
  /** Show the judge's truth after each mark; off moves straight to the next answer. */
  teach = $state(true);
  fetching = $state(false);
  skipped = $state(0);
  error = $state<string | null>(null);
  /** Why the last Enter did not save (a correction outside the grammar), or null. */
  saveProblem = $state<string | null>(null);
  private queue: QueuedAnswer[] = [];
  private advancing: Promise<void> | null = null;
  private sampling: Promise<void> | null = null;
  private shown = 0;

  readonly engineNote: string | null = $derived.by(() => this.engine.readNote);
  readonly policyNote: string | null = $derived.by(() => this.engineNote ?? (this.engine.policy === null ? 'Load a policy first (at the top of the page).' : null));
  readonly stale: boolean = $derived.by(() => this.current !== null && this.current.origin !== this.engine.policy?.origin);
  /** Marking by hand is possible now: a fresh answer on show, not yet saved, marks read. */
  readonly canMark: boolean = $derived.by(() => this.current !== null && !this.stale && this.revealed === null && this.store.loaded);

  /** The live check of each sentence's correction (only sentences marked false have one). */
  readonly checks: CorrectionCheck[] = $derived.by(() => {
    const q = this.current;
    if (!q) return [];
    return q.sentences.map((_, i) => (this.flags[i] ? checkCorrection(q.answer.scene, q.answer.question, this.corrections[i] ?? '') : { kind: 'empty' }));
  });

  constructor(
    readonly engine: EngineState,
    private readonly nextSeed: () => Promise<number>,
    /** The stored marks (a test may give its own). */
    readonly store: MarksStore = new MarksStore(),
  ) {
    this.auto = new AutoMarkState(engine, this.store);
  }

  /** Shows an answer if none is on show. */
  async ensureAnswer(): Promise<void> {
    if (this.current && !this.stale) return;
    await this.next();
  }

  /** Moves to the next answer, sampling a batch when none waits and the next batch ahead. */
  next(): Promise<void> {
    this.advancing ??= this.advance().finally(() => (this.advancing = null));
    return this.advancing;
  }

  private async advance(): Promise<void> {
    this.revealed = null;
    this.saveProblem = null;
    const origin = this.engine.policy?.origin;
    this.queue = this.queue.filter((q) => q.origin === origin);
    if (this.queue.length === 0) {
      this.show(null);
      await this.fetch();
    }
    const next = this.queue.shift() ?? null;
    if (next) next.no = ++this.shown;
    this.show(next);
    if (this.queue.length <= SAMPLE_AHEAD_AT) void this.fetch();
  }

  private show(q: QueuedAnswer | null): void {
    this.current = q;
    this.flags = q ? q.sentences.map(() => false) : [];
    this.corrections = q ? q.sentences.map(() => '') : [];
    this.lastMarked = null;
  }

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
      const res = await engine.run('sampling answers to mark', 'sample-answers', { n: ANSWERS_PER_FETCH, seed });
      // Question types come in turn; shuffle them so the next type is not predictable.
      const batch = new Rng(seed).shuffle(res.answers).map(({ policyVersion, ...answer }) => ({
        no: 0,
        answer,
        sentences: answerSentences(answer.answer),
        image: renderScene(answer.scene, answer.image.perception, { noiseSeed: answer.image.noiseSeed }),
        policyVersion,
        origin,
      }));
      this.queue = [...this.queue, ...batch];
    } catch (e) {
      this.error = `Could not sample answers: ${(e as Error).message}`;
    } finally {
      this.fetching = false;
    }
  }

  /** Marks sentence `i` (from 0) false, or not false any more. */
  toggle(i: number): void {
    if (!this.canMark || i < 0 || i >= this.flags.length) return;
    this.flags[i] = !this.flags[i];
    const marked = this.flags.flatMap((f, j) => (f ? [j] : []));
    this.lastMarked = this.flags[i] ? i : (marked.at(-1) ?? null);
    this.saveProblem = null;
  }

  /** Saves the mark of the answer on show (a person marker) and shows the judge's truth (or the next answer). Returns whether it saved. */
  save(): boolean {
    const q = this.current;
    if (!q || !this.canMark) return false;
    const bad = this.checks.findIndex((c) => c.kind === 'grammar');
    if (bad >= 0) {
      this.saveProblem = `The correction of sentence ${bad + 1} is not a sentence of the grammar: fix it or clear it (a sentence marked false with no correction is dropped).`;
      return false;
    }
    const sentences: MarkedSentence[] = q.sentences.map((text, i) => {
      const typed = this.corrections[i] ?? '';
      return this.flags[i] ? { text, false: true, ...(typed.trim() !== '' ? { correction: typed } : {}) } : { text, false: false };
    });
    const { questionType, ...rest } = q.answer;
    const mark = makeMark({
      ...rest,
      ...(questionType !== undefined ? { questionType } : {}),
      sentences,
      markedBy: { kind: 'person' },
      markedAt: new Date().toISOString(),
      policyVersion: q.policyVersion,
    });
    this.store.add([mark]);
    this.saveProblem = null;
    if (!this.teach) {
      void this.next();
      return true;
    }
    const truth = judgeSentences(q.answer.scene, parseQuestion(q.answer.question), q.answer.answer).map((j) => ({ false: j.false, checkable: j.checkable }));
    this.revealed = { mark, truth };
    return true;
  }

  /** Drops the answer on show without a mark. */
  skip(): void {
    if (!this.canMark) return;
    this.skipped++;
    void this.next();
  }
}

/** Auto-marking: sample N answers from the loaded policy and mark them with a simulated marker, in the worker. */
export class AutoMarkState {
  preset = $state<MarkerName>('careful');
  n = $state(20);
  /** The job's seed (scenes, questions, sampling and the marker's draws); it moves on by one after each run, so the next run marks new answers. */
  seed = $state(1);
  readonly job: StageJob<'auto-mark'>;
  progress = $state.raw<{ done: number; total: number } | null>(null);
  note = $state<string | null>(null);
  error = $state<string | null>(null);

  readonly problems: string[] = $derived.by(() => {
    const out = checkMarkJob({ ...MARK_JOB_DEFAULTS, n: this.n, seed: this.seed, marker: { name: this.preset, settings: MARKER_PRESETS[this.preset], seed: this.seed } });
    if (this.n > MAX_AUTO_MARK) out.push({ field: 'n', message: `must be at most ${MAX_AUTO_MARK} here (the command line's \`label --mode mark\` takes more)` });
    return problemLines(out, MARK_JOB_TABLE);
  });

  constructor(
    engine: EngineState,
    private readonly store: MarksStore,
  ) {
    this.job = new StageJob(engine, 'auto-mark', 'auto-marking answers');
  }

  /** Samples and marks N answers; adds the marks to the store and returns them (null when it failed or could not start). */
  async run(): Promise<MarkRecord[] | null> {
    if (this.job.running || this.problems.length > 0) return null;
    this.error = null;
    this.note = null;
    this.progress = { done: 0, total: this.n };
    const name = this.preset;
    const seed = this.seed;
    try {
      const res = await this.job.run(
        { n: this.n, seed, marker: { name, settings: { ...MARKER_PRESETS[name] }, seed } },
        {
          label: `auto-marking ${this.n} answers`,
          onProgress: (e: ProgressEvent) => {
            if (e.kind === 'progress') this.progress = { done: e.progress.done, total: e.progress.total };
          },
        },
      );
      this.seed = seed + 1;
      const added = this.store.add(res.marks);
      const c = markCounts(res.marks);
      const stopped = res.marks.length < this.n ? ` (stopped after ${res.marks.length} of ${this.n})` : '';
      this.note = `${name} marked ${added} answers${stopped}: ${c.markedFalse} sentences false, ${c.corrections} corrected.`;
      return res.marks;
    } catch (e) {
      this.error = `Auto-marking failed: ${(e as Error).message}`;
      return null;
    }
  }
}
