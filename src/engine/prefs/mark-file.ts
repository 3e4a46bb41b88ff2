// The marks file: JSONL, one mark per line, lossless, read as the preference file is (every line
// checked on its own, a bad line reported by number and field and skipped, marks already stored
// never changed, a mark already stored or repeated kept once); and the marks' corrected pairs
// written as a TRL preference set through the same writer as labelled pairs.

import { markKey, markToPreference, validateMark, type MarkRecord } from './mark';
import { mergeByKey, readJsonlLines, type ImportProblem } from './native';
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
  const read = readJsonlLines(text, (value) => {
    const checked = validateMark(value);
    return 'errors' in checked ? checked : { item: checked.mark };
  });
  const merged = mergeByKey(existing, read.good, markKey, 'mark');
  const problems = [...read.problems, ...merged.problems].sort((a, b) => a.line - b.line);
  return { marks: merged.all, added: merged.added, duplicates: merged.duplicates, problems, lines: read.lines };
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
