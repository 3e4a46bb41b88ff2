// Reading JSONL input: each line parsed on its own, so one bad line is reported by number
// and the good ones still count.

import { readFileSync } from 'node:fs';

export interface JsonlLine {
  line: number;
  value?: unknown;
  error?: string;
}

/** Reads a JSONL file; blank lines are skipped; a line that is not JSON carries an error. */
export function readJsonl(path: string): JsonlLine[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  const out: JsonlLine[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    try {
      out.push({ line: i + 1, value: JSON.parse(raw) });
    } catch (e) {
      out.push({ line: i + 1, error: `not valid JSON (${(e as Error).message})` });
    }
  });
  return out;
}

/** Returns the value as a record, or undefined when it is not a JSON object. */
export function asRecord(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
