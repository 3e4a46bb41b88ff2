// The labels in chunks (src/app/label/label-chunks.ts) on a real IndexedDB (fake-indexeddb): one
// new label writes its chunk and the index whatever the number stored; a delete rewrites only the
// chunks it touches; a clear leaves no key behind; layout 1 moves to layout 2 once, and a move cut
// short at any point loses nothing and doubles nothing; a missing or damaged chunk is counted.
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { clear, get, keys, set } from 'idb-keyval';
import { syntheticRecords } from '../../src/engine/prefs/synthetic';
import { PrefsStore } from '../../src/app/label/prefs.svelte';
import { chunkKey, idbKeyVal, LabelChunks, LABELS_KEY, LABELS_LAYOUT, PREFS_KEY, readStoredLabels, type KeyVal } from '../../src/app/label/label-chunks';

const records = syntheticRecords(260, 21);

/** IndexedDB through idb-keyval, with each write's keys written down, and a write that fails when asked. */
function recording(fail: { setMany?: boolean; delMany?: boolean } = {}) {
  const writes: { set: string[]; del: string[] }[] = [];
  const kv: KeyVal = {
    ...idbKeyVal,
    async setMany(entries) {
      if (fail.setMany) throw new Error('the tab was closed');
      await idbKeyVal.setMany(entries);
      writes.push({ set: entries.map(([k]) => k), del: [] });
    },
    async delMany(ks) {
      if (fail.delMany) throw new Error('the tab was closed');
      await idbKeyVal.delMany(ks);
      writes.push({ set: [], del: ks });
    },
  };
  return { kv, writes };
}

async function loaded(kv: KeyVal = idbKeyVal, size = 100): Promise<LabelChunks> {
  const c = new LabelChunks(kv, size);
  await c.load();
  return c;
}

