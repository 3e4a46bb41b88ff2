// The preference record: one labelled pair of responses to a question about a scene, who
// labelled it and when, and which policy wrote the responses. Versioned, validated field by field.

import { validateScene, type Scene } from '../world/scene';
import { DEFAULT_PERCEPTION, PERCEPTION_RANGES, type Perception } from '../world/render';
import { QUESTION_TYPES, type QuestionType } from '../language/question';
import { validateAnnotatorSettings, type AnnotatorSettings } from './annotator';
import { LABELS, type Label } from './labels';

export const PREFERENCE_FORMAT = 'rlhf-playground/preference';
export const PREFERENCE_VERSION = 1;

/** Who labelled a pair: a person, or a simulated annotator with its settings and seed. */
export type Labeller =
  | { kind: 'person'; name?: string }
  | { kind: 'simulated'; name: string; settings: AnnotatorSettings; seed: number };

/** How a pair's responses were made: two policy samples, a sample and a perturbed copy of it, or a sample and a degenerate answer (empty, or "i am not sure ."). */
export const PAIR_SOURCES = ['policy', 'perturbed', 'degenerate'] as const;
export type PairSource = (typeof PAIR_SOURCES)[number];

export interface PreferenceRecord {
  format: typeof PREFERENCE_FORMAT;
  version: typeof PREFERENCE_VERSION;
  /** Short name of the record (letters, digits, - and _): by default a hash of its content. */
  id: string;
  /** The scene, as the contract JSON (jitter and seed kept: they decide the pixels). */
  scene: Scene;
  /** How the image the policy saw was rendered: perception knobs and pixel-noise seed. */
  image: { perception: Perception; noiseSeed: number };
  question: string;
  questionType?: QuestionType;
  responseA: string;
  responseB: string;
  label: Label;
  labelledBy: Labeller;
  /** When it was labelled, ISO 8601 (UTC). */
  labelledAt: string;
  /** The policy that sampled the responses (e.g. "sft@1a2b3c4d": recipe and weights checksum). */
  policyVersion: string;
  source: PairSource;
}

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

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const ISO_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const MAX_TEXT = 2000;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function validatePerception(v: unknown, errors: FieldError[]): Perception | undefined {
  if (!isRecord(v)) {
    errors.push({ field: 'image.perception', message: 'must be an object {noise, blur, resolution, smallScale}' });
    return undefined;
  }
  const p = { ...DEFAULT_PERCEPTION } as Perception;
  const before = errors.length;
  for (const k of Object.keys(PERCEPTION_RANGES) as (keyof Perception)[]) {
    const n = v[k];
    if (n === undefined) continue;
    const { ok, what } = PERCEPTION_RANGES[k];
    if (typeof n !== 'number' || !ok(n)) errors.push({ field: `image.perception.${k}`, message: `must be ${what}; got ${JSON.stringify(n)}` });
    else p[k] = n;
  }
  return errors.length > before ? undefined : p;
}

function validateLabeller(v: unknown, errors: FieldError[]): Labeller | undefined {
  if (!isRecord(v) || (v.kind !== 'person' && v.kind !== 'simulated')) {
    errors.push({ field: 'labelledBy.kind', message: 'must be "person" or "simulated"' });
    return undefined;
  }
  if (v.kind === 'person') {
    if (v.name !== undefined && typeof v.name !== 'string') {
      errors.push({ field: 'labelledBy.name', message: 'must be a string when given' });
      return undefined;
    }
    return typeof v.name === 'string' ? { kind: 'person', name: v.name } : { kind: 'person' };
  }
  const before = errors.length;
  if (typeof v.name !== 'string' || v.name === '') errors.push({ field: 'labelledBy.name', message: 'must name the simulated annotator' });
  if (typeof v.seed !== 'number' || !Number.isInteger(v.seed)) errors.push({ field: 'labelledBy.seed', message: 'must be an integer' });
  const s = validateAnnotatorSettings(v.settings);
  if ('errors' in s) errors.push(...s.errors.map((e) => ({ field: `labelledBy.settings${e.field ? `.${e.field}` : ''}`, message: e.message })));
  if (errors.length > before || 'errors' in s) return undefined;
  return { kind: 'simulated', name: v.name as string, settings: s.settings, seed: v.seed as number };
}

