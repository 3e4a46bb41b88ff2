// The layout version of each value the page keeps under an idb-keyval key: `{ version, <field>: value }`.
// A value from before versions (a bare list, object or number) is layout 1, read and rewritten in the
// current layout; a value of a layout this page does not know is named and never overwritten. (The
// labels keep their own layouts, in chunks: src/app/label/label-chunks.ts.)

import { get, set } from 'idb-keyval';

/** One kept value: where it lives, what it is, its layout now, and how to read what it holds. */
export interface KeptLayout<T> {
  key: string;
  /** What the value is, in words ("the benchmark runs"). */
  what: string;
  /** The layout written now (layout 1 is the bare value, from before versions). */
  version: number;
  /** The field of the stored object that holds the value. */
  field: string;
  /** The value in a stored form (layout 1's bare value, or the current layout's field), or null when it is not one. */
  parse: (v: unknown) => T | null;
  /** What an empty key holds. */
  empty: () => T;
}

/** A kept value, read: its value and whether it must be rewritten in the current layout; or why it cannot be read (it is then left as it is). */
export type ReadKept<T> = { value: T; rewrite: boolean; problem: null } | { value: T; rewrite: false; problem: string };

/** Reads a stored value of `layout`'s key, whatever its layout; changes nothing. */
export function readKept<T>(layout: KeptLayout<T>, stored: unknown): ReadKept<T> {
  if (stored === undefined || stored === null) return { value: layout.empty(), rewrite: false, problem: null };
  const version = (stored as { version?: unknown }).version;
  const versioned = typeof stored === 'object' && !Array.isArray(stored) && version !== undefined;
  if (versioned && version !== layout.version) {
    return { value: layout.empty(), rewrite: false, problem: `${layout.what} are stored in layout ${String(version)}, which this page does not know (it reads layouts 1 to ${layout.version}); they are left as they are` };
  }
  const value = layout.parse(versioned ? (stored as Record<string, unknown>)[layout.field] : stored);
  if (value === null) return { value: layout.empty(), rewrite: false, problem: `${layout.what} are stored in a form this page does not know (layout ${versioned ? String(version) : 1} without a readable "${layout.field}"); they are left as they are` };
  return { value, rewrite: !versioned, problem: null };
}

/** The stored form of a value in the current layout. */
export function keptForm<T>(layout: KeptLayout<T>, value: T): Record<string, unknown> {
  return { version: layout.version, [layout.field]: value };
}

/** Reads `layout`'s key; a value from before versions is rewritten in the current layout (a failed rewrite leaves it for the next load). */
export async function loadKept<T>(layout: KeptLayout<T>): Promise<ReadKept<T>> {
  const read = readKept(layout, await get<unknown>(layout.key));
  if (read.rewrite) await set(layout.key, keptForm(layout, read.value)).catch(() => {});
  return read;
}

/** Writes a value in the current layout. */
export function saveKept<T>(layout: KeptLayout<T>, value: T): Promise<void> {
  return set(layout.key, keptForm(layout, value));
}

/**
 * One kept value as a page's state holds it: read once (an older layout rewritten), then written
 * in the current layout one write after another, none before the read and none over a layout
 * this page does not know.
 */
export class KeptValue<T> {
  /** What was read (its problem set for a layout this page does not know). */
  readonly read: Promise<ReadKept<T>>;
  private writing: Promise<unknown>;

  constructor(readonly layout: KeptLayout<T>) {
    this.read = loadKept(layout);
    this.writing = this.read.catch(() => {});
  }

  /**
   * Writes the value `current` gives when the write comes, after every write asked for before.
   * Resolves true once written, false when the kept value is of a layout this page does not know
   * (it is left as it is); rejects with the write's error.
   */
  save(current: () => T): Promise<boolean> {
    const write = this.writing.then(async () => {
      const read = await this.read.catch(() => null);
      if (read?.problem) return false;
      await saveKept(this.layout, current());
      return true;
    });
    this.writing = write.catch(() => {});
    return write;
  }
}
