// The labels kept in IndexedDB in chunks (layout 2): records in chunks of at most CHUNK_SIZE under
// `rlhf-playground/labels/2/chunk/<n>`, and an index under `rlhf-playground/labels` with the
// layout, the count and the chunk list. A new label rewrites the last chunk and the index, however
// many are stored; a delete rewrites the chunks it touches. Layout 1 (one list under
// `rlhf-playground/preferences`) is read and moved to layout 2 once, and deleted only after.

import { delMany, get, getMany, keys, setMany } from 'idb-keyval';
import { validateRecord, type PreferenceRecord } from '../../engine/prefs/record';

/** The key of layout 1: the records in one list, `{ version: 1, records }` or a bare list from before versions. */
export const PREFS_KEY = 'rlhf-playground/preferences';
export const PREFS_STORE_VERSION = 1;

/** The key of the index of layout 2; each chunk's key starts with it. */
export const LABELS_KEY = 'rlhf-playground/labels';
export const LABELS_LAYOUT = 2;
/** Records per chunk: a save clones at most this many (about 80 kB), an import of 10,000 writes 100 chunks. */
export const CHUNK_SIZE = 100;

/** The key of chunk `id` of layout 2. */
export const chunkKey = (id: number): string => `${LABELS_KEY}/${LABELS_LAYOUT}/chunk/${id}`;

/** The index: the chunks in order (their ids and how many records each held when written). */
export interface LabelsIndex {
  version: typeof LABELS_LAYOUT;
  count: number;
  chunks: { id: number; count: number }[];
  /** The id the next new chunk takes. */
  nextId: number;
}

interface StoredChunk {
  version: typeof LABELS_LAYOUT;
  records: unknown[];
}

/** The few IndexedDB calls the labels make: idb-keyval's, or a test's that fails on purpose. */
export interface KeyVal {
  get(key: string): Promise<unknown>;
  getMany(keys: string[]): Promise<unknown[]>;
  /** Writes all entries in one transaction: all are written or none. */
  setMany(entries: [string, unknown][]): Promise<void>;
  delMany(keys: string[]): Promise<void>;
  keys(): Promise<IDBValidKey[]>;
}

export const idbKeyVal: KeyVal = { get: (k) => get(k), getMany: (k) => getMany(k), setMany: (e) => setMany(e), delMany: (k) => delMany(k), keys: () => keys() };

/** What was read: the records that validate, how many did not, and why nothing could be read (the store is then left as it is). */
export interface ReadLabels {
  records: PreferenceRecord[];
  skipped: number;
  problem: string | null;
}

const unknownLayout = (version: unknown) => `the stored labels are in a layout this page does not know (version ${String(version)}); they are left as they are`;

function validated(list: readonly unknown[]): { records: PreferenceRecord[]; skipped: number } {
  const records: PreferenceRecord[] = [];
  let skipped = 0;
  for (const item of list) {
    const v = validateRecord(item);
    if ('record' in v) records.push(v.record);
    else skipped++;
  }
  return { records, skipped };
}

/** Reads layout 1 (a bare list from before versions, or version 1): the records that validate, and how many did not. */
export function readStoredPrefs(stored: unknown): ReadLabels {
  if (stored === undefined || stored === null) return { records: [], skipped: 0, problem: null };
  const s = stored as { version?: unknown; records?: unknown };
  const list = Array.isArray(stored) ? stored : s.version === PREFS_STORE_VERSION && Array.isArray(s.records) ? s.records : null;
  if (list === null) return { records: [], skipped: 0, problem: unknownLayout(s.version) };
  return { ...validated(list), problem: null };
}

function isIndex(v: unknown): v is LabelsIndex {
  const x = v as Partial<LabelsIndex> | null;
  return x?.version === LABELS_LAYOUT && Array.isArray(x.chunks) && x.chunks.every((c) => Number.isInteger(c?.id)) && Number.isInteger(x.nextId);
}