describe('labels in chunks', () => {
  beforeEach(async () => {
    await clear();
  });

  it('fills chunks of the given size in order and reads them back', async () => {
    const c = await loaded();
    c.append(records.slice(0, 250));
    await c.write();
    expect(c.chunkIds).toEqual([0, 1, 2]);
    expect(await get(LABELS_KEY)).toEqual({ version: LABELS_LAYOUT, count: 250, chunks: [{ id: 0, count: 100 }, { id: 1, count: 100 }, { id: 2, count: 50 }], nextId: 3 });
    expect(((await get(chunkKey(2))) as { records: unknown[] }).records).toEqual(records.slice(200, 250));
    expect((await loaded()).records).toEqual(records.slice(0, 250));
  });

  it('writes one chunk and the index for a new label, however many are stored', async () => {
    for (const stored of [0, 10, 199, 250]) {
      await clear();
      const base = await loaded();
      base.append(records.slice(0, stored));
      await base.write();
      const { kv, writes } = recording();
      const c = await loaded(kv);
      c.append([records[stored]!]);
      await c.write();
      expect(writes, `${stored} stored`).toEqual([{ set: [chunkKey(Math.floor(stored / 100)), LABELS_KEY], del: [] }]);
      expect((await loaded()).records).toEqual(records.slice(0, stored + 1));
    }
  });

  it('rewrites only the chunks a delete touches, and deletes a chunk it empties', async () => {
    const base = await loaded();
    base.append(records.slice(0, 250));
    await base.write();
    const { kv, writes } = recording();
    const c = await loaded(kv);
    const gone = new Set([records[120]!.id, records[130]!.id, ...records.slice(200, 250).map((r) => r.id)]);
    expect(c.remove(gone)).toBe(52);
    await c.write();
    expect(writes).toEqual([{ set: [chunkKey(1), LABELS_KEY], del: [] }, { set: [], del: [chunkKey(2)] }]);
    expect(await get(chunkKey(2))).toBeUndefined();
    const left = records.slice(0, 250).filter((r) => !gone.has(r.id));
    expect((await loaded()).records).toEqual(left);
    // The next label opens a new chunk after the last one kept (chunk 1 holds 98, so it is filled first).
    c.append(records.slice(250, 253));
    await c.write();
    expect(c.chunkIds).toEqual([0, 1, 3]);
    expect((await loaded()).records).toEqual([...left, ...records.slice(250, 253)]);
  });

  it('a clear leaves no key of the labels, in either layout', async () => {
    await set(PREFS_KEY, records.slice(0, 5));
    await set('rlhf-playground/eval-runs', { version: 2, runs: [] });
    const c = await loaded();
    c.append(records.slice(5, 150));
    await c.write();
    await set(chunkKey(40), { version: LABELS_LAYOUT, records: [] }); // a chunk no index lists
    await c.clear();
    await c.write();
    expect(await keys()).toEqual(['rlhf-playground/eval-runs']);
    expect((await readStoredLabels()).records).toEqual([]);
    c.append(records.slice(0, 1));
    await c.write();
    expect((await loaded()).records).toEqual(records.slice(0, 1));
  });

  it('moves layout 1 to layout 2 once, deleting layout 1 only after', async () => {
    await set(PREFS_KEY, { version: 1, records: records.slice(0, 250) });
    const { kv, writes } = recording();
    const c = new LabelChunks(kv);
    expect(await c.load()).toMatchObject({ records: records.slice(0, 250), skipped: 0, problem: null, migrated: 250 });
    expect(writes).toEqual([{ set: [chunkKey(0), chunkKey(1), chunkKey(2), LABELS_KEY], del: [] }, { set: [], del: [PREFS_KEY] }]);
    expect(await get(PREFS_KEY)).toBeUndefined();
    expect(await loaded()).toMatchObject({ records: records.slice(0, 250) });
  });

  it('a move cut short before its write keeps layout 1 whole, and the next load moves it', async () => {
    const before = records.slice(0, 150);
    await set(PREFS_KEY, before);
    const cut = new LabelChunks(recording({ setMany: true }).kv);
    const read = await cut.load();
    expect(read.records).toEqual(before);
    expect(String(read.writeError)).toContain('the tab was closed');
    expect(await get(PREFS_KEY)).toEqual(before);
    expect(await get(LABELS_KEY)).toBeUndefined();
    expect(await loaded()).toMatchObject({ records: before });
    expect(await get(PREFS_KEY)).toBeUndefined();
  });

  it('a move cut short after its write keeps layout 2, deletes layout 1 and doubles nothing', async () => {
    const before = records.slice(0, 150);
    await set(PREFS_KEY, { version: 1, records: before });
    const cut = new LabelChunks(recording({ delMany: true }).kv);
    expect((await cut.load()).records).toEqual(before);
    expect(await get(PREFS_KEY)).toEqual({ version: 1, records: before });
    expect(await get(LABELS_KEY)).toMatchObject({ count: 150 });
    const again = new LabelChunks();
    expect(await again.load()).toMatchObject({ records: before, skipped: 0, migrated: null });
    expect(await get(PREFS_KEY)).toBeUndefined();
  });

  it('a write that fails is written with the next one', async () => {
    const fail = { setMany: true };
    const { kv } = recording(fail);
    const c = await loaded(kv);
    c.append(records.slice(0, 120));
    await expect(c.write()).rejects.toThrow('the tab was closed');
    fail.setMany = false;
    c.append(records.slice(120, 121));
    await c.write();
    expect((await loaded()).records).toEqual(records.slice(0, 121));
  });

  it('counts the records of a missing chunk and damaged records as skipped, and loads the rest', async () => {
    const c = await loaded();
    c.append(records.slice(0, 250));
    await c.write();
    await set(chunkKey(1), undefined);
    const damaged = (await get(chunkKey(2))) as { version: number; records: unknown[] };
    await set(chunkKey(2), { ...damaged, records: [...damaged.records.slice(0, 49), { label: 'maybe' }] });
    expect(await readStoredLabels()).toEqual({ records: [...records.slice(0, 100), ...records.slice(200, 249)], skipped: 101, problem: null });
  });
});

describe("the page's store in chunks", () => {
  beforeEach(async () => {
    await clear();
  });

  it('keeps labels added before the read after the stored ones, and a reload finds all', async () => {
    await set(PREFS_KEY, records.slice(0, 3));
    const store = new PrefsStore();
    expect(store.add([records[3]!])).toBe(1);
    await store.ready;
    await store.flush();
    expect(store.records).toEqual(records.slice(0, 4));
    const reloaded = new PrefsStore();
    await reloaded.ready;
    expect(reloaded.records).toEqual(records.slice(0, 4));
    expect(reloaded.error).toBeNull();
  });

  it('deletes labels by id and clears, and a reload agrees', async () => {
    const store = new PrefsStore();
    store.add(records.slice(0, 10));
    expect(store.remove([records[2]!.id, records[7]!.id, 'no such id'])).toBe(2);
    await store.flush();
    const left = records.slice(0, 10).filter((_, i) => i !== 2 && i !== 7);
    expect(store.records).toEqual(left);
    const reloaded = new PrefsStore();
    await reloaded.ready;
    expect(reloaded.records).toEqual(left);
    await reloaded.clear();
    expect(await keys()).toEqual([]);
  });
});
