// The labels kept in this browser (src/app/label/prefs.svelte.ts) on a real IndexedDB (fake-indexeddb):
// both stored layouts are read (a bare list from before versions, and version 1), a damaged record
// is skipped and reported while the rest load, a layout from the future is left untouched, and an
// added label is written in the current layout (2, in chunks: label-chunks.test.ts).
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { clear, get, set } from 'idb-keyval';
import { labelByPerson } from '../../src/engine/prefs/label';
import { DEFAULT_PERCEPTION } from '../../src/engine/world/render';
import { sampleScene } from '../../src/engine/world/sampler';
import { LABELS_KEY, PREFS_KEY, PrefsStore, readStoredPrefs } from '../../src/app/label/prefs.svelte';
import { makeMark, markToPreference } from '../../src/engine/prefs/mark';
import { simulatedMarker } from '../../src/engine/prefs/marker';
import { MARKER_PRESETS } from '../../src/engine/prefs/marker-settings';
import { simulatedLabeller } from '../../src/engine/prefs/label';
import { ANNOTATOR_PRESETS } from '../../src/engine/prefs/annotator';
import { LABELS_LAYOUT, readStoredLabels } from '../../src/app/label/label-chunks';

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

  it('loads what it can from a damaged store and says so; an added label is stored in layout 2', async () => {
    const good = [rec(4), rec(5)];
    await set(PREFS_KEY, [...good, { format: 'rlhf-playground/preference', version: 1, label: 'A' }]);
    const store = new PrefsStore();
    await store.ready;
    expect(store.records).toEqual(good);
    expect(store.error).toBe('1 stored label was damaged and skipped; the other 2 loaded.');
    expect(store.add([rec(6)])).toBe(1);
    await (store as unknown as { saving: Promise<void> }).saving;
    expect(await get(PREFS_KEY)).toBeUndefined();
    expect(((await get(LABELS_KEY)) as { version: number; count: number })).toMatchObject({ version: LABELS_LAYOUT, count: 3 });
    expect((await readStoredLabels()).records).toEqual([...good, store.records[2]]);
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
    expect(await get(LABELS_KEY)).toBeUndefined();
  });

  it('never overwrites chunks of a layout from the future, and names it', async () => {
    const future = { version: 3, shards: ['whatever it holds'] };
    await set(LABELS_KEY, future);
    const store = new PrefsStore();
    await store.ready;
    expect(store.error).toBe('Could not read the labels stored in this browser: the stored labels are in a layout this page does not know (version 3); they are left as they are.');
    store.add([rec(8)]);
    await store.clear();
    await store.flush();
    expect(await get(LABELS_KEY)).toEqual(future);
  });

  it('counts a corrected pair under its marker, apart from the annotator of the same name', async () => {
    const mark = makeMark({
      scene: sampleScene(9), image: { perception: { ...DEFAULT_PERCEPTION }, noiseSeed: 9 }, question: 'is it day or night ?',
      answer: 'it is day . it is night .',
      sentences: [{ text: 'it is day .', false: false }, { text: 'it is night .', false: true }],
      markedBy: simulatedMarker('careful', MARKER_PRESETS.careful, 1), markedAt: '2025-01-01T00:00:00.000Z', policyVersion: 'test@0',
    });
    const annotated = { ...rec(10), labelledBy: simulatedLabeller('careful', ANNOTATOR_PRESETS.careful, 1) };
    const store = new PrefsStore();
    await store.ready;
    store.add([rec(11), annotated, markToPreference(mark)!]);
    expect(store.byLabeller.map((r) => [r.name, r.simulated, r.counts.total])).toEqual([['you', false, 1], ['careful', true, 1], ['careful (marker)', true, 1]]);
    await store.flush();
  });
});