/** Reads layout 2 from its index: the chunks in order with their valid records, and what was skipped (a missing or damaged chunk counts all it held). */
async function readChunks(kv: KeyVal, index: unknown): Promise<ReadLabels & { chunks: { id: number; records: PreferenceRecord[] }[] }> {
  if (!isIndex(index)) return { records: [], skipped: 0, problem: unknownLayout((index as { version?: unknown } | null)?.version), chunks: [] };
  const values = await kv.getMany(index.chunks.map((c) => chunkKey(c.id)));
  const chunks: { id: number; records: PreferenceRecord[] }[] = [];
  let skipped = 0;
  index.chunks.forEach((c, i) => {
    const v = values[i] as Partial<StoredChunk> | undefined;
    if (v?.version !== LABELS_LAYOUT || !Array.isArray(v.records)) {
      skipped += Number.isInteger(c.count) ? c.count : 0;
      return;
    }
    const read = validated(v.records);
    skipped += read.skipped;
    if (read.records.length) chunks.push({ id: c.id, records: read.records });
  });
  return { records: chunks.flatMap((c) => c.records), skipped, problem: null, chunks };
}

/** Reads the labels as they are stored, in either layout, and writes nothing. */
export async function readStoredLabels(kv: KeyVal = idbKeyVal): Promise<ReadLabels> {
  const index = await kv.get(LABELS_KEY);
  if (index !== undefined) {
    const { chunks: _chunks, ...read } = await readChunks(kv, index);
    return read;
  }
  return readStoredPrefs(await kv.get(PREFS_KEY));
}

/** Every key of the labels, in any layout: the index, every chunk under it, and layout 1's key. */
export async function labelKeys(kv: KeyVal = idbKeyVal): Promise<string[]> {
  const all = (await kv.keys()).map(String);
  return all.filter((k) => k === LABELS_KEY || k === PREFS_KEY || k.startsWith(`${LABELS_KEY}/`));
}

/** Deletes every key of the labels, in any layout (one this page does not know included). */
export async function deleteStoredLabels(kv: KeyVal = idbKeyVal): Promise<void> {
  await kv.delMany(await labelKeys(kv));
}

/**
 * The stored labels' chunks as this page last wrote or read them, and the writes that bring
 * IndexedDB up to date with them. `load` first; then `append`, `remove` or `clear`, each
 * followed by `write`.
 */
export class LabelChunks {
  private chunks: { id: number; records: PreferenceRecord[] }[] = [];
  private nextId = 0;
  /** Chunks changed since the last write that succeeded, and keys to delete after it. */
  private readonly dirty = new Set<number>();
  private readonly gone = new Set<string>();
  private indexDirty = false;
  /** The stored labels are in a layout this page does not know: nothing is written. */
  readOnly = false;

  constructor(
    private readonly kv: KeyVal = idbKeyVal,
    readonly chunkSize = CHUNK_SIZE,
  ) {}

  /** Every record, oldest first. */
  get records(): PreferenceRecord[] {
    return this.chunks.flatMap((c) => c.records);
  }

  /** The chunks' ids, in order. */
  get chunkIds(): number[] {
    return this.chunks.map((c) => c.id);
  }

  /**
   * Reads the stored labels. Layout 1 is moved to layout 2 (every chunk and the index in one
   * transaction, then layout 1's key deleted); a layout 2 found beside a layout 1 (a move cut
   * short after its transaction) is kept and layout 1's key deleted. Returns what was read, how
   * many records were moved (null when none), and the error of a move that could not be written
   * (layout 1 is then kept, and the next write tries again).
   */
  async load(): Promise<ReadLabels & { migrated: number | null; writeError?: unknown }> {
    const index = await this.kv.get(LABELS_KEY);
    if (index !== undefined) {
      const { chunks, ...read } = await readChunks(this.kv, index);
      this.readOnly = read.problem !== null;
      if (this.readOnly) return { ...read, migrated: null };
      this.chunks = chunks;
      this.nextId = Math.max((index as LabelsIndex).nextId, ...chunks.map((c) => c.id + 1));
      if ((await this.kv.get(PREFS_KEY)) !== undefined) {
        this.gone.add(PREFS_KEY);
        await this.write().catch(() => {}); // tried again with the next write
      }
      return { ...read, migrated: null };
    }
    const old = await this.kv.get(PREFS_KEY);
    const read = readStoredPrefs(old);
    this.readOnly = read.problem !== null;
    if (old === undefined || this.readOnly) return { ...read, migrated: null };
    // Layout 1's key goes only once layout 2 holds every record: a failed write keeps it for the next try.
    this.append(read.records);
    this.indexDirty = true;
    this.gone.add(PREFS_KEY);
    try {
      await this.write();
    } catch (e) {
      return { ...read, migrated: null, writeError: e };
    }
    return { ...read, migrated: read.records.length };
  }

