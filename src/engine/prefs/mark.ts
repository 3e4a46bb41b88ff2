// The mark record: one answer to a question about a scene, its sentences as the marker saw them
// (each marked false or not, a false one perhaps with a correction in the grammar), who marked it
// and when, and which policy wrote the answer. Versioned and checked field by field like the
// preference record, whose scene and image pieces it shares. A mark gives a corrected pair: the
// answer with its false sentences corrected (or dropped) preferred to the answer as written.

import * as v from 'valibot';
import { SCENE_SCHEMA, sharedCells } from '../world/scene';
import { QUESTION_TYPES } from '../language/question';
import { parseResponse } from '../language/parser';
import { choice, list, MAX_NAME, MAX_TEXT, obj, objectOf, patterned, problemsOfIssues, quote, seed, text } from '../files/schema';
import { MARKER_SETTINGS_SCHEMA } from './marker-settings';
import { canonicalScene, hash64, makeRecord, PERCEPTION_SCHEMA, promptKey, type FieldError, type Labeller, type PreferenceRecord } from './record';

export const MARK_FORMAT = 'rlhf-playground/mark';
export const MARK_VERSION = 1;
/** The most sentences a mark holds (a policy's answer of 48 tokens has at most 24). */
export const MAX_MARK_SENTENCES = 32;

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const ISO_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const ISO_WORDS = 'must be an ISO 8601 date and time, e.g. "2025-01-31T12:00:00.000Z"';

/** The sentences of an answer, as the judge splits them (parseResponse): the units a marker marks. */
export function answerSentences(answer: string): string[] {
  return parseResponse(answer).map((s) => s.text);
}

/** Why `t` cannot be a correction (one sentence the parser reads, written as the grammar writes it), or undefined when it can. */
export function correctionProblem(t: string): string | undefined {
  const parsed = parseResponse(t);
  const one = parsed.length === 1 ? parsed[0] : undefined;
  if (one && one.claims !== null && one.text === t) return undefined;
  return `must be one sentence of the grammar, lower case, words separated by single spaces and ending in " ." (e.g. "there is a red circle at the top left ."); got ${quote(t)}`;
}

/** One sentence of the answer as the marker saw it: false or not, and for a false one perhaps the sentence that should stand instead. */
export const MARKED_SENTENCE_SCHEMA = obj(
  {
    text: text(MAX_TEXT),
    false: v.boolean('must be true or false'),
    correction: v.optional(v.pipe(text(MAX_TEXT), v.check((t: string) => correctionProblem(t) === undefined, (i) => correctionProblem(i.input as string) as string))),
  },
  'must be an object {text, false, correction?}',
);
export type MarkedSentence = v.InferOutput<typeof MARKED_SENTENCE_SCHEMA>;

/** Who marked an answer: a person, or a simulated marker with its settings and seed. */
export const MARKER_SCHEMA = v.variant(
  'kind',
  [
    objectOf({ kind: v.literal('person'), name: v.optional(text(MAX_NAME)) }),
    objectOf({ kind: v.literal('simulated'), name: text(MAX_NAME, { nonEmpty: true }), settings: MARKER_SETTINGS_SCHEMA, seed: seed() }),
  ],
  'must be "person" or "simulated"',
);
export type Marker = v.InferOutput<typeof MARKER_SCHEMA>;

/** The mark record, as a marks file holds it (one per line; unknown keys dropped). */
export const MARK_SCHEMA = obj(
  {
    format: v.literal(MARK_FORMAT, (i) => `must be "${MARK_FORMAT}"; got ${quote(i.input)}`),
    version: v.literal(MARK_VERSION, (i) => `must be ${MARK_VERSION} (this build reads version ${MARK_VERSION}); got ${quote(i.input)}`),
    /** Short name of the record (letters, digits, - and _): by default a hash of its content. */
    id: v.optional(patterned(ID_PATTERN, 64, 'must be 1 to 64 letters, digits, - or _')),
    /** The scene, as the contract JSON. */
    scene: SCENE_SCHEMA,
    /** How the image the policy saw was rendered. */
    image: obj({ perception: PERCEPTION_SCHEMA, noiseSeed: seed() }, 'must be an object {perception, noiseSeed}'),
    question: text(MAX_TEXT, { nonEmpty: true }),
    questionType: v.optional(choice(QUESTION_TYPES, `must be one of ${QUESTION_TYPES.join(', ')} when given`)),
    /** The answer as the policy wrote it. */
    answer: text(MAX_TEXT),
    /** Its sentences in order, as the judge splits them: their texts joined by single spaces are the answer. */
    sentences: list(MARKED_SENTENCE_SCHEMA, MAX_MARK_SENTENCES, 'sentences'),
    markedBy: MARKER_SCHEMA,
    /** When it was marked, ISO 8601 (UTC). */
    markedAt: v.pipe(patterned(ISO_PATTERN, 64, ISO_WORDS), v.check((t: string) => !Number.isNaN(Date.parse(t)), ISO_WORDS)),
    /** The policy that wrote the answer. */
    policyVersion: v.pipe(text(MAX_TEXT), v.minLength(1, 'must be a non-empty string')),
  },
  'must be a JSON object',
);

/** A mark as read: the id always there. */
export type MarkRecord = Omit<v.InferOutput<typeof MARK_SCHEMA>, 'id' | 'questionType'> & {
  id: string;
  questionType?: NonNullable<v.InferOutput<typeof MARK_SCHEMA>['questionType']>;
};

