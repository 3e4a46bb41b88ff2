// The layout version on each value the page keeps under an idb-keyval key (src/app/storage/layouts.ts)
// on a real IndexedDB (fake-indexeddb): the benchmark runs, the reward models' figures and the count
// of sampling draws are read from before versions (layout 1) and rewritten in layout 2; layout 2 is
// read as it is; a later layout, or a value that is not one, is named and left untouched; a state's
// writes wait for the read and go in order.
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { clear, get, set } from 'idb-keyval';
import { KeptValue, loadKept, readKept, saveKept, type KeptLayout } from '../../src/app/storage/layouts';
import { RUNS_KEY, RUNS_LAYOUT, type EvalRun } from '../../src/app/evaluate/runs';
import { RM_LAYOUT, RM_STORE_KEY } from '../../src/app/reward/reward.svelte';
import { DRAWS_KEY, DRAWS_LAYOUT } from '../../src/app/label/label.svelte';

const run = (id: string) => ({ id, name: 'sft', version: 'sft@1', size: 'standard', report: { shapesHal: { score: 1, hallucinationRate: 0.2, informativeness: 0.5 } }, at: '2025-01-01T00:00:00.000Z', seconds: 3 }) as unknown as EvalRun;
const model = { result: { accuracy: 0.8 }, loss: [{ x: 1, y: 0.6 }], acc: [{ x: 1, y: 0.8 }], savedAt: '2025-01-01T00:00:00.000Z' };

/** Each kept key: a value from before versions, the same value in layout 2, and a value that is not one. */
const cases: { layout: KeptLayout<unknown>; key: string; bare: unknown; value: unknown; field: string; junk: unknown }[] = [
  { layout: RUNS_LAYOUT as KeptLayout<unknown>, key: RUNS_KEY, bare: [run('a'), run('b')], value: [run('a'), run('b')], field: 'runs', junk: 'a string' },
  { layout: RM_LAYOUT as KeptLayout<unknown>, key: RM_STORE_KEY, bare: { plain: model }, value: { plain: model }, field: 'models', junk: [1, 2] },
  { layout: DRAWS_LAYOUT as KeptLayout<unknown>, key: DRAWS_KEY, bare: 7, value: 7, field: 'draws', junk: -3 },
];

describe('kept values carry their layout', () => {
  beforeEach(async () => {
    await clear();
  });

  for (const c of cases) {
    describe(c.key, () => {
      it('reads a value from before versions as layout 1 and layout 2 as it is', () => {
        expect(c.layout.version).toBe(2);
        expect(readKept(c.layout, c.bare)).toEqual({ value: c.value, rewrite: true, problem: null });
        expect(readKept(c.layout, { version: 2, [c.field]: c.value })).toEqual({ value: c.value, rewrite: false, problem: null });
        expect(readKept(c.layout, undefined)).toEqual({ value: c.layout.empty(), rewrite: false, problem: null });
      });

      it('names a later layout and a value that is not one', () => {
        expect(readKept(c.layout, { version: 3, [c.field]: c.value }).problem).toBe(`${c.layout.what} are stored in layout 3, which this page does not know (it reads layouts 1 to 2); they are left as they are`);
        expect(readKept(c.layout, c.junk).problem).toBe(`${c.layout.what} are stored in a form this page does not know (layout 1 without a readable "${c.field}"); they are left as they are`);
      });

      it('rewrites a value from before versions in layout 2 once read, and leaves a later layout as it is', async () => {
        await set(c.key, c.bare);
        expect(await loadKept(c.layout)).toMatchObject({ value: c.value, problem: null });
        expect(await get(c.key)).toEqual({ version: 2, [c.field]: c.value });
        await saveKept(c.layout, c.value);
        expect(await get(c.key)).toEqual({ version: 2, [c.field]: c.value });
        const later = { version: 3, somewhere: 'else' };
        await set(c.key, later);
        expect((await loadKept(c.layout)).problem).toContain('layout 3');
        expect(await get(c.key)).toEqual(later);
      });
    });
  }

  it("the reward models' figures keep only the kinds they know", () => {
    expect(readKept(RM_LAYOUT, { plain: model, fact: null, other: model }).value).toEqual({ plain: model });
  });
});

describe('a kept value as a state holds it', () => {
  beforeEach(async () => {
    await clear();
  });

  it('writes after the read, in order, the value as it is when each write comes', async () => {
    await set(RUNS_KEY, [run('a'), { id: 'no report' }, run('b')]);
    const kept = new KeptValue(RUNS_LAYOUT);
    let runs: EvalRun[] = [];
    // Asked for before the read has finished: it waits, and writes what is there when it runs.
    const first = kept.save(() => runs);
    const read = await kept.read;
    expect(read).toMatchObject({ value: [run('a'), run('b')], rewrite: true, problem: null });
    runs = [...read.value, run('c')];
    expect(await first).toBe(true);
    expect(await get(RUNS_KEY)).toEqual({ version: 2, runs: [run('a'), run('b'), run('c')] });
    runs = [run('c')];
    expect(await kept.save(() => runs)).toBe(true);
    expect(await get(RUNS_KEY)).toEqual({ version: 2, runs: [run('c')] });
  });

  it('never writes over a later layout, and says so', async () => {
    const later = { version: 5, runs: 'elsewhere' };
    await set(RUNS_KEY, later);
    const kept = new KeptValue(RUNS_LAYOUT);
    expect((await kept.read).problem).toBe('the benchmark runs are stored in layout 5, which this page does not know (it reads layouts 1 to 2); they are left as they are');
    expect(await kept.save(() => [run('c')])).toBe(false);
    expect(await get(RUNS_KEY)).toEqual(later);
  });
});
