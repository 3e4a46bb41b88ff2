// The marks of this browser: kept in IndexedDB as one list under a key that names its layout
// (`rlhf-playground/marks/1`, holding `{ version: 1, marks }`; a few thousand marks at most, so
// a save rewrites the list), counted (answers marked, sentences marked false, corrections),
// exported as JSONL or as the TRL set of their corrected pairs (.zip), and imported. An import
// only ever adds: bad lines are reported by number and field, marks already stored are kept
// once, and what was stored is never lost.

import { del, get, keys, set } from 'idb-keyval';
import { markKey, validateMark, type MarkRecord } from '../../engine/prefs/mark';
import { exportMarks, exportTrlMarks, importMarks } from '../../engine/prefs/mark-file';
import type { ImportProblem } from '../../engine/prefs/native';
import { saveFile } from '../files';
import { writeZip } from '../ui/zip';
import { storageFailure, type ImportReport } from './prefs.svelte';

/** The layout of the stored marks, and the key that holds them in it. */
export const MARKS_LAYOUT = 1;
export const MARKS_PREFIX = 'rlhf-playground/marks';
export const MARKS_KEY = `${MARKS_PREFIX}/${MARKS_LAYOUT}`;

/** The few IndexedDB calls the marks make: idb-keyval's, or a test's. */
export interface MarksKeyVal {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  del(key: string): Promise<void>;
  keys(): Promise<IDBValidKey[]>;
}

export const marksKeyVal: MarksKeyVal = { get: (k) => get(k), set: (k, v) => set(k, v), del: (k) => del(k), keys: () => keys() };

/** What was read: the marks that validate, how many did not, and why nothing could be read (the store is then left as it is). */
export interface ReadMarks {
  marks: MarkRecord[];
  skipped: number;
  problem: string | null;
}

/** Reads the stored marks: the current layout's key, or names a layout of another version found instead. */
export async function readStoredMarks(kv: MarksKeyVal = marksKeyVal): Promise<ReadMarks> {
  const stored = (await kv.get(MARKS_KEY)) as { version?: unknown; marks?: unknown } | undefined;
  if (stored === undefined) {
    const other = (await kv.keys()).map(String).find((k) => k.startsWith(`${MARKS_PREFIX}/`));
    return { marks: [], skipped: 0, problem: other ? `the stored marks are in a layout this page does not know (${other}); they are left as they are` : null };
  }
  if (stored?.version !== MARKS_LAYOUT || !Array.isArray(stored.marks)) {
    return { marks: [], skipped: 0, problem: `the stored marks are in a form this page does not know (version ${String(stored?.version)}); they are left as they are` };
  }
  const marks: MarkRecord[] = [];
  let skipped = 0;
  for (const item of stored.marks) {
    const v = validateMark(item);
    if ('mark' in v) marks.push(v.mark);
    else skipped++;
  }
  return { marks, skipped, problem: null };
}

/** The figures of the stored marks the page shows. */
export interface MarkCounts {
  /** Answers marked (every mark, with a false sentence or none). */
  answers: number;
  sentences: number;
  /** Sentences marked false, and of those the ones given a correction. */
  markedFalse: number;
  corrections: number;
  /** Marks with a sentence marked false: each gives a corrected pair. */
  pairs: number;
}

/** Counts the marks (see MarkCounts). */
export function markCounts(marks: readonly MarkRecord[]): MarkCounts {
  const c: MarkCounts = { answers: marks.length, sentences: 0, markedFalse: 0, corrections: 0, pairs: 0 };
  for (const m of marks) {
    c.sentences += m.sentences.length;
    let marked = false;
    for (const s of m.sentences) {
      if (s.false) {
        c.markedFalse++;
        marked = true;
      }
      if (s.correction !== undefined) c.corrections++;
    }
    if (marked) c.pairs++;
  }
  return c;
}

/** The name a marker is counted under: "you" for a person at the keyboard, the simulated marker's name otherwise. */
export function markerName(m: MarkRecord): string {
  return m.markedBy.kind === 'person' ? (m.markedBy.name ?? 'you') : m.markedBy.name;
}

export class MarksStore {
  /** Every stored mark, oldest first. Replaced, never mutated. */
  marks = $state.raw<MarkRecord[]>([]);
  /** True once the stored marks have been read. */
  loaded = $state(false);
  /** The last storage failure, or null. */
  error = $state<string | null>(null);
  lastImport = $state.raw<ImportReport | null>(null);
  /** What the last export wrote, in words. */
  note = $state<string | null>(null);

  readonly counts: MarkCounts = $derived(markCounts(this.marks));

  /** Marks by marker ("you" first, then simulated markers by name). */
  readonly byMarker: { name: string; simulated: boolean; counts: MarkCounts }[] = $derived.by(() => {
    const rows = new Map<string, { name: string; simulated: boolean; marks: MarkRecord[] }>();
    for (const m of this.marks) {
      const name = markerName(m);
      let row = rows.get(name);
      if (!row) rows.set(name, (row = { name, simulated: m.markedBy.kind !== 'person', marks: [] }));
      row.marks.push(m);
    }
    return [...rows.values()]
      .map((r) => ({ name: r.name, simulated: r.simulated, counts: markCounts(r.marks) }))
      .sort((a, b) => Number(a.simulated) - Number(b.simulated) || a.name.localeCompare(b.name));
  });

