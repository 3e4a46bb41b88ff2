// A config is one table: a valibot object whose every field is a schema carrying, as metadata,
// all that is said of it: its default, its bounds or choices, its label on the page, one line of
// help, TRL's name for it and the paper's setting. From that table come the config's type
// (v.InferOutput), its defaults, its check (problems naming the field), the page's knobs and the
// command line's flags. No TensorFlow.js: the page reads the tables too.

import * as v from 'valibot';
import { describeBound, oneOf, withinBound, type Bound, type ConfigProblem } from './bounds';

/** What a field says of itself, beside its value's rules. */
export interface FieldInfo {
  /** The knob's name as the page shows it; the field's own name when absent. */
  label?: string;
  /** One line on what it does, for the tooltip and the command line's help (without TRL's name: `trl` adds it). */
  help: string;
  /** TRL's name for it, where TRL has one. */
  trl?: string;
  /** What the paper sets it to, where it says. */
  paper?: string | number;
  /** The page's input step, where it is not 1 for a whole number and any otherwise. */
  step?: string;
  /** The page's words for each option of a choice, where they are not the option itself. */
  options?: Readonly<Record<string, string>>;
}

export type FieldKind = 'number' | 'choice' | 'flag' | 'list' | 'value';

/** A field's metadata, as the helpers below put it on its schema. */
export interface FieldMeta extends FieldInfo {
  kind: FieldKind;
  /** The default; undefined for an optional field without one. */
  default: unknown;
  /** A number's bounds (for a list: each item's). */
  bound?: Bound;
  /** A choice's options. */
  choices?: readonly string[];
}

/** A field of a table, with its name and label filled in; T is its value's type. */
export interface Field<K extends string = string, T = unknown> extends FieldMeta {
  name: K;
  default: T | undefined;
  label: string;
  /** The help with TRL's name and the paper's setting: the tooltip and the command line's help. */
  tooltip: string;
  /** Whether the config may leave it out. */
  optional: boolean;
}

/** A number within a bound: "must be a whole number from 1 to 256" names a bad one. */
export function num(def: number | undefined, bound: Bound, info: FieldInfo) {
  const message = describeBound(bound);
  return v.pipe(v.number(message), v.check((x: number) => withinBound(x, bound), message), v.metadata({ kind: 'number', default: def, bound, ...info } satisfies FieldMeta));
}

/** One of a few strings. */
export function choice<const O extends readonly string[]>(options: O, def: NoInfer<O[number]>, info: FieldInfo) {
  return v.pipe(v.picklist(options, `must be ${oneOf(options)}`), v.metadata({ kind: 'choice', default: def, choices: options, ...info } satisfies FieldMeta));
}

/** Yes or no. */
export function flag(def: boolean, info: FieldInfo) {
  return v.pipe(v.boolean('must be true or false'), v.metadata({ kind: 'flag', default: def, ...info } satisfies FieldMeta));
}

/**
 * A list of numbers, at least one, each within `item`, in order: ascending without repeats, or
 * only without repeats. `noun` names one of them in the problems ("must list at least one seed").
 */
export function list(def: readonly number[], item: Bound, order: { noun: string; ascending: boolean }, info: FieldInfo) {
  const eachMessage = describeBound(item, true);
  const orderMessage = order.ascending ? 'must be ascending without repeats' : `must not repeat a ${order.noun}`;
  const inOrder = (xs: number[]) => (order.ascending ? xs.every((x, i) => i === 0 || x > (xs[i - 1] as number)) : new Set(xs).size === xs.length);
  return v.pipe(
    v.custom<number[]>((x) => Array.isArray(x) && x.length > 0, `must list at least one ${order.noun}`),
    v.check((xs: number[]) => xs.every((x) => withinBound(x, item)), eachMessage),
    v.check(inOrder, orderMessage),
    v.metadata({ kind: 'list', default: def, bound: item, ...info } satisfies FieldMeta),
  );
}

/** A value the table does not check itself (a nested record with its own check, free text): its type, default and help, nothing more. */
export function value<T>(def: T | undefined, info: FieldInfo) {
  return v.pipe(v.custom<T>(() => true), v.metadata({ kind: 'value', default: def, ...info } satisfies FieldMeta));
}

/** A field the config may leave out (no default). */
export function maybe<S extends v.GenericSchema>(schema: S) {
  return v.optional(schema);
}

/** A nested table (or any object schema) with its own default instead of its fields'. */
export function withDefault<S extends v.GenericSchema<object>>(schema: S, def: v.InferOutput<S>) {
  return v.pipe(schema, v.metadata({ default: def }));
}

