// A 10,000-pair import through the page's store (src/app/label/prefs.svelte.ts) on IndexedDB
// (fake-indexeddb): into an empty store every pair arrives, is written and loads back after a
// "reload"; into a store already holding labels, the pairs it holds (some stored with A and B
// swapped) are counted as duplicates and not doubled, and what was stored is unchanged and first.
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { clear, set } from 'idb-keyval';
import { exportNative } from '../../src/engine/prefs/native';
import { pairKey, swapResponses } from '../../src/engine/prefs/record';
import { syntheticRecords } from '../../src/engine/prefs/synthetic';
import { PREFS_KEY, PrefsStore } from '../../src/app/label/prefs.svelte';
import { readStoredLabels } from '../../src/app/label/label-chunks';

const N = 10_000;
const records = syntheticRecords(N, 13);
const file = new File([exportNative(records)], 'preferences.jsonl', { type: 'application/x-ndjson' });

/** What IndexedDB holds, as the page writes it. */
const stored = async () => (await readStoredLabels()).records;

describe(`importing ${N.toLocaleString('en')} pairs`, () => {
  beforeEach(async () => {
    await clear();
  });

  it('the records are valid and distinct pairs', () => {
    expect(records).toHaveLength(N);
    expect(new Set(records.map(pairKey)).size).toBe(N);
    expect(new Set(records.map((r) => r.id)).size).toBe(N);
    expect(new Set(records.map((r) => r.label))).toEqual(new Set(['A', 'B', 'tie', 'both-bad']));
  });

  it('into an empty store: all arrive, are written, and load back after a reload', async () => {
    const store = new PrefsStore();
    const report = await store.importFile(file);
    expect(report).toEqual({ file: 'preferences.jsonl', lines: N, added: N, duplicates: 0, problems: [] });
    expect(store.records).toEqual(records);
    expect(store.counts.total).toBe(N);
    expect(await stored()).toEqual(records);
    const reloaded = new PrefsStore();
    await reloaded.ready;
    expect(reloaded.error).toBeNull();
    expect(reloaded.records).toEqual(records);
  });

  it('into a store holding labels: stored pairs are not doubled and what was stored is unchanged', async () => {
    // 300 of the file's pairs (every other one with A and B swapped, the same pair) and 200 of another set.
    const overlap = records.filter((_, i) => i % 33 === 0).slice(0, 300).map((r, i) => (i % 2 ? swapResponses(r) : r));
    const others = syntheticRecords(200, 14);
    const before = [...others.slice(0, 100), ...overlap, ...others.slice(100)];
    await set(PREFS_KEY, { version: 1, records: before });
    const snapshot = JSON.stringify(await stored());

    const store = new PrefsStore();
    const report = await store.importFile(file);
    expect(report).toMatchObject({ lines: N, added: N - overlap.length, duplicates: overlap.length, problems: [] });

    const after = (await stored()) as typeof records;
    expect(after).toHaveLength(before.length + N - overlap.length);
    expect(JSON.stringify(after.slice(0, before.length))).toBe(snapshot);
    const held = new Set(overlap.map(pairKey));
    expect(after.slice(before.length)).toEqual(records.filter((r) => !held.has(pairKey(r))));
    // Every pair of the file is stored, each once.
    const keys = after.map(pairKey);
    expect(new Set(keys).size).toBe(keys.length);
    const all = new Set(keys);
    expect(records.every((r) => all.has(pairKey(r)))).toBe(true);

    // The same file again adds nothing and writes nothing new.
    const again = await store.importFile(file);
    expect(again).toMatchObject({ added: 0, duplicates: N, problems: [] });
    expect(await stored()).toEqual(after);
  });
});
