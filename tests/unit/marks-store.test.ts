// The marks kept in this browser (src/app/label/marks.svelte.ts) on a real IndexedDB
// (fake-indexeddb): a mark added is written under the layout's key and read back by a new store;
// a damaged stored mark is skipped and counted; a layout this page does not know is named and
// never overwritten; an import adds only what is new (duplicates counted, bad lines named by line
// and field); the counts; and the live check of a typed correction (grammar, then the judge).
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { clear, get, keys, set } from 'idb-keyval';
import { makeMark, type MarkRecord } from '../../src/engine/prefs/mark';
import { exportMarks } from '../../src/engine/prefs/mark-file';
import { DEFAULT_PERCEPTION } from '../../src/engine/world/render';
import type { Scene } from '../../src/engine/world/scene';
import { markCounts, MARKS_KEY, MarksStore, readStoredMarks } from '../../src/app/label/marks.svelte';
import { checkCorrection } from '../../src/app/label/marking.svelte';

const SCENE: Scene = {
  background: 'day',
  objects: [
    { shape: 'circle', color: 'red', size: 'large', row: 0, col: 0 },
    { shape: 'square', color: 'blue', size: 'small', row: 1, col: 2 },
  ],
};
const ANSWER = 'there is a large red circle at the top left . there is a green circle at the top left . it is night .';

/** A person's mark of ANSWER at minute `m`: the second sentence corrected, the third marked false with no correction. */
function mark(m: number): MarkRecord {
  return makeMark({
    scene: SCENE,
    image: { perception: { ...DEFAULT_PERCEPTION }, noiseSeed: 11 },
    question: 'describe the image .',
    answer: ANSWER,
    sentences: [
      { text: 'there is a large red circle at the top left .', false: false },
      { text: 'there is a green circle at the top left .', false: true, correction: 'there is a large red circle at the top left .' },
      { text: 'it is night .', false: true },
    ],
    markedBy: { kind: 'person' },
    markedAt: `2025-03-01T12:${String(m).padStart(2, '0')}:00.000Z`,
    policyVersion: 'sft@0badf00d',
  });
}

const file = (name: string, text: string) => new File([text], name, { type: 'application/x-ndjson' });

describe('stored marks', () => {
  beforeEach(async () => {
    await clear();
  });

  it('writes a mark under the layout key and reads it back in a new store', async () => {
    const a = new MarksStore();
    await a.ready;
    expect(a.add([mark(1), mark(2)])).toBe(2);
    expect(a.add([mark(1)])).toBe(0); // kept once
    await a.flush();
    expect(MARKS_KEY).toBe('rlhf-playground/marks/1');
    const stored = (await get(MARKS_KEY)) as { version: number; marks: MarkRecord[] };
    expect(stored.version).toBe(1);
    expect(stored.marks.map((m) => m.markedAt)).toEqual(['2025-03-01T12:01:00.000Z', '2025-03-01T12:02:00.000Z']);
    const b = new MarksStore();
    await b.ready;
    expect(b.marks).toEqual([mark(1), mark(2)]);
    expect(b.counts).toEqual({ answers: 2, sentences: 6, markedFalse: 4, corrections: 2, pairs: 2 });
    expect(b.error).toBeNull();
  });

  it('skips a damaged stored mark and says how many', async () => {
    await set(MARKS_KEY, { version: 1, marks: [mark(1), { ...mark(2), answer: 'it is day .' }, 'junk'] });
    const s = new MarksStore();
    await s.ready;
    expect(s.marks).toEqual([mark(1)]);
    expect(s.error).toBe('2 stored marks were damaged and skipped; the other 1 loaded.');
  });

  it('names a layout it does not know and never overwrites it', async () => {
    await set('rlhf-playground/marks/2', { version: 2, marks: [] });
    const r = await readStoredMarks();
    expect(r.problem).toContain('rlhf-playground/marks/2');
    const s = new MarksStore();
    await s.ready;
    s.add([mark(1)]);
    await s.flush();
    expect(await get(MARKS_KEY)).toBeUndefined();
    expect((await keys()).map(String)).toEqual(['rlhf-playground/marks/2']);
    await set(MARKS_KEY, { version: 9, marks: [mark(1)] });
    expect((await readStoredMarks()).problem).toContain('version 9');
  });

  it('imports only what is new: duplicates counted, bad lines named by line and field, nothing stored lost', async () => {
    const s = new MarksStore();
    await s.ready;
    s.add([mark(1)]);
    const bad = JSON.stringify({ ...mark(4), sentences: [{ text: 'x', false: false, correction: 'Not a sentence' }] });
    const text = exportMarks([mark(1), mark(2)]) + bad + '\n' + exportMarks([mark(2), mark(3)]);
    const report = await s.importFile(file('marks.jsonl', text));
    expect(report).toMatchObject({ file: 'marks.jsonl', lines: 5, added: 2, duplicates: 2 });
    expect(report.problems.map((p) => p.line)).toContain(3);
    expect(report.problems.some((p) => p.line === 3 && p.field.startsWith('sentences'))).toBe(true);
    expect(s.marks).toEqual([mark(1), mark(2), mark(3)]);
    await s.flush();
    expect(((await get(MARKS_KEY)) as { marks: unknown[] }).marks).toHaveLength(3);
    await s.clear();
    expect(await get(MARKS_KEY)).toBeUndefined();
    expect(s.counts.answers).toBe(0);
  });

  it('counts answers, sentences marked false, corrections and pairs', () => {
    const none = makeMark({ ...mark(5), sentences: mark(5).sentences.map((x) => ({ text: x.text, false: false })) });
    expect(markCounts([mark(1), none])).toEqual({ answers: 2, sentences: 6, markedFalse: 2, corrections: 1, pairs: 1 });
  });
});

describe('the live check of a correction', () => {
  it('gives the grammar message, then the judge: true of the image, or still false', () => {
    expect(checkCorrection(SCENE, 'describe the image .', '  ')).toEqual({ kind: 'empty' });
    const g = checkCorrection(SCENE, 'describe the image .', 'There is a circle');
    expect(g.kind).toBe('grammar');
    expect(g.kind === 'grammar' && g.message).toMatch(/^must be one sentence of the grammar/);
    expect(checkCorrection(SCENE, 'describe the image .', 'there is a large red circle at the top left .')).toEqual({ kind: 'true' });
    expect(checkCorrection(SCENE, 'describe the image .', 'there is a green circle at the top left .')).toEqual({ kind: 'false' });
    expect(checkCorrection(SCENE, 'describe the image .', 'it is day .')).toEqual({ kind: 'true' });
    expect(checkCorrection(SCENE, 'describe the image .', 'it is night .')).toEqual({ kind: 'false' });
  });
});
