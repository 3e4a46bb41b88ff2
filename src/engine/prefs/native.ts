// The native preference file: JSONL, one record per line, lossless. Import checks every line on
// its own: a bad line is reported by number and field and skipped, records already stored are
// never changed, and a pair already stored (or repeated in the file) is kept once.

import { pairKey, validateRecord, type PreferenceRecord } from './record';

/** A line that was not imported, and why. */
export interface ImportProblem {
  /** 1-based line number in the imported text. */
  line: number;
  /** The field at fault ("(line)" for the line as a whole). */
  field: string;
  message: string;
}

export interface ImportResult {
  /** The stored records followed by the new ones: a new array; `existing` is not touched. */
  records: PreferenceRecord[];
  /** The records this import added, in file order. */
  added: PreferenceRecord[];
  /** Good lines whose pair was already stored or came earlier in the file. */
  duplicates: number;
  problems: ImportProblem[];
  /** Non-blank lines read. */
  lines: number;
  /** The dedupe key (pairKey) of every record in `records`, where the merge made them: a store that keeps its own set takes this one rather than keying every record again. */
  keys?: Set<string>;
}

/** Returns the records as JSONL text (one JSON object per line, ending in a newline). */
export function exportNative(records: readonly PreferenceRecord[]): string {
  return records.map((r) => JSON.stringify(r)).join('\n') + (records.length ? '\n' : '');
}

/** Splits text into numbered, non-blank lines (CRLF tolerated). */
export function numberedLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  text.split('\n').forEach((raw, i) => {
    const t = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (t.trim() !== '') out.push({ line: i + 1, text: t });
  });
  return out;
}

/**
 * Reads JSONL text line by line: each non-blank line parsed and checked on its own. Returns the
 * good items with their lines, every bad line's problems (by field), and how many lines were read.
 */
export function readJsonlLines<T>(
  text: string,
  check: (value: unknown) => { item: T } | { errors: readonly { field: string; message: string }[] },
): { good: { line: number; item: T }[]; problems: ImportProblem[]; lines: number } {
  const lines = numberedLines(text);
  const good: { line: number; item: T }[] = [];
  const problems: ImportProblem[] = [];
  for (const { line, text: t } of lines) {
    let value: unknown;
    try {
      value = JSON.parse(t);
    } catch (e) {
      problems.push({ line, field: '(line)', message: `not valid JSON (${(e as Error).message})` });
      continue;
    }
    const checked = check(value);
    if ('errors' in checked) problems.push(...checked.errors.map((e) => ({ line, field: e.field, message: e.message })));
    else good.push({ line, item: checked.item });
  }
  return { good, problems, lines: lines.length };
}

/**
 * Adds new items to stored ones: an item whose key is already stored (or came earlier) is counted
 * as a duplicate; one whose id is taken by a different item is a problem (`noun` names the items
 * in its message). Returns new lists and the keys of them all.
 */
export function mergeByKey<T extends { id: string }>(
  existing: readonly T[],
  incoming: readonly { line: number; item: T }[],
  keyOf: (item: T) => string,
  noun: string,
): { all: T[]; added: T[]; duplicates: number; problems: ImportProblem[]; keys: Set<string> } {
  const keys = new Set(existing.map(keyOf));
  const ids = new Map(existing.map((r) => [r.id, `a stored ${noun}`]));
  const added: T[] = [];
  const problems: ImportProblem[] = [];
  let duplicates = 0;
  for (const { line, item } of incoming) {
    const key = keyOf(item);
    if (keys.has(key)) {
      duplicates++;
      continue;
    }
    const owner = ids.get(item.id);
    if (owner) {
      problems.push({ line, field: 'id', message: `"${item.id}" is already the id of ${owner}; the line was skipped` });
      continue;
    }
    keys.add(key);
    ids.set(item.id, `the ${noun} on line ${line}`);
    added.push(item);
  }
  return { all: [...existing, ...added], added, duplicates, problems, keys };
}

/**
 * Adds new records to stored ones: a record whose pair is already stored is counted as a
 * duplicate; one whose id is taken by a different pair is a problem. Returns a new list.
 */
export function mergeRecords(existing: readonly PreferenceRecord[], incoming: readonly { line: number; record: PreferenceRecord }[]): Omit<ImportResult, 'lines'> {
  const m = mergeByKey(existing, incoming.map(({ line, record }) => ({ line, item: record })), pairKey, 'pair');
  return { records: m.all, added: m.added, duplicates: m.duplicates, problems: m.problems, keys: m.keys };
}

/** Imports native JSONL text into the stored records (see ImportResult); changes nothing in place. */
export function importNative(text: string, existing: readonly PreferenceRecord[] = []): ImportResult {
  const read = readJsonlLines(text, (value) => {
    const v = validateRecord(value);
    return 'errors' in v ? v : { item: v.record };
  });
  const merged = mergeRecords(existing, read.good.map(({ line, item }) => ({ line, record: item })));
  return { ...merged, problems: [...read.problems, ...merged.problems].sort((a, b) => a.line - b.line), lines: read.lines };
}

/** One line per problem: "LINE: FIELD: MESSAGE". */
export function formatProblems(problems: readonly ImportProblem[], file = ''): string[] {
  return problems.map((p) => `${file ? `${file}:` : 'line '}${p.line}: ${p.field}: ${p.message}`);
}