function text(v: Record<string, unknown>, field: string, errors: FieldError[], allowEmpty = true): string | undefined {
  const t = v[field];
  if (typeof t !== 'string') errors.push({ field, message: 'must be a string' });
  else if (!allowEmpty && t.trim() === '') errors.push({ field, message: 'must not be empty' });
  else if (t.length > MAX_TEXT) errors.push({ field, message: `is ${t.length} characters long; at most ${MAX_TEXT}` });
  else return t;
  return undefined;
}

/**
 * Checks a parsed JSON value against the record format. Returns the record (unknown keys
 * dropped; id filled in when absent) or every problem found, each naming its field.
 */
export function validateRecord(value: unknown): { record: PreferenceRecord } | { errors: FieldError[] } {
  if (!isRecord(value)) return { errors: [{ field: '(line)', message: 'must be a JSON object' }] };
  const v = value;
  const errors: FieldError[] = [];
  if (v.format !== PREFERENCE_FORMAT) errors.push({ field: 'format', message: `must be "${PREFERENCE_FORMAT}"; got ${JSON.stringify(v.format)}` });
  if (v.version !== PREFERENCE_VERSION) errors.push({ field: 'version', message: `must be ${PREFERENCE_VERSION} (this build reads version ${PREFERENCE_VERSION}); got ${JSON.stringify(v.version)}` });
  if (v.id !== undefined && (typeof v.id !== 'string' || !ID_PATTERN.test(v.id))) errors.push({ field: 'id', message: 'must be 1 to 64 letters, digits, - or _' });
  const sc = validateScene(v.scene);
  if ('errors' in sc) errors.push(...sc.errors.map((e) => ({ field: e.path, message: e.message })));
  let image: PreferenceRecord['image'] | undefined;
  if (!isRecord(v.image)) errors.push({ field: 'image', message: 'must be an object {perception, noiseSeed}' });
  else {
    const perception = validatePerception(v.image.perception, errors);
    const ns = v.image.noiseSeed;
    if (typeof ns !== 'number' || !Number.isInteger(ns) || ns < 0 || ns > 0xffffffff) errors.push({ field: 'image.noiseSeed', message: 'must be an integer from 0 to 2^32 − 1' });
    else if (perception) image = { perception, noiseSeed: ns };
  }
  const question = text(v, 'question', errors, false);
  if (v.questionType !== undefined && !(QUESTION_TYPES as readonly unknown[]).includes(v.questionType)) {
    errors.push({ field: 'questionType', message: `must be one of ${QUESTION_TYPES.join(', ')} when given` });
  }
  const responseA = text(v, 'responseA', errors);
  const responseB = text(v, 'responseB', errors);
  if (responseA !== undefined && responseA === responseB) errors.push({ field: 'responseB', message: 'must differ from responseA (a pair needs two distinct responses)' });
  if (!(LABELS as readonly unknown[]).includes(v.label)) errors.push({ field: 'label', message: `must be one of ${LABELS.map((l) => `"${l}"`).join(', ')}; got ${JSON.stringify(v.label)}` });
  const labelledBy = validateLabeller(v.labelledBy, errors);
  if (typeof v.labelledAt !== 'string' || !ISO_PATTERN.test(v.labelledAt) || Number.isNaN(Date.parse(v.labelledAt))) {
    errors.push({ field: 'labelledAt', message: 'must be an ISO 8601 date and time, e.g. "2025-01-31T12:00:00.000Z"' });
  }
  if (typeof v.policyVersion !== 'string' || v.policyVersion === '') errors.push({ field: 'policyVersion', message: 'must be a non-empty string' });
  if (!(PAIR_SOURCES as readonly unknown[]).includes(v.source)) errors.push({ field: 'source', message: `must be one of ${PAIR_SOURCES.join(', ')}` });
  if (errors.length > 0 || 'errors' in sc || !image || !labelledBy) return { errors };
  return {
    record: makeRecord({
      ...(typeof v.id === 'string' ? { id: v.id } : {}),
      scene: canonicalScene(sc.scene),
      image,
      question: question as string,
      ...(v.questionType !== undefined ? { questionType: v.questionType as QuestionType } : {}),
      responseA: responseA as string,
      responseB: responseB as string,
      label: v.label as Label,
      labelledBy,
      labelledAt: v.labelledAt as string,
      policyVersion: v.policyVersion as string,
      source: v.source as PairSource,
    }),
  };
}