  /** Stored marks in a layout this page does not know are never overwritten. */
  private readOnly = false;
  private saving: Promise<void>;
  readonly ready: Promise<void>;

  /** `kv` is IndexedDB through idb-keyval unless a test gives another. */
  constructor(private readonly kv: MarksKeyVal = marksKeyVal) {
    this.ready = this.load();
    this.saving = this.ready;
  }

  private async load(): Promise<void> {
    try {
      const { marks, skipped, problem } = await readStoredMarks(this.kv);
      this.readOnly = problem !== null;
      // Marks made before the read finished go after the stored ones.
      this.marks = [...marks, ...this.marks];
      if (problem) this.error = `Could not read the marks stored in this browser: ${problem}.`;
      else if (skipped) this.error = `${skipped} stored ${skipped === 1 ? 'mark was' : 'marks were'} damaged and skipped; the other ${marks.length} loaded.`;
    } catch (e) {
      this.readOnly = true;
      this.error = `Could not read the marks stored in this browser: ${(e as Error).message}`;
    } finally {
      this.loaded = true;
    }
  }

  /** Writes the list as it is when the write comes, after every write asked for before. */
  private persist(): Promise<void> {
    this.saving = this.saving.then(async () => {
      if (this.readOnly) return;
      try {
        if (this.marks.length) await this.kv.set(MARKS_KEY, { version: MARKS_LAYOUT, marks: this.marks });
        else await this.kv.del(MARKS_KEY);
        this.error = null;
      } catch (e) {
        this.error = await storageFailure('the marks', e);
      }
    });
    return this.saving;
  }

  /** Resolves once every write asked for so far has finished (a failed one leaves `error` set). */
  flush(): Promise<void> {
    return this.saving;
  }

  /** Adds marks (one already stored, by content or id, is kept once); returns how many were new. */
  add(marks: readonly MarkRecord[]): number {
    const keys = new Set(this.marks.map(markKey));
    const ids = new Set(this.marks.map((m) => m.id));
    const added: MarkRecord[] = [];
    for (const m of marks) {
      const key = markKey(m);
      if (keys.has(key) || ids.has(m.id)) continue;
      keys.add(key);
      ids.add(m.id);
      added.push(m);
    }
    if (added.length === 0) return 0;
    this.marks = [...this.marks, ...added];
    void this.persist();
    return added.length;
  }

  /** Deletes every stored mark. */
  async clear(): Promise<void> {
    this.marks = [];
    this.lastImport = null;
    await this.persist();
  }

  /** Downloads the marks as JSONL, one mark per line. */
  exportJsonl(): void {
    saveFile('marks.jsonl', new Blob([exportMarks(this.marks)], { type: 'application/x-ndjson' }));
    this.note = `Exported ${this.marks.length} ${this.marks.length === 1 ? 'mark' : 'marks'} to marks.jsonl.`;
  }

  /** Downloads the marks' corrected pairs as a TRL-style set: a .zip of train.jsonl, images/*.png and a README. */
  exportTrlZip(): void {
    const { files, rows, unmarked } = exportTrlMarks(this.marks);
    const zip = writeZip(files.map((f) => ({ path: `marks-trl/${f.path}`, data: f.data })));
    saveFile('marks-trl.zip', new Blob([zip as BlobPart], { type: 'application/zip' }));
    const left = unmarked ? ` (${unmarked} ${unmarked === 1 ? 'answer' : 'answers'} with nothing marked false ${unmarked === 1 ? 'has' : 'have'} no pair and ${unmarked === 1 ? 'was' : 'were'} left out)` : '';
    this.note = `Exported ${rows} corrected ${rows === 1 ? 'pair' : 'pairs'} to marks-trl.zip${left}.`;
  }

  /** Imports a marks .jsonl file; adds what is new and reports the rest. */
  async importFile(file: File): Promise<ImportReport> {
    await this.ready;
    let problems: ImportProblem[];
    let lines = 0;
    let added: MarkRecord[] = [];
    let duplicates = 0;
    try {
      const res = importMarks(await file.text(), this.marks);
      ({ problems, lines, added, duplicates } = res);
      // Ids are unique in the store too: a new mark whose id is taken is left out, as a duplicate.
      const ids = new Set(this.marks.map((m) => m.id));
      const fresh = added.filter((m) => !ids.has(m.id));
      duplicates += added.length - fresh.length;
      added = fresh;
    } catch (e) {
      problems = [{ line: 0, field: '(file)', message: (e as Error).message }];
    }
    if (added.length > 0) {
      this.marks = [...this.marks, ...added];
      await this.persist();
    }
    const report: ImportReport = { file: file.name, lines, added: added.length, duplicates, problems };
    this.lastImport = report;
    return report;
  }
}