/** The dedupe key: the mark's content (prompt, answer, sentences, marker, time, policy). The id is not part of it. */
export function markKey(m: MarkRecord): string {
  const sentences = m.sentences.map((s) => [s.text, s.false, s.correction ?? null]);
  return JSON.stringify([promptKey(m), m.answer, sentences, m.markedBy, m.markedAt, m.policyVersion]);
}

/** The default id of a mark: 16 hex digits hashed from its dedupe key. */
export function markId(m: MarkRecord): string {
  return hash64(markKey(m));
}

export type MarkInput = Omit<MarkRecord, 'format' | 'version' | 'id'> & { id?: string };

/** Builds a mark from its content, filling in format, version and (unless given) the id. */
export function makeMark(input: MarkInput): MarkRecord {
  const m = { format: MARK_FORMAT, version: MARK_VERSION, id: '', ...input } as MarkRecord;
  m.id = input.id ?? markId(m);
  return m;
}

/** Where the sentences are not the answer's as the judge splits them, in words; undefined when they are. */
function sentencesProblem(answer: string, texts: readonly string[]): string | undefined {
  const want = answerSentences(answer);
  if (want.join(' ') !== answer) return undefined; // reported on `answer`
  if (texts.length !== want.length) return `must be the answer's ${want.length} sentences as the judge splits them; got ${texts.length}`;
  const at = texts.findIndex((t, i) => t !== want[i]);
  return at < 0 ? undefined : `must be the answer's sentences as the judge splits them: sentence ${at} is ${quote(want[at])}; got ${quote(texts[at])}`;
}

/**
 * Checks a parsed JSON value against the mark format. Returns the mark (unknown keys dropped; id
 * filled in when absent) or every problem found, each naming its field ("sentences[2].correction").
 */
export function validateMark(value: unknown): { mark: MarkRecord } | { errors: FieldError[] } {
  const res = v.safeParse(MARK_SCHEMA, value);
  const errors: FieldError[] = res.success ? [] : problemsOfIssues(res.issues).map((e) => ({ field: e.field || '(line)', message: e.message }));
  const raw = value as Partial<Record<string, unknown>> | null;
  const scene = res.success ? undefined : v.safeParse(SCENE_SCHEMA, raw?.scene);
  const objects = res.success ? res.output.scene.objects : scene?.success ? scene.output.objects : [];
  errors.push(...sharedCells(objects).map((e) => ({ field: e.path, message: e.message })));
  // What one field cannot say alone: the answer in the grammar's spacing, its sentences as split, a correction only where marked false.
  if (res.success) {
    const m = res.output;
    if (answerSentences(m.answer).join(' ') !== m.answer) errors.push({ field: 'answer', message: `must be written as the grammar writes it: words separated by single spaces, no space at either end; got ${quote(m.answer)}` });
    const wrong = sentencesProblem(m.answer, m.sentences.map((s) => s.text));
    if (wrong) errors.push({ field: 'sentences', message: wrong });
    m.sentences.forEach((s, i) => {
      if (s.correction !== undefined && !s.false) errors.push({ field: `sentences[${i}].correction`, message: 'is given for a sentence not marked false; mark it false or leave the correction out' });
    });
  }
  if (!res.success || errors.length) return { errors };
  const m = res.output;
  const markedBy: Marker = m.markedBy.kind === 'person' && m.markedBy.name === undefined ? { kind: 'person' } : m.markedBy;
  return {
    mark: makeMark({
      ...(m.id !== undefined ? { id: m.id } : {}),
      scene: canonicalScene(m.scene),
      image: m.image,
      question: m.question,
      ...(m.questionType !== undefined ? { questionType: m.questionType } : {}),
      answer: m.answer,
      sentences: m.sentences.map((s) => ({ text: s.text, false: s.false, ...(s.correction !== undefined ? { correction: s.correction } : {}) })),
      markedBy,
      markedAt: m.markedAt,
      policyVersion: m.policyVersion,
    }),
  };
}

/** Returns the answer with each sentence marked false replaced by its correction, or dropped when it has none; changes nothing. */
export function correctedAnswer(m: Pick<MarkRecord, 'sentences'>): string {
  return m.sentences.flatMap((s) => (!s.false ? [s.text] : s.correction !== undefined ? [s.correction] : [])).join(' ');
}

/** The labeller of a mark's corrected pair: the person who marked it, or the simulated marker. */
function labellerOf(m: Marker): Labeller {
  return m.kind === 'person' ? m : { kind: 'marker', name: m.name, settings: { ...m.settings }, seed: m.seed };
}

/**
 * The corrected pair of a mark as a preference record: A the corrected answer (chosen), B the
 * answer as written, label A, source "corrected", labelled by the marker when it marked. Returns
 * undefined when nothing was marked false (the two answers would be the same).
 */
export function markToPreference(m: MarkRecord): PreferenceRecord | undefined {
  const corrected = correctedAnswer(m);
  if (corrected === m.answer) return undefined;
  return makeRecord({
    scene: m.scene,
    image: m.image,
    question: m.question,
    ...(m.questionType !== undefined ? { questionType: m.questionType } : {}),
    responseA: corrected,
    responseB: m.answer,
    label: 'A',
    labelledBy: labellerOf(m.markedBy),
    labelledAt: m.markedAt,
    policyVersion: m.policyVersion,
    source: 'corrected',
  });
}