  /** Adds records after the last one: fills the last chunk, then starts new ones. */
  append(records: readonly PreferenceRecord[]): void {
    let i = 0;
    while (i < records.length) {
      let last = this.chunks.at(-1);
      if (!last || last.records.length >= this.chunkSize) {
        last = { id: this.nextId++, records: [] };
        this.chunks.push(last);
      }
      const take = records.slice(i, i + this.chunkSize - last.records.length);
      // A new array, never a changed one: a write already queued keeps the chunk it was given.
      last.records = [...last.records, ...take];
      this.dirty.add(last.id);
      i += take.length;
    }
    this.indexDirty ||= records.length > 0;
  }

  /** Removes the records with these ids, rewriting only the chunks that held one (an emptied chunk is deleted); returns how many went. */
  remove(ids: ReadonlySet<string>): number {
    let removed = 0;
    const kept: typeof this.chunks = [];
    for (const c of this.chunks) {
      const left = c.records.filter((r) => !ids.has(r.id));
      removed += c.records.length - left.length;
      if (left.length === c.records.length) kept.push(c);
      else if (left.length === 0) {
        this.dirty.delete(c.id);
        this.gone.add(chunkKey(c.id));
      } else {
        kept.push({ id: c.id, records: left });
        this.dirty.add(c.id);
      }
    }
    this.chunks = kept;
    this.indexDirty ||= removed > 0;
    return removed;
  }

  /** Forgets every record; the next write deletes every key of the labels, in any layout. */
  async clear(): Promise<void> {
    for (const k of await labelKeys(this.kv)) this.gone.add(k);
    this.chunks = [];
    this.dirty.clear();
    this.indexDirty = false;
  }

  /** The index as it stands now. */
  private index(): LabelsIndex {
    const chunks = this.chunks.map((c) => ({ id: c.id, count: c.records.length }));
    return { version: LABELS_LAYOUT, count: chunks.reduce((n, c) => n + c.count, 0), chunks, nextId: this.nextId };
  }

  /**
   * Writes what changed: the changed chunks and the index in one transaction, then deletes what
   * went. A failed write keeps its changes for the next one; nothing at all is written while
   * readOnly.
   */
  async write(): Promise<void> {
    if (this.readOnly) return;
    const dirty = [...this.dirty];
    if (dirty.length || this.indexDirty) {
      const byId = new Map(this.chunks.map((c) => [c.id, c]));
      const entries: [string, unknown][] = [];
      for (const id of dirty) {
        const c = byId.get(id);
        if (c) entries.push([chunkKey(id), { version: LABELS_LAYOUT, records: c.records } satisfies StoredChunk]);
      }
      entries.push([LABELS_KEY, this.index()]);
      await this.kv.setMany(entries);
      for (const id of dirty) this.dirty.delete(id);
      this.indexDirty = false;
    }
    const gone = [...this.gone].filter((k) => k !== LABELS_KEY || this.chunks.length === 0);
    if (gone.length) {
      // The index goes last of all only when no chunk is left (a clear).
      await this.kv.delMany(gone);
      for (const k of gone) this.gone.delete(k);
    }
  }
}
