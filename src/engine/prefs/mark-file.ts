// The marks file: JSONL, one mark per line, lossless, read as the preference file is (every line
// checked on its own, a bad line reported by number and field and skipped, marks already stored
// never changed, a mark already stored or repeated kept once); and the marks' corrected pairs
// written as a TRL preference set through the same writer as labelled pairs.

import { markKey, markToPreference, validateMark, type MarkRecord } from './mark';
import { numberedLines, type ImportProblem } from './native';
import { exportTrl, type ExportFile } from './trl';

export interface MarkImportResult {
  /** The stored marks followed by the new ones: a new array; `existing` is not touched. */
  marks: MarkRecord[];
  /** The marks this import added, in file order. */
  added: MarkRecord[];
  /** Good lines whose mark was already stored or came earlier in the file. */
  duplicates: number;
  problems: ImportProblem[];
  /** Non-blank lines read. */
  lines: number;
}

/** Returns the marks as JSONL text (one JSON object per line, ending in a newline). */
export function exportMarks(marks: readonly MarkRecord[]): string {
  return marks.map((m) => JSON.stringify(m)).join('\n') + (marks.length ? '\n' : '');
}

/** Imports marks JSONL text into the stored marks (see MarkImportResult); changes nothing in place. */
export function importMarks(text: string, existing: readonly MarkRecord[] = []): MarkImportResult {
  const lines = numberedLines(text);
  const keys = new Set(existing.map(markKey));
  const ids = new Map(existing.map((m) => [m.id, 'a stored mark']));
  const added: MarkRecord[] = [];
  const problems: ImportProblem[] = [];
  let duplicates = 0;
  for (const { line, text: t } of lines) {
    let value: unknown;
    try {
      value = JSON.parse(t);
    } catch (e) {
      problems.push({ line, field: '(line)', message: `not valid JSON (${(e as Error).message})` });
      continue;
    }
    const checked = validateMark(value);
    if ('errors' in checked) {
      problems.push(...checked.errors.map((e) => ({ line, ...e })));
      continue;
    }
    const m = checked.mark;
    const key = markKey(m);
    if (keys.has(key)) {
      duplicates++;
      continue;
    }
    const owner = ids.get(m.id);
    if (owner) {
      problems.push({ line, field: 'id', message: `"${m.id}" is already the id of ${owner}; the line was skipped` });
      continue;
    }
    keys.add(key);
    ids.set(m.id, `the mark on line ${line}`);
    added.push(m);
  }
  return { marks: [...existing, ...added], added, duplicates, problems, lines: lines.length };
}

/**
 * Returns the TRL set of the marks' corrected pairs (chosen: the corrected answer; rejected: the
 * answer as written), written by exportTrl, and how many marks had nothing marked false and so no
 * pair. Changes nothing.
 */
export function exportTrlMarks(marks: readonly MarkRecord[]): { files: ExportFile[]; rows: number; unmarked: number } {
  const pairs = marks.flatMap((m) => markToPreference(m) ?? []);
  const ex = exportTrl(pairs);
  return { files: ex.files, rows: ex.rows, unmarked: marks.length - pairs.length };
}
