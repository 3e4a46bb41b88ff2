// The pieces every file the project reads is checked with (valibot): numbers within bounds, texts
// and lists of bounded length, seeds, choices, and problems named by their path
// ("scene.objects[0].row"). Every number has a bound and every text and list a length, so a
// crafted file can cost neither memory nor minutes. No TensorFlow.js: the page reads files too.

import * as v from 'valibot';
import { describeBound, oneOf, withinBound, type Bound } from '../train/bounds';

/** Longest free text a file may hold in one field (a question, a response). */
export const MAX_TEXT = 2000;
/** Longest name a file may hold in one field (a labeller, a policy's version, a preset). */
export const MAX_NAME = 200;
/** A seed: a whole number that fits 32 bits. */
export const SEED_BOUND: Readonly<Bound> = Object.freeze({ integer: true, min: 0, max: 2 ** 32 - 1 });

/** The value a message quotes: as JSON, cut to 60 characters. */
export function quote(x: unknown): string {
  const s = typeof x === 'number' && !Number.isFinite(x) ? String(x) : JSON.stringify(x);
  if (s === undefined) return String(x);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

/** What the bounded schemas below carry as metadata, for the JSON Schema written from them. */
export interface SchemaMeta {
  bound?: Bound;
  /** A text that must hold a character that is not blank. */
  nonEmpty?: boolean;
}

/** A number within `bound`; a bad one is named with what it must be and what it was ("must be a whole number from 0 to 2; got 7"). */
export function bounded(bound: Bound, what = describeBound(bound)) {
  const message = (i: v.BaseIssue<unknown>) => `${what}; got ${quote(i.input)}`;
  return v.pipe(v.number(message), v.check((x: number) => withinBound(x, bound), message), v.metadata({ bound } satisfies SchemaMeta));
}

/** A seed (0 to 2^32 − 1). */
export const seed = () => bounded(SEED_BOUND, 'must be a whole number from 0 to 2^32 − 1');

/** A string of at most `max` characters; with `nonEmpty`, at least one that is not blank. */
export function text(max = MAX_TEXT, opts: { nonEmpty?: boolean } = {}) {
  const nonEmpty = opts.nonEmpty ?? false;
  return v.pipe(
    v.string('must be a string'),
    v.maxLength(max, (i: v.MaxLengthIssue<string, number>) => `is ${i.input.length} characters long; at most ${max}`),
    v.check((t: string) => !nonEmpty || /\S/.test(t), 'must not be empty'),
    v.metadata({ nonEmpty } satisfies SchemaMeta),
  );
}

/** A string matching `pattern`, at most `max` characters; `what` says what it must be. */
export function patterned(pattern: RegExp, max: number, what: string) {
  return v.pipe(v.string(what), v.maxLength(max, what), v.regex(pattern, what));
}

/** One of a few strings; a bad one is named with the options and what it was. */
export function choice<const O extends readonly string[]>(options: O, what = `must be ${oneOf(options.map((o) => `"${o}"`))}`) {
  return v.picklist(options, (i) => `${what}; got ${quote(i.input)}`);
}

/**
 * A list of at most `max` items, each `item`: a longer list is refused before any item is read.
 * `noun` names the items in the message ("has 6 objects; at most 5").
 */
export function list<const S extends v.GenericSchema>(item: S, max: number, noun: string) {
  return v.pipe(
    v.array(v.unknown(), 'must be an array'),
    v.maxLength(max, (i: v.MaxLengthIssue<unknown[], number>) => `has ${i.input.length} ${noun}; at most ${max}`),
    v.array(item),
  );
}

const isPlainObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * An object of `entries` (unknown keys dropped), as valibot reads one (an array passes as an
 * object: obj() refuses it; variant() options need this one): a field left out is named with its
 * own schema's words ("must be a string"), anything else with `what`.
 */
export function objectOf<const E extends v.ObjectEntries>(entries: E, what = 'must be an object') {
  const missing = (i: v.BaseIssue<unknown>): string => {
    const key = i.path?.at(-1)?.key;
    const entry = typeof key === 'string' ? entries[key] : undefined;
    const own = entry ? v.safeParse(entry, undefined) : undefined;
    return own && !own.success ? own.issues[0].message : what;
  };
  return v.object(entries, (i) => (i.path?.at(-1)?.origin === 'key' ? missing(i) : what));
}

/** An object of `entries`, as objectOf() reads one; a value that is not one (an array, null, a number) is named with `what`. */
export function obj<const E extends v.ObjectEntries>(entries: E, what = 'must be an object') {
  return v.pipe(v.custom<Record<string, unknown>>(isPlainObject, what), objectOf(entries, what));
}

/** A problem with one field of a file: its path ("scene.objects[0].row"; "" for the whole value) and what is wrong. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** The path of an issue: keys joined by dots, list indices in brackets ("scene.objects[0].row"); "" at the root. */
export function pathOf(issue: v.BaseIssue<unknown>): string {
  let out = '';
  for (const item of issue.path ?? []) {
    const key = item.key;
    out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  }
  return out;
}

/** Each issue as a field and its message, the field under `prefix` ("scene" + "objects[0]" → "scene.objects[0]"). */
export function problemsOfIssues(issues: readonly v.BaseIssue<unknown>[], prefix = ''): FieldProblem[] {
  return issues.map((i) => {
    const path = pathOf(i);
    const field = prefix && path ? (path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`) : prefix || path;
    return { field, message: i.message };
  });
}
