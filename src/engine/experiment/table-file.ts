// An experiment's table.json read back (the page draws it): its rows, each a pipeline stage's
// policy with its mean report over seeds and each seed's. Every figure is a finite number within
// its range, every name and list has a bound, and the parts drawn as they are (the rest of a
// report, the settings) are plain JSON of bounded depth, lists and texts.
// No TensorFlow.js.

import * as v from 'valibot';
import type { StoredBenchReport } from '../bench/report';
import { bounded, list, MAX_NAME, MAX_TEXT, pathOf, text } from '../files/schema';

/** Most rows a table may hold, and most seeds a row. */
export const MAX_TABLE_ROWS = 64;
export const MAX_TABLE_SEEDS = 64;
/** How deep, how long a list and how long a text the plain JSON parts of a table may be. */
const PLAIN = { depth: 12, list: 10_000, text: MAX_TEXT } as const;

/** Where a value breaks PLAIN (a path and what), or null when it keeps to it: finite numbers, bounded lists, texts and depth. */
function plainProblem(x: unknown, path = '', depth = 0): string | null {
  if (depth > PLAIN.depth) return `${path || 'the value'} is nested more than ${PLAIN.depth} deep`;
  if (typeof x === 'number') return Number.isFinite(x) ? null : `${path} must be a finite number`;
  if (typeof x === 'string') return x.length <= PLAIN.text ? null : `${path} is ${x.length} characters long; at most ${PLAIN.text}`;
  if (x === null || typeof x === 'boolean') return null;
  if (Array.isArray(x)) {
    if (x.length > PLAIN.list) return `${path} has ${x.length} items; at most ${PLAIN.list}`;
    for (const [i, y] of x.entries()) {
      const p = plainProblem(y, `${path}[${i}]`, depth + 1);
      if (p) return p;
    }
    return null;
  }
  if (typeof x === 'object') {
    const keys = Object.keys(x);
    if (keys.length > PLAIN.list) return `${path} has ${keys.length} keys; at most ${PLAIN.list}`;
    for (const k of keys) {
      const p = plainProblem((x as Record<string, unknown>)[k], path ? `${path}.${k}` : k, depth + 1);
      if (p) return p;
    }
    return null;
  }
  return `${path} is not JSON`;
}

const share = () => bounded({ min: 0, max: 1 });
const isPlainObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** A bench report as a table holds it: ShapesHal's figures checked, the rest plain JSON. */
const REPORT_SCHEMA = v.pipe(
  v.custom<Record<string, unknown>>(isPlainObject, 'must be a bench report (an object)'),
  v.looseObject(
    {
      shapesHal: v.looseObject(
        { score: bounded({ min: 0, max: 10 }), hallucinationRate: share(), informativeness: share(), trueInformative: v.optional(share()) },
        'must hold score, hallucinationRate and informativeness (a bench report)',
      ),
    },
    'must be a bench report (an object)',
  ),
  v.rawCheck(({ dataset, addIssue }) => {
    const problem = dataset.typed ? plainProblem(dataset.value) : null;
    if (problem) addIssue({ message: problem });
  }),
  v.transform((r) => r as unknown as StoredBenchReport),
);

/** A row of an experiment's table: a pipeline stage's policy, its mean report over seeds and each seed's. */
export const TABLE_ROW_SCHEMA = v.looseObject(
  {
    name: text(MAX_NAME, { nonEmpty: true }),
    mean: REPORT_SCHEMA,
    perSeed: list(REPORT_SCHEMA, MAX_TABLE_SEEDS, 'reports'),
    meanResponseLength: v.optional(bounded({ min: 0, max: 10_000 })),
  },
  'must be an object',
);

/** What the page reads of a table.json: its rows (the rest of the file is not read). */
export const TABLE_FILE_SCHEMA = v.looseObject(
  {
    rows: v.pipe(
      v.array(v.unknown(), 'must be a list (is it the table.json the experiment command writes?)'),
      v.minLength(1, 'must hold at least one row (is it the table.json the experiment command writes?)'),
      v.maxLength(MAX_TABLE_ROWS, (i: v.MaxLengthIssue<unknown[], number>) => `has ${i.input.length} rows; at most ${MAX_TABLE_ROWS}`),
      v.array(TABLE_ROW_SCHEMA),
    ),
  },
  'must be a JSON object with a "rows" list',
);

export type TableFileRow = { name: string; mean: StoredBenchReport; perSeed: StoredBenchReport[]; meanResponseLength?: number };

/** Reads a parsed table.json: its rows, or the first thing wrong named by its place ("rows[2].mean.shapesHal.score: must be …"). Changes nothing. */
export function readExperimentTable(value: unknown): { rows: TableFileRow[] } | { problem: string } {
  if (!isPlainObject(value)) return { problem: 'it is not a JSON object with a "rows" list (is it the table.json the experiment command writes?)' };
  const res = v.safeParse(TABLE_FILE_SCHEMA, value);
  if (!res.success) {
    const i = res.issues[0];
    const path = pathOf(i);
    return { problem: path ? `${path}: ${i.message}` : i.message };
  }
  return { rows: res.output.rows as TableFileRow[] };
}
