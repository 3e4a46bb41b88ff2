// The marking job, written once for the page and the command line: sample one answer per question
// from the policy in rounds (progress, Stop and pause between rounds), prompts drawn as the
// labelling job draws them, each answer keeping the version of the weights that wrote it, and mark
// them with a simulated marker when the config names one. Also the figures of a set of marks.

import type { VlmModel } from '../model/model';
import { generate } from '../model/generate';
import { promptIds, sceneImage } from '../data/encode';
import { PromptStream } from '../data/prompts';
import { decode } from '../language/vocab';
import { parseQuestion } from '../language/question';
import { nextStep, type JobHooks } from '../train/job';
import { Rng, subSeed } from '../world/rng';
import type { Perception } from '../world/render';
import { checkMarkJob, MARK_JOB_DEFAULTS, type MarkJobConfig } from './mark-config';
import { PAIR_SAMPLING_DEFAULTS } from './collect';
import type { MarkRecord } from './mark';
import { judgeSentences, markAnswer, simulatedMarker, type UnmarkedAnswer } from './marker';

/** An answer and the version of the policy that wrote it. */
export type VersionedAnswer = UnmarkedAnswer & { policyVersion: string };

export interface MarkJobResult {
  answers: VersionedAnswer[];
  /** The marks, in the answers' order, when the config names a marker. */
  marks?: MarkRecord[];
  /** Seconds spent sampling and marking. */
  sampleSeconds: number;
  markSeconds: number;
}

/**
 * Samples one answer to each of `n` prompts from the policy (only read): the prompts come from
 * the labelling job's stream for `seed` (training scenes, question types in turn), at most
 * PAIR_SAMPLING_DEFAULTS.maxNewTokens tokens each. Returns them in prompt order.
 */
export async function sampleAnswers(model: VlmModel, o: { n: number; seed: number; temperature: number; perception: Perception }): Promise<UnmarkedAnswer[]> {
  const prompts = new PromptStream(new Rng(subSeed(o.seed, 0x70a1))).take(o.n);
  const gen = await generate(
    model,
    prompts.map((p) => sceneImage(p.scene, o.perception, p.noiseSeed)),
    prompts.map((p) => promptIds(p.question)),
    { maxNewTokens: PAIR_SAMPLING_DEFAULTS.maxNewTokens, temperature: o.temperature, seed: subSeed(o.seed, 1000) },
  );
  return prompts.map((p, i) => ({
    scene: p.scene,
    image: { perception: { ...o.perception }, noiseSeed: p.noiseSeed },
    question: p.question,
    questionType: p.type,
    answer: decode(gen.responses[i] as ArrayLike<number>),
  }));
}

/**
 * Samples cfg.n answers from `policy` (only read; a function is asked again each round, so a
 * policy trained meanwhile writes the later rounds) and marks them if a marker is given.
 * Throws, naming the field, on a bad config. A stopped job returns what it has.
 */
export async function runMarkJob(policy: VlmModel | (() => VlmModel), config: Partial<MarkJobConfig>, hooks: JobHooks = {}): Promise<MarkJobResult> {
  const cfg = { ...MARK_JOB_DEFAULTS, ...config };
  const problems = checkMarkJob(cfg);
  if (problems.length) throw new Error(`marking: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`);
  const model = typeof policy === 'function' ? policy : () => policy;
  const answers: VersionedAnswer[] = [];
  let t0 = performance.now();
  hooks.onProgress?.({ phase: 'sampling answers', done: 0, total: cfg.n });
  for (let round = 0; answers.length < cfg.n; round++) {
    if (!(await nextStep(hooks.control))) break;
    const m = model();
    const n = Math.min(cfg.round, cfg.n - answers.length);
    const got = await sampleAnswers(m, { n, seed: subSeed(cfg.seed, round), temperature: cfg.temperature, perception: cfg.perception });
    answers.push(...got.map((a) => ({ ...a, policyVersion: m.version })));
    hooks.onProgress?.({ phase: 'sampling answers', done: answers.length, total: cfg.n });
  }
  const sampleSeconds = (performance.now() - t0) / 1000;
  t0 = performance.now();
  let marks: MarkRecord[] | undefined;
  if (cfg.marker) {
    const marker = simulatedMarker(cfg.marker.name, cfg.marker.settings, cfg.marker.seed);
    const at = new Date().toISOString();
    marks = answers.map(({ policyVersion, ...a }) => markAnswer(a, marker, policyVersion, at));
  }
  return { answers, ...(marks ? { marks } : {}), sampleSeconds, markSeconds: (performance.now() - t0) / 1000 };
}

/** The figures of a set of marks: what was marked, and what the judge finds false. */
export interface MarkSummary {
  answers: number;
  sentences: number;
  /** Sentences marked false, and of those the ones given a correction. */
  markedFalse: number;
  corrected: number;
  /** Sentences the judge finds false (some claim false), and their share of all sentences. */
  falseSentences: number;
  falseSentenceShare: number;
  /** Share of answers with at least one sentence the judge finds false; with one marked false. */
  answersWithFalse: number;
  answersMarked: number;
  /** Marked sentences the judge finds false, and false sentences left unmarked. */
  rightlyMarked: number;
  missed: number;
}

/** Returns the figures of a set of marks (see MarkSummary); changes nothing. */
export function markSummary(marks: readonly MarkRecord[]): MarkSummary {
  const s = { answers: marks.length, sentences: 0, markedFalse: 0, corrected: 0, falseSentences: 0, withFalse: 0, marked: 0, rightlyMarked: 0, missed: 0 };
  for (const m of marks) {
    const truth = judgeSentences(m.scene, parseQuestion(m.question), m.answer);
    s.sentences += m.sentences.length;
    m.sentences.forEach((x, i) => {
      const isFalse = truth[i]?.false ?? false;
      if (x.false) s.markedFalse++;
      if (x.correction !== undefined) s.corrected++;
      if (isFalse) s.falseSentences++;
      if (x.false && isFalse) s.rightlyMarked++;
      if (!x.false && isFalse) s.missed++;
    });
    if (truth.some((t) => t.false)) s.withFalse++;
    if (m.sentences.some((x) => x.false)) s.marked++;
  }
  const share = (k: number, n: number) => (n ? k / n : 0);
  return {
    answers: s.answers, sentences: s.sentences, markedFalse: s.markedFalse, corrected: s.corrected,
    falseSentences: s.falseSentences, falseSentenceShare: share(s.falseSentences, s.sentences),
    answersWithFalse: share(s.withFalse, s.answers), answersMarked: share(s.marked, s.answers),
    rightlyMarked: s.rightlyMarked, missed: s.missed,
  };
}
