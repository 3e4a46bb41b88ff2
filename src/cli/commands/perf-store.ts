// `perf store`: the page's label store (src/app/label/prefs.svelte.ts) on fake-indexeddb in Node:
// the time to save one label (add it, and wait until IndexedDB holds it) in an empty store and in
// one holding --pairs labels (each save writes the whole list), and the time to import --pairs
// pairs from native JSONL into an empty store. --json prints the figures as one object.

import type { Flags } from '../args';
import { importPageModule } from '../page-module';
import { exportNative } from '../../engine/prefs/native';
import type { PreferenceRecord } from '../../engine/prefs/record';
import { syntheticRecords } from '../../engine/prefs/synthetic';

type PrefsModule = typeof import('../../app/label/prefs.svelte');
type Store = InstanceType<PrefsModule['PrefsStore']>;

export interface StoreFigures {
  pairs: number;
  saves: number;
  /** Mean milliseconds to save one label, the store growing from 0 to saves − 1 labels. */
  saveMsEmpty: number;
  /** Mean milliseconds to save one label into a store of `pairs` (to pairs + saves − 1) labels. */
  saveMsFull: number;
  /** Milliseconds to import the `pairs`-line file (read, check, merge, write) into an empty store. */
  importMs: number;
  importMB: number;
}

/** Mean milliseconds of saving each label on its own (added, then written). */
async function meanSaveMs(store: Store, labels: readonly PreferenceRecord[]): Promise<number> {
  let total = 0;
  for (const r of labels) {
    const t0 = performance.now();
    if (store.add([r]) !== 1) throw new Error(`perf store: label ${r.id} was not added`);
    await store.flush();
    total += performance.now() - t0;
    if (store.error) throw new Error(`perf store: ${store.error}`);
  }
  return total / labels.length;
}

export async function measureStore(pairs: number, saves: number): Promise<StoreFigures> {
  // IndexedDB for this process alone (the page's store reaches it through idb-keyval's global).
  const { indexedDB, IDBKeyRange } = await import('fake-indexeddb');
  Object.assign(globalThis, { indexedDB, IDBKeyRange });
  const { PrefsStore } = await importPageModule<PrefsModule>('app/label/prefs.svelte.ts');
  const records = syntheticRecords(pairs + 2 * saves, 1);
  const text = exportNative(records.slice(0, pairs));
  const store = new PrefsStore();
  await store.ready;
  await store.clear();
  const saveMsEmpty = await meanSaveMs(store, records.slice(pairs, pairs + saves));
  await store.clear();
  const t0 = performance.now();
  const report = await store.importFile(new File([text], 'preferences.jsonl'));
  const importMs = performance.now() - t0;
  if (report.added !== pairs || report.problems.length) throw new Error(`perf store: the import added ${report.added} of ${pairs} pairs (${report.problems.length} problems)`);
  const saveMsFull = await meanSaveMs(store, records.slice(pairs + saves));
  await store.clear();
  return { pairs, saves, saveMsEmpty, saveMsFull, importMs, importMB: new TextEncoder().encode(text).length / 2 ** 20 };
}

export async function perfStore(flags: Flags): Promise<number> {
  const f = await measureStore(Number(flags.pairs), Number(flags.labels));
  if (flags.json) {
    console.log(JSON.stringify(f));
    return 0;
  }
  const n = (x: number) => x.toLocaleString('en');
  console.log(`labels in the page's store (src/app/label/prefs.svelte.ts) on fake-indexeddb in Node`);
  console.log(`  save one label, store of 0 to ${n(f.saves - 1)} labels: mean ${f.saveMsEmpty.toFixed(2)} ms over ${n(f.saves)} saves`);
  console.log(`  import ${n(f.pairs)} pairs (${f.importMB.toFixed(1)} MB of JSONL) into an empty store: ${(f.importMs / 1000).toFixed(2)} s (${n(Math.round(f.pairs / (f.importMs / 1000)))} pairs/s)`);
  console.log(`  save one label, store of ${n(f.pairs)} to ${n(f.pairs + f.saves - 1)} labels: mean ${f.saveMsFull.toFixed(2)} ms over ${n(f.saves)} saves`);
  return 0;
}
