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
 * Adds new records to stored ones: a record whose pair is already stored is counted as a
 * duplicate; one whose id is taken by a different pair is a problem. Returns a new list.
 */
export function mergeRecords(existing: readonly PreferenceRecord[], incoming: readonly { line: number; record: PreferenceRecord }[]): Omit<ImportResult, 'lines'> {
  const keys = new Set(existing.map(pairKey));
  const ids = new Map(existing.map((r) => [r.id, 'a stored pair']));
  const added: PreferenceRecord[] = [];
  const problems: ImportProblem[] = [];
  let duplicates = 0;
  for (const { line, record } of incoming) {
    const key = pairKey(record);
    if (keys.has(key)) {
      duplicates++;
      continue;
    }
    const owner = ids.get(record.id);
    if (owner) {
      problems.push({ line, field: 'id', message: `"${record.id}" is already the id of ${owner}; the line was skipped` });
      continue;
    }
    keys.add(key);
    ids.set(record.id, `the pair on line ${line}`);
    added.push(record);
  }
  return { records: [...existing, ...added], added, duplicates, problems, keys };
}

/** Imports native JSONL text into the stored records (see ImportResult); changes nothing in place. */
export function importNative(text: string, existing: readonly PreferenceRecord[] = []): ImportResult {
  const lines = numberedLines(text);
  const good: { line: number; record: PreferenceRecord }[] = [];
  const problems: ImportProblem[] = [];
  for (const { line, text: t } of lines) {
    let value: unknown;
    try {
      value = JSON.parse(t);
    } catch (e) {
      problems.push({ line, field: '(line)', message: `not valid JSON (${(e as Error).message})` });
      continue;
    }
    const v = validateRecord(value);
    if ('errors' in v) problems.push(...v.errors.map((e) => ({ line, ...e })));
    else good.push({ line, record: v.record });
  }
  const merged = mergeRecords(existing, good);
  return { ...merged, problems: [...problems, ...merged.problems].sort((a, b) => a.line - b.line), lines: lines.length };
}

/** One line per problem: "LINE: FIELD: MESSAGE". */
export function formatProblems(problems: readonly ImportProblem[], file = ''): string[] {
  return problems.map((p) => `${file ? `${file}:` : 'line '}${p.line}: ${p.field}: ${p.message}`);
}
