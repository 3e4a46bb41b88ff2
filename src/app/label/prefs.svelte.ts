// The preference records of this browser: kept in IndexedDB (idb-keyval) so they survive a
// reload, counted by label and by labeller, exported as native JSONL or as a TRL-style set
// (.zip), and imported from either. An import only ever adds: bad lines are reported by number
// and field, pairs already stored are kept once, and what was stored is never lost.

import { get, set } from 'idb-keyval';
import { exportNative, importNative, type ImportProblem, type ImportResult } from '../../engine/prefs/native';
import type { Label } from '../../engine/prefs/labels';
import { pairKey, validateRecord, type PreferenceRecord } from '../../engine/prefs/record';
import { exportTrl, importTrl, TRL_JSONL } from '../../engine/prefs/trl';
import { saveFile } from '../files';
import { readZip, writeZip } from '../ui/zip';

/** The IndexedDB key of the records. */
export const PREFS_KEY = 'rlhf-playground/preferences';

/** The stored form: the records with the version of this layout (1). The first layout, a bare list of records, is read too. */
export const PREFS_STORE_VERSION = 1;
interface StoredPrefs {
  version: typeof PREFS_STORE_VERSION;
  records: unknown[];
}

/**
 * Reads what is stored, whatever its layout (a bare list from before versions, or version 1):
 * the records that validate, and how many did not (a corrupted record is skipped, never fatal).
 */
export function readStoredPrefs(stored: unknown): { records: PreferenceRecord[]; skipped: number; problem: string | null } {
  if (stored === undefined || stored === null) return { records: [], skipped: 0, problem: null };
  const list = Array.isArray(stored) ? stored : (stored as Partial<StoredPrefs>).version === PREFS_STORE_VERSION && Array.isArray((stored as StoredPrefs).records) ? (stored as StoredPrefs).records : null;
  if (list === null) return { records: [], skipped: 0, problem: `the stored labels are in a layout this page does not know (version ${String((stored as { version?: unknown }).version)}); they are left as they are` };
  const records: PreferenceRecord[] = [];
  let skipped = 0;
  for (const item of list) {
    const v = validateRecord(item);
    if ('record' in v) records.push(v.record);
    else skipped++;
  }
  return { records, skipped, problem: null };
}

/** A failed write, in words: a full disk says how much is used and what can be freed. */
export async function storageFailure(what: string, e: unknown): Promise<string> {
  const err = e as Error;
  if (err?.name === 'QuotaExceededError') {
    const est = await navigator.storage?.estimate?.().catch(() => undefined);
    const used = est?.usage !== undefined && est.quota !== undefined ? ` (${(est.usage / 2 ** 20).toFixed(1)} MB of ${(est.quota / 2 ** 20).toFixed(0)} MB used)` : '';
    return `This browser's storage is full${used}: ${what} could not be kept. Free some room by deleting benchmark runs in Evaluate or exporting and deleting labels here; what you have is kept until you leave the page.`;
  }
  return `Could not keep ${what} in this browser (it is kept until you leave the page): ${err?.message ?? String(e)}`;
}

/** The name a labeller is counted under: "you" for a person at the keyboard, else the annotator's name. */
export function labellerName(r: PreferenceRecord): string {
  return r.labelledBy.kind === 'person' ? (r.labelledBy.name ?? 'you') : r.labelledBy.name;
}

export type LabelCounts = Record<Label, number> & { total: number };

const zero = (): LabelCounts => ({ A: 0, B: 0, tie: 0, 'both-bad': 0, total: 0 });

/** What the last import did. */
export interface ImportReport {
  file: string;
  lines: number;
  added: number;
  duplicates: number;
  problems: ImportProblem[];
}

export class PrefsStore {
  /** Every stored record, oldest first. Replaced, never mutated. */
  records = $state.raw<PreferenceRecord[]>([]);
  /** True once the stored records have been read. */
  loaded = $state(false);
  /** The last storage failure, or null. */
  error = $state<string | null>(null);
  lastImport = $state.raw<ImportReport | null>(null);
  /** What the last export wrote, in words. */
  note = $state<string | null>(null);

  /** Counts of each label, overall. */
  readonly counts: LabelCounts = $derived.by(() => {
    const c = zero();
    for (const r of this.records) {
      c[r.label]++;
      c.total++;
    }
    return c;
  });

  /** Counts of each label by labeller ("you" first, then annotators by name). */
  readonly byLabeller: { name: string; simulated: boolean; counts: LabelCounts }[] = $derived.by(() => {
    const rows = new Map<string, { name: string; simulated: boolean; counts: LabelCounts }>();
    for (const r of this.records) {
      const name = labellerName(r);
      let row = rows.get(name);
      if (!row) rows.set(name, (row = { name, simulated: r.labelledBy.kind === 'simulated', counts: zero() }));
      row.counts[r.label]++;
      row.counts.total++;
    }
    return [...rows.values()].sort((a, b) => Number(a.simulated) - Number(b.simulated) || a.name.localeCompare(b.name));
  });

  private saving: Promise<void> = Promise.resolve();
  /** The stored labels were in an unknown layout: they are not overwritten. */
  private readOnly = false;
  readonly ready: Promise<void>;

  constructor() {
    this.ready = this.load();
  }

