// `npm run perf:store [-- --pairs N --labels N --json]`: the page's label store
// (src/app/label/prefs.svelte.ts) on fake-indexeddb in Node: the time to save one label (add it,
// and wait until IndexedDB holds it) in an empty store and in one holding --pairs labels (default
// 10,000), each the mean of --labels saves (default 50), and the time to import --pairs pairs from
// native JSONL into an empty store (parse, check, dedupe, and write every chunk). The labels are
// kept in chunks (src/app/label/label-chunks.ts): a save writes its chunk and the index, so the two
// save figures should match whatever --pairs is. --json prints the figures as
// one object: pairs, saves, saveMsEmpty, saveMsFull, importMs, importMB.
// The store is the page's own code, compiled by Vite with the Svelte plugin as the Node test
// suites compile it.
import { File } from 'node:buffer';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { indexedDB, IDBKeyRange } from 'fake-indexeddb';
import { createServer } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { pairs: { type: 'string', default: '10000' }, labels: { type: 'string', default: '50' }, json: { type: 'boolean', default: false } } });
/** A count flag: a whole number from 1 to max, or a usage error (exit code 2). */
function count(name, max) {
  const n = Number(values[name]);
  if (Number.isInteger(n) && n >= 1 && n <= max) return n;
  console.error(`perf:store: --${name} must be a whole number from 1 to ${max.toLocaleString('en')} (got "${values[name]}")`);
  process.exit(2);
}
const pairs = count('pairs', 1_000_000);
const saves = count('labels', 100_000);

// IndexedDB for this process alone (the page's store reaches it through idb-keyval's global).
Object.assign(globalThis, { indexedDB, IDBKeyRange });
const server = await createServer({ root, configFile: false, logLevel: 'error', appType: 'custom', server: { middlewareMode: true, hmr: false, ws: false }, plugins: [svelte({ configFile: false })] });

/** Mean milliseconds of saving each label on its own (added, then written). */
async function meanSaveMs(store, labels) {
  let total = 0;
  for (const r of labels) {
    const t0 = performance.now();
    if (store.add([r]) !== 1) throw new Error(`perf:store: label ${r.id} was not added`);
    await store.flush();
    total += performance.now() - t0;
    if (store.error) throw new Error(`perf:store: ${store.error}`);
  }
  return total / labels.length;
}

let f;
try {
  const { PrefsStore } = await server.ssrLoadModule('/src/app/label/prefs.svelte.ts');
  const { exportNative } = await server.ssrLoadModule('/src/engine/prefs/native.ts');
  const { syntheticRecords } = await server.ssrLoadModule('/src/engine/prefs/synthetic.ts');
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
  if (report.added !== pairs || report.problems.length) throw new Error(`perf:store: the import added ${report.added} of ${pairs} pairs (${report.problems.length} problems)`);
  const saveMsFull = await meanSaveMs(store, records.slice(pairs + saves));
  await store.clear();
  f = { pairs, saves, saveMsEmpty, saveMsFull, importMs, importMB: Buffer.byteLength(text) / 2 ** 20 };
} finally {
  await server.close();
}

if (values.json) console.log(JSON.stringify(f));
else {
  const n = (x) => x.toLocaleString('en');
  console.log(`labels in the page's store (src/app/label/prefs.svelte.ts, in chunks) on fake-indexeddb in Node`);
  console.log(`  save one label, store of 0 to ${n(f.saves - 1)} labels: mean ${f.saveMsEmpty.toFixed(2)} ms over ${n(f.saves)} saves`);
  console.log(`  import ${n(f.pairs)} pairs (${f.importMB.toFixed(1)} MB of JSONL) into an empty store: ${(f.importMs / 1000).toFixed(2)} s (${n(Math.round(f.pairs / (f.importMs / 1000)))} pairs/s)`);
  console.log(`  save one label, store of ${n(f.pairs)} to ${n(f.pairs + f.saves - 1)} labels: mean ${f.saveMsFull.toFixed(2)} ms over ${n(f.saves)} saves`);
}
