// The preference records of this browser: kept in IndexedDB in chunks (label-chunks.ts) so they
// survive a reload and one label's save costs the same however many are stored, counted by label and by labeller, exported as native JSONL or as a TRL-style set
// (.zip), and imported from either. An import only ever adds: bad lines are reported by number
// and field, pairs already stored are kept once, and what was stored is never lost.

import { exportNative, importNative, type ImportProblem, type ImportResult } from '../../engine/prefs/native';
import type { Label } from '../../engine/prefs/labels';
import { pairKey, type PreferenceRecord } from '../../engine/prefs/record';
import { exportTrl, importTrl, TRL_JSONL } from '../../engine/prefs/trl';
import { saveFile } from '../files';
import { readZip, writeZip } from '../ui/zip';
import { LabelChunks, type KeyVal } from './label-chunks';

export { LABELS_KEY, PREFS_KEY, PREFS_STORE_VERSION, readStoredPrefs } from './label-chunks';

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

/** The name a labeller is counted under: "you" for a person at the keyboard, the annotator's name, or a marker's with "(marker)" after it (a corrected pair). */
export function labellerName(r: PreferenceRecord): string {
  const by = r.labelledBy;
  return by.kind === 'person' ? (by.name ?? 'you') : by.kind === 'marker' ? `${by.name} (marker)` : by.name;
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
      if (!row) rows.set(name, (row = { name, simulated: r.labelledBy.kind !== 'person', counts: zero() }));
      row.counts[r.label]++;
      row.counts.total++;
    }
    return [...rows.values()].sort((a, b) => Number(a.simulated) - Number(b.simulated) || a.name.localeCompare(b.name));
  });

  /** The stored chunks; changed only inside the chain of writes, after the read. */
  private readonly chunks: LabelChunks;
  /** The writes asked for, one after another; the first waits for the read. */
  private saving: Promise<void>;
  readonly ready: Promise<void>;

  /** `kv` is IndexedDB through idb-keyval unless a test gives another. */
  constructor(kv?: KeyVal) {
    this.chunks = new LabelChunks(kv);
    this.ready = this.load();
    this.saving = this.ready;
  }

  private async load(): Promise<void> {
    try {
      const { records, skipped, problem, writeError } = await this.chunks.load();
      // Labels made before the read finished go after the stored ones (their writes wait for it).
      this.records = [...records, ...this.records];
      if (problem) this.error = `Could not read the labels stored in this browser: ${problem}.`;
      else if (skipped) this.error = `${skipped} stored ${skipped === 1 ? 'label was' : 'labels were'} damaged and skipped; the other ${records.length} loaded.`;
      else if (writeError !== undefined) this.error = await storageFailure('the labels in their new layout (the old one is kept)', writeError);
    } catch (e) {
      this.error = `Could not read the labels stored in this browser: ${(e as Error).message}`;
    } finally {
      this.loaded = true;
    }
  }

  /** Queues a change of the stored chunks and its write, after every write asked for before. */
  private persist(change: (chunks: LabelChunks) => void | Promise<void>): Promise<void> {
    this.saving = this.saving.then(async () => {
      // Stored labels in a layout this page does not know are never overwritten.
      if (this.chunks.readOnly) return;
      try {
        await change(this.chunks);
        await this.chunks.write();
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
    void this.persist((c) => c.append(added));
    return added.length;
  }

  /** Deletes the records with these ids (only the chunks that held one are rewritten); returns how many went. */
  remove(ids: readonly string[]): number {
    const drop = new Set(ids);
    const left = this.records.filter((r) => !drop.has(r.id));
    const removed = this.records.length - left.length;
    if (removed === 0) return 0;
    this.records = left;
    void this.persist((c) => void c.remove(drop));
    return removed;
  }

  /** Deletes every stored record. */
  async clear(): Promise<void> {
    this.records = [];
    this.lastImport = null;
    await this.persist((c) => c.clear());
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
      const added = res.added;
      this.records = res.records;
      // The merge keyed every record: its keys become the index, so the next label is not a re-keying of them all.
      this.index = res.keys ? { of: this.records, keys: res.keys, ids: new Set(this.records.map((r) => r.id)) } : null;
      await this.persist((c) => c.append(added));
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