  private async load(): Promise<void> {
    try {
      const { records, skipped, problem } = readStoredPrefs(await get<unknown>(PREFS_KEY));
      this.readOnly = problem !== null;
      // Labels made before the read finished go after the stored ones.
      this.records = [...records, ...this.records];
      if (problem) this.error = `Could not read the labels stored in this browser: ${problem}.`;
      else if (skipped) this.error = `${skipped} stored ${skipped === 1 ? 'label was' : 'labels were'} damaged and skipped; the other ${records.length} loaded.`;
    } catch (e) {
      this.error = `Could not read the labels stored in this browser: ${(e as Error).message}`;
    } finally {
      this.loaded = true;
    }
  }

  /** Writes the records to IndexedDB, one write after another. */
  private persist(): Promise<void> {
    const snapshot = this.records;
    // Stored labels in a layout this page does not know are never overwritten.
    if (this.readOnly) return this.saving;
    this.saving = this.saving.then(async () => {
      try {
        // The records are plain objects ($state.raw), so they go to IndexedDB as they are, uncopied.
        const stored: StoredPrefs = { version: PREFS_STORE_VERSION, records: snapshot };
        await set(PREFS_KEY, stored);
        this.error = null;
      } catch (e) {
        this.error = await storageFailure('the labels', e);
      }
    });
    return this.saving;
  }

  /** Resolves once every write asked for so far has finished (a failed one leaves `error` set). */
  flush(): Promise<void> {
    return this.saving;
  }

  /** The dedupe keys and ids of `records`, kept with them so adding one label does not re-key every stored one. */
  private index: { of: readonly PreferenceRecord[]; keys: Set<string>; ids: Set<string> } | null = null;

  private indexed(): { keys: Set<string>; ids: Set<string> } {
    if (this.index?.of !== this.records) this.index = { of: this.records, keys: new Set(this.records.map(pairKey)), ids: new Set(this.records.map((r) => r.id)) };
    return this.index;
  }

  /** Adds records (pairs already stored are kept once, as mergeRecords keeps them); returns how many were new. */
  add(records: readonly PreferenceRecord[]): number {
    const { keys, ids } = this.indexed();
    const added: PreferenceRecord[] = [];
    for (const r of records) {
      const key = pairKey(r);
      if (keys.has(key) || ids.has(r.id)) continue;
      keys.add(key);
      ids.add(r.id);
      added.push(r);
    }
    if (added.length === 0) return 0;
    this.records = [...this.records, ...added];
    this.index = { of: this.records, keys, ids };
    void this.persist();
    return added.length;
  }

  /** Deletes every stored record. */
  async clear(): Promise<void> {
    this.records = [];
    this.lastImport = null;
    await this.persist();
  }

  /** Downloads the records as native JSONL, one record per line. */
  exportJsonl(): void {
    const text = exportNative(this.records);
    saveFile('preferences.jsonl', new Blob([text], { type: 'application/x-ndjson' }));
    this.note = `Exported ${this.records.length} pairs to preferences.jsonl.`;
  }

  /** Downloads the decided pairs as a TRL-style set: a .zip of train.jsonl, images/*.png and a README. */
  exportTrlZip(): void {
    const { files, rows, skipped } = exportTrl(this.records);
    const zip = writeZip(files.map((f) => ({ path: `preferences-trl/${f.path}`, data: f.data })));
    saveFile('preferences-trl.zip', new Blob([zip as BlobPart], { type: 'application/zip' }));
    const left = skipped.tie + skipped['both-bad'];
    const n = (k: number, one: string, many: string) => `${k} ${k === 1 ? one : many}`;
    const leftOut = ` (${n(skipped.tie, 'tie', 'ties')} and ${n(skipped['both-bad'], 'both-bad pair', 'both-bad pairs')} have no chosen answer and were left out)`;
    this.note = `Exported ${n(rows, 'decided pair', 'decided pairs')} to preferences-trl.zip${left ? leftOut : ''}.`;
  }

  /** Imports a native .jsonl file or a TRL-style .zip set; adds what is new and reports the rest. */
  async importFile(file: File): Promise<ImportReport> {
    await this.ready;
    let res: ImportResult;
    try {
      if (/\.zip$/i.test(file.name)) res = await this.readTrlZip(new Uint8Array(await file.arrayBuffer()));
      else res = importNative(await file.text(), this.records);
    } catch (e) {
      res = { records: this.records, added: [], duplicates: 0, lines: 0, problems: [{ line: 0, field: '(file)', message: (e as Error).message }] };
    }
    if (res.added.length > 0) {
      this.records = res.records;
      await this.persist();
    }
    const report: ImportReport = { file: file.name, lines: res.lines, added: res.added.length, duplicates: res.duplicates, problems: res.problems };
    this.lastImport = report;
    return report;
  }

  private async readTrlZip(bytes: Uint8Array): Promise<ImportResult> {
    const files = await readZip(bytes);
    const jsonl = [...files.keys()].find((p) => p === TRL_JSONL || p.endsWith(`/${TRL_JSONL}`));
    if (!jsonl) throw new Error(`no ${TRL_JSONL} in the archive`);
    const root = jsonl.slice(0, -TRL_JSONL.length);
    return importTrl(new TextDecoder().decode(files.get(jsonl)), (path) => files.get(root + path), this.records);
  }
}
