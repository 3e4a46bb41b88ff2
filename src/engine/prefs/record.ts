// The preference record: one labelled pair of responses to a question about a scene, who
// labelled it and when, and which policy wrote the responses. Versioned, validated field by field.

import * as v from 'valibot';
import { SCENE_SCHEMA, sharedCells, type Scene } from '../world/scene';
import { DEFAULT_PERCEPTION, PERCEPTION_BOUNDS, PERCEPTION_RANGES, type Perception } from '../world/render';
import { QUESTION_TYPES } from '../language/question';
import { ANNOTATOR_SETTINGS_SCHEMA } from './annotator';
import { MARKER_SETTINGS_SCHEMA } from './marker-settings';
import { LABELS, type Label } from './labels';
import { bounded, choice, MAX_NAME, MAX_TEXT, obj, objectOf, patterned, problemsOfIssues, quote, seed, text } from '../files/schema';

export const PREFERENCE_FORMAT = 'rlhf-playground/preference';
export const PREFERENCE_VERSION = 1;

/**
 * How a pair's responses were made: two policy samples, a sample and a perturbed copy of it, a
 * sample and a degenerate answer (empty, or "i am not sure ."), or a sample and the same answer
 * with its sentences marked false corrected or dropped (a mark, src/engine/prefs/mark.ts).
 */
export const PAIR_SOURCES = ['policy', 'perturbed', 'degenerate', 'corrected'] as const;
export type PairSource = (typeof PAIR_SOURCES)[number];

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const ISO_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** How the image the policy saw was rendered: each knob within the page's limits; one left out takes its default. */
export const PERCEPTION_SCHEMA = obj(
  Object.fromEntries(
    (Object.keys(PERCEPTION_BOUNDS) as (keyof Perception)[]).map((k) => [k, v.optional(bounded(PERCEPTION_BOUNDS[k], `must be ${PERCEPTION_RANGES[k].what}`), DEFAULT_PERCEPTION[k])]),
  ) as { [K in keyof Perception]: v.OptionalSchema<ReturnType<typeof bounded>, number> },
  'must be an object {noise, blur, resolution, smallScale}',
);

/**
 * Who labelled a pair: a person, a simulated annotator with its settings and seed, or a simulated
 * marker with its settings and seed (a corrected pair made from its mark).
 */
export const LABELLER_SCHEMA = v.variant(
  'kind',
  [
    objectOf({ kind: v.literal('person'), name: v.optional(text(MAX_NAME)) }),
    objectOf({ kind: v.literal('simulated'), name: text(MAX_NAME, { nonEmpty: true }), settings: ANNOTATOR_SETTINGS_SCHEMA, seed: seed() }),
    objectOf({ kind: v.literal('marker'), name: text(MAX_NAME, { nonEmpty: true }), settings: MARKER_SETTINGS_SCHEMA, seed: seed() }),
  ],
  'must be "person", "simulated" or "marker"',
);
export type Labeller = v.InferOutput<typeof LABELLER_SCHEMA>;

/** The preference record, as the native JSONL file holds it (one per line; unknown keys dropped). */
export const RECORD_SCHEMA = obj(
  {
    format: v.literal(PREFERENCE_FORMAT, (i) => `must be "${PREFERENCE_FORMAT}"; got ${quote(i.input)}`),
    version: v.literal(PREFERENCE_VERSION, (i) => `must be ${PREFERENCE_VERSION} (this build reads version ${PREFERENCE_VERSION}); got ${quote(i.input)}`),
    /** Short name of the record (letters, digits, - and _): by default a hash of its content. */
    id: v.optional(patterned(ID_PATTERN, 64, 'must be 1 to 64 letters, digits, - or _')),
    /** The scene, as the contract JSON (jitter and seed kept: they decide the pixels). */
    scene: SCENE_SCHEMA,
    /** How the image the policy saw was rendered: perception knobs and pixel-noise seed. */
    image: obj({ perception: PERCEPTION_SCHEMA, noiseSeed: seed() }, 'must be an object {perception, noiseSeed}'),
    question: text(MAX_TEXT, { nonEmpty: true }),
    questionType: v.optional(choice(QUESTION_TYPES, `must be one of ${QUESTION_TYPES.join(', ')} when given`)),
    responseA: text(),
    responseB: text(),
    label: choice(LABELS, `must be one of ${LABELS.map((l) => `"${l}"`).join(', ')}`),
    labelledBy: LABELLER_SCHEMA,
    /** When it was labelled, ISO 8601 (UTC). */
    labelledAt: v.pipe(
      patterned(ISO_PATTERN, 64, 'must be an ISO 8601 date and time, e.g. "2025-01-31T12:00:00.000Z"'),
      v.check((t: string) => !Number.isNaN(Date.parse(t)), 'must be an ISO 8601 date and time, e.g. "2025-01-31T12:00:00.000Z"'),
    ),
    /** The policy that sampled the responses (e.g. "sft@1a2b3c4d": recipe and weights checksum; each run in the page since adds its name, so a free text's length). */
    policyVersion: v.pipe(text(MAX_TEXT), v.minLength(1, 'must be a non-empty string')),
    source: choice(PAIR_SOURCES, `must be one of ${PAIR_SOURCES.join(', ')}`),
  },
  'must be a JSON object',
);

