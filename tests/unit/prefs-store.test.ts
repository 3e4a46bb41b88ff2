// The labels kept in this browser (src/app/label/prefs.svelte.ts) on a real IndexedDB (fake-indexeddb):
// both stored layouts are read (a bare list from before versions, and version 1), a damaged record
// is skipped and reported while the rest load, a layout from the future is left untouched, and an
// added label is written in the current layout.
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { clear, get, set } from 'idb-keyval';
import { labelByPerson } from '../../src/engine/prefs/label';
import { DEFAULT_PERCEPTION } from '../../src/engine/world/render';
import { sampleScene } from '../../src/engine/world/sampler';
import { PREFS_KEY, PREFS_STORE_VERSION, PrefsStore, readStoredPrefs } from '../../src/app/label/prefs.svelte';

const rec = (seed: number) =>
  labelByPerson({ scene: sampleScene(seed), image: { perception: { ...DEFAULT_PERCEPTION }, noiseSeed: seed }, question: 'is it day or night ?', responseA: 'it is day .', responseB: 'it is night .', source: 'policy' }, 'A', 'test@0', '2025-01-01T00:00:00.000Z');

describe('stored labels', () => {
  beforeEach(async () => {
    await clear();
  });

  it('reads a bare list (the first layout) and version 1 alike', () => {
    const records = [rec(1), rec(2)];
    expect(readStoredPrefs(records)).toEqual({ records, skipped: 0, problem: null });
    expect(readStoredPrefs({ version: 1, records })).toEqual({ records, skipped: 0, problem: null });
    expect(readStoredPrefs(undefined)).toEqual({ records: [], skipped: 0, problem: null });
  });

  it('skips damaged records and names a layout it does not know', () => {
    const good = rec(3);
    const r = readStoredPrefs([good, { ...good, label: 'maybe' }, 'junk', null]);
    expect(r.records).toEqual([good]);
    expect(r.skipped).toBe(3);
    expect(readStoredPrefs({ version: 7, records: [good] }).problem).toContain('version 7');
  });

  it('loads what it can from a damaged store and says so; an added label is stored in version 1', async () => {
    const good = [rec(4), rec(5)];
    await set(PREFS_KEY, [...good, { format: 'rlhf-playground/preference', version: 1, label: 'A' }]);
    const store = new PrefsStore();
    await store.ready;
    expect(store.records).toEqual(good);
    expect(store.error).toBe('1 stored label was damaged and skipped; the other 2 loaded.');
    expect(store.add([rec(6)])).toBe(1);
    await (store as unknown as { saving: Promise<void> }).saving;
    const stored = (await get(PREFS_KEY)) as { version: number; records: unknown[] };
    expect(stored.version).toBe(PREFS_STORE_VERSION);
    expect(stored.records).toHaveLength(3);
  });

  it('never overwrites a store in a layout from the future', async () => {
    const future = { version: 9, records: ['whatever it holds'] };
    await set(PREFS_KEY, future);
    const store = new PrefsStore();
    await store.ready;
    expect(store.error).toContain('layout this page does not know');
    store.add([rec(7)]);
    await (store as unknown as { saving: Promise<void> }).saving;
    expect(await get(PREFS_KEY)).toEqual(future);
  });
});