/** A config's table: a valibot object of fields. */
export type Table = v.ObjectSchema<v.ObjectEntries, undefined>;

type Entries<T extends Table> = T['entries'];

/** Each field's metadata, by name, in the table's order (nested tables are left out). */
export function fieldsOf<T extends Table>(table: T): { [K in keyof Entries<T> & string]: Field<K, v.InferOutput<Entries<T>[K]>> } {
  const out: Record<string, Field> = {};
  for (const [name, entry] of Object.entries(table.entries)) {
    const optional = entry.type === 'optional';
    const meta = metaOf(optional ? unwrap(entry) : entry);
    if (!meta.kind) continue;
    out[name] = { ...meta, name, label: meta.label ?? name, tooltip: tooltipOf(meta), optional };
  }
  return out as { [K in keyof Entries<T> & string]: Field<K, v.InferOutput<Entries<T>[K]>> };
}

/** The field an optional one wraps. */
function unwrap(entry: v.GenericSchema): v.GenericSchema {
  return (entry as unknown as { wrapped: v.GenericSchema }).wrapped;
}

/** The metadata the helpers above put on a schema (an empty kind for one they did not make). */
function metaOf(schema: v.GenericSchema): FieldMeta {
  return v.getMetadata(schema) as unknown as FieldMeta;
}

/** The help with TRL's name and the paper's setting, in brackets before its full stop: "… (TRL kl_coef; the paper: 0.1).". */
export function tooltipOf(meta: FieldInfo): string {
  const names = [meta.trl !== undefined ? `TRL ${meta.trl}` : '', meta.paper !== undefined ? `the paper: ${meta.paper}` : ''].filter(Boolean).join('; ');
  if (!names) return meta.help;
  const stop = meta.help.endsWith('.') ? '.' : '';
  return `${stop ? meta.help.slice(0, -1) : meta.help} (${names})${stop}`;
}

/** The defaults of a table: each field's own, a nested table's from its fields (or its own), an optional field's absent. */
export function defaultsOf<T extends Table>(table: T): v.InferOutput<T> {
  const out: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(table.entries)) {
    const meta = metaOf(entry);
    if (meta.default !== undefined) out[name] = structuredClone(meta.default);
    else if (entry.type === 'object') out[name] = defaultsOf(entry as Table);
  }
  return out as v.InferOutput<T>;
}

/** Every field of `cfg` the table refuses, each named by its path ("mixture.vqaShare") with what it must be; [] when all are fine. */
export function problemsOf(table: Table, cfg: unknown): ConfigProblem[] {
  const res = v.safeParse(table, cfg, { abortPipeEarly: true });
  if (res.success) return [];
  return res.issues.flatMap((i) => {
    const field = v.getDotPath(i) ?? '';
    if (i.type !== 'object') return [{ field, message: i.message }];
    // A field left out is judged by its own schema (in its own words; a value or an optional one may be absent).
    const own = i.input === undefined && field ? entryAt(table, field) : undefined;
    if (!own) return [{ field, message: 'must be an object' }];
    const res = v.safeParse(own, undefined, { abortPipeEarly: true });
    return res.success ? [] : [{ field, message: res.issues[0].type === 'object' ? 'must be an object' : res.issues[0].message }];
  });
}

/** The schema at `path` in a table ("mixture.vqaShare" reads the nested table), or undefined. */
function entryAt(table: Table, path: string): v.GenericSchema | undefined {
  const [head = '', ...rest] = path.split('.');
  const entry = table.entries[head];
  if (!entry || !rest.length) return entry;
  return entry.type === 'object' ? entryAt(entry as Table, rest.join('.')) : undefined;
}

/** The label of the field at `path` ("mixture.vqaShare" reads the nested table), or undefined when the table has none there. */
export function labelAt(table: Table, path: string): string | undefined {
  const entry = entryAt(table, path);
  if (!entry || entry.type === 'object') return undefined;
  return metaOf(entry.type === 'optional' ? unwrap(entry) : entry).label ?? path.split('.').at(-1);
}

/**
 * Problems in words, each field named by its label on the page ("Min steps must be a whole number
 * from 0 to 100000"); `others` names fields the table leaves to another check.
 */
export function problemLines(problems: readonly ConfigProblem[], table: Table, others: Readonly<Record<string, string>> = {}): string[] {
  return problems.map((p) => `${labelAt(table, p.field) ?? others[p.field] ?? p.field} ${p.message}`);
}