/** A record as read: the id always there. */
export type PreferenceRecord = Omit<v.InferOutput<typeof RECORD_SCHEMA>, 'id' | 'questionType'> & {
  id: string;
  questionType?: NonNullable<v.InferOutput<typeof RECORD_SCHEMA>['questionType']>;
};

/** A problem with one field of a record. */
export interface FieldError {
  field: string;
  message: string;
}

/** 64-bit FNV-1a over UTF-16 code units, as 16 hex digits (two 32-bit lanes with different offsets). */
export function hash64(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x1b873593;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x01000193) >>> 0;
    b = (b ^ (b >>> 15)) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

/** The scene with its keys in a fixed order, objects in reading order (what keys and ids hash). */
export function canonicalScene(scene: Scene): Scene {
  const objects = [...scene.objects]
    .sort((p, q) => p.row - q.row || p.col - q.col)
    .map((o) => ({
      shape: o.shape, color: o.color, size: o.size, row: o.row, col: o.col,
      ...(o.jitterX !== undefined ? { jitterX: o.jitterX } : {}),
      ...(o.jitterY !== undefined ? { jitterY: o.jitterY } : {}),
    }));
  return { background: scene.background, objects, ...(scene.seed !== undefined ? { seed: scene.seed } : {}) };
}

/** The perception with its keys in a fixed order. */
function canonicalPerception(p: Perception): Perception {
  return { noise: p.noise, blur: p.blur, resolution: p.resolution, smallScale: p.smallScale };
}

/** Key of the prompt alone (scene, image, question): pairs with the same prompt share a held-out side. */
export function promptKey(r: Pick<PreferenceRecord, 'scene' | 'image' | 'question'>): string {
  return JSON.stringify([canonicalScene(r.scene), canonicalPerception(r.image.perception), r.image.noiseSeed, r.question]);
}

const SWAP: Record<Label, Label> = { A: 'B', B: 'A', tie: 'tie', 'both-bad': 'both-bad' };

/**
 * The dedupe key: the record's content (prompt, both responses, label, labeller, time, policy)
 * with the two responses in a canonical order, so a pair stored as (x, y, "A") and as (y, x, "B")
 * is the same pair. The id is not part of it.
 */
export function pairKey(r: PreferenceRecord): string {
  const swap = r.responseB < r.responseA;
  const [first, second] = swap ? [r.responseB, r.responseA] : [r.responseA, r.responseB];
  return JSON.stringify([promptKey(r), first, second, swap ? SWAP[r.label] : r.label, r.labelledBy, r.labelledAt, r.policyVersion, r.source]);
}

/** The default id of a record: 16 hex digits hashed from its dedupe key. */
export function pairId(r: PreferenceRecord): string {
  return hash64(pairKey(r));
}

/** Returns the same preference with A and B swapped (label swapped to match); changes nothing. */
export function swapResponses(r: PreferenceRecord): PreferenceRecord {
  return { ...r, responseA: r.responseB, responseB: r.responseA, label: SWAP[r.label] };
}

export type RecordInput = Omit<PreferenceRecord, 'format' | 'version' | 'id'> & { id?: string };

/** Builds a record from its content, filling in format, version and (unless given) the id. */
export function makeRecord(input: RecordInput): PreferenceRecord {
  const r: PreferenceRecord = { format: PREFERENCE_FORMAT, version: PREFERENCE_VERSION, id: '', ...input } as PreferenceRecord;
  r.id = input.id ?? pairId(r);
  return r;
}

/**
 * Checks a parsed JSON value against the record format. Returns the record (unknown keys
 * dropped; id filled in when absent) or every problem found, each naming its field.
 */
export function validateRecord(value: unknown): { record: PreferenceRecord } | { errors: FieldError[] } {
  const res = v.safeParse(RECORD_SCHEMA, value);
  const errors: FieldError[] = res.success ? [] : problemsOfIssues(res.issues).map((e) => ({ field: e.field || '(line)', message: e.message }));
  // What one field cannot say alone: two objects in a cell, the same response twice.
  const raw = value as Partial<Record<string, unknown>> | null;
  const scene = res.success ? undefined : v.safeParse(SCENE_SCHEMA, raw?.scene);
  const objects = res.success ? res.output.scene.objects : scene?.success ? scene.output.objects : [];
  errors.push(...sharedCells(objects).map((e) => ({ field: e.path, message: e.message })));
  if (typeof raw?.responseA === 'string' && raw.responseA === raw.responseB) errors.push({ field: 'responseB', message: 'must differ from responseA (a pair needs two distinct responses)' });
  if (!res.success || errors.length) return { errors };
  const r = res.output;
  const labelledBy: Labeller = r.labelledBy.kind === 'person' && r.labelledBy.name === undefined ? { kind: 'person' } : r.labelledBy;
  return {
    record: makeRecord({
      ...(r.id !== undefined ? { id: r.id } : {}),
      scene: canonicalScene(r.scene),
      image: r.image,
      question: r.question,
      ...(r.questionType !== undefined ? { questionType: r.questionType } : {}),
      responseA: r.responseA,
      responseB: r.responseB,
      label: r.label,
      labelledBy,
      labelledAt: r.labelledAt,
      policyVersion: r.policyVersion,
      source: r.source,
    }),
  };
}
