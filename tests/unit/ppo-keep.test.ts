// A PPO run as the worker keeps it in its policy's metadata (src/engine/ppo/run-record.ts) and as
// one file (src/app/ppo/run-bundle.ts): a record reads back as written, knobs added since take
// their defaults, metrics past the saved step are left out, a later layout is named; a bundle reads
// back whole, and junk, a foreign zip, a bad label line or a foreign checkpoint are refused by name.
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { clear, set } from 'idb-keyval';
import { OLDER_RUN_KEY, PpoKeeper } from '../../src/app/ppo/keep.svelte';
import { PpoMetrics } from '../../src/app/ppo/metrics.svelte';
import type { EngineState } from '../../src/app/engine/engine.svelte';
import type { PrefsStore } from '../../src/app/label/prefs.svelte';
import { labelByPerson } from '../../src/engine/prefs/label';
import { exportNative } from '../../src/engine/prefs/native';
import { PPO_DEFAULTS } from '../../src/engine/ppo/config';
import { DEFAULT_PERCEPTION } from '../../src/engine/world/render';
import { sampleScene } from '../../src/engine/world/sampler';
import { readZip, writeZip } from '../../src/app/ui/zip';
import { BundleError, RUN_BUNDLE_FORMAT, readRunBundle, writeRunBundle } from '../../src/app/ppo/run-bundle';
import { generationOf, readStoredRun, runOfPolicy, type StoredPpoRun } from '../../src/engine/ppo/run-record';

const rec = (seed: number) =>
  labelByPerson({ scene: sampleScene(seed), image: { perception: { ...DEFAULT_PERCEPTION }, noiseSeed: seed }, question: 'is it day or night ?', responseA: 'it is day .', responseB: 'it is night .', source: 'policy' }, 'A', 'test@0', '2025-01-01T00:00:00.000Z');

const run = (over: Partial<StoredPpoRun> = {}): StoredPpoRun => ({
  version: 1,
  startedAt: '2025-01-01T00:00:00.000Z',
  savedAt: '2025-01-01T00:01:00.000Z',
  step: 2,
  ended: false,
  policy: { name: 'sft', origin: 'sft@1a2b3c4d', version: 'sft@1a2b3c4d+2' },
  preset: 'fact-rlhf',
  config: { ...PPO_DEFAULTS },
  steps: 0,
  refreshEvery: 10,
  saveEvery: 2,
  metrics: [
    { step: 0, 'gold/score': 3.5, 'gold/hallucination_rate': 0.4 },
    { step: 1, 'objective/kl': 0.01 },
    { step: 2, 'objective/kl': 0.02 },
  ],
  ...over,
});

const ckpt = () => {
  const b = new Uint8Array(64);
  b.set(new TextEncoder().encode('RLHFCKPT'));
  b[40] = 7;
  return b;
};

async function refusal(bytes: Uint8Array): Promise<string> {
  try {
    await readRunBundle(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(BundleError);
    return (e as Error).message;
  }
  throw new Error('the bundle was not refused');
}

describe('the PPO run kept with a policy', () => {
  it('reads back from the policy\'s metadata as written, through JSON; a policy without one has none', () => {
    const metadata = JSON.parse(JSON.stringify({ recipe: 'sft', ppo: { steps: 2, config: PPO_DEFAULTS, run: run() } })) as Record<string, unknown>;
    expect(runOfPolicy(metadata)).toEqual({ run: run() });
    expect(runOfPolicy({ recipe: 'sft' })).toBeNull();
    expect(runOfPolicy({ ppo: { steps: 3 } })).toBeNull();
  });

  it('drops a metric written out as null (a NaN) and keeps the rest of its row', () => {
    const r = readStoredRun(JSON.parse(JSON.stringify({ ...run(), metrics: [{ step: 0, 'gold/score': 3.5 }, { step: 1, 'objective/kl': NaN, 'objective/entropy_exact': 2 }] })));
    expect('run' in r && r.run.metrics).toEqual([{ step: 0, 'gold/score': 3.5 }, { step: 1, 'objective/entropy_exact': 2 }]);
  });

  it('gives knobs the record lacks their defaults, and leaves out metrics past its step', () => {
    const { klCoef: _dropped, ...older } = PPO_DEFAULTS;
    const r = readStoredRun({ ...run(), config: { ...older, learningRate: 3e-6 }, metrics: [...run().metrics, { step: 3, 'objective/kl': 0.5 }] });
    expect('run' in r && r.run.config).toEqual({ ...PPO_DEFAULTS, learningRate: 3e-6 });
    expect('run' in r && r.run.metrics.map((m) => m.step)).toEqual([0, 1, 2]);
  });

  it('names what is wrong with a damaged record, and a later layout', () => {
    expect(readStoredRun({ ...run(), step: -1 })).toEqual({ problem: 'step: must be a whole number from 0 to 1000000; got -1' });
    expect(readStoredRun({ ...run(), metrics: [{ step: 0 }, { step: 1, 'objective/kl': 'high' }] })).toEqual({ problem: 'metrics row 2: objective/kl must be a number or null; got "high"' });
    expect(readStoredRun({ ...run(), config: { ...PPO_DEFAULTS, klCoef: -1 } })).toMatchObject({ problem: expect.stringMatching(/^config: klCoef /) });
    expect(runOfPolicy({ ppo: { run: { ...run(), version: 2 } } })).toEqual({ problem: 'it is in a layout this page does not know (version 2)' });
    expect(runOfPolicy({ ppo: { run: 'junk' } })).toEqual({ problem: 'it is not a record of a run' });
  });

  it('reads a generation off a version of its origin', () => {
    expect(generationOf('sft@1a2b3c4d', 'sft@1a2b3c4d')).toBe(0);
    expect(generationOf('sft@1a2b3c4d', 'sft@1a2b3c4d+12')).toBe(12);
    expect(generationOf('sft@1a2b3c4d', 'other@00000000+3')).toBeNull();
    expect(generationOf('sft@1a2b3c4d', 'sft@1a2b3c4d+x')).toBeNull();
  });
});

describe('the run bundle', () => {
  it('reads back the run, its checkpoint and its labels (a pair repeated kept once)', async () => {
    const labels = [rec(1), rec(2)];
    const zip = writeRunBundle(run(), [...labels, rec(1)], ckpt());
    const files = await readZip(zip);
    expect([...files.keys()].sort()).toEqual(['ppo-run/README.md', 'ppo-run/labels.jsonl', 'ppo-run/metrics.jsonl', 'ppo-run/policy.ckpt', 'ppo-run/run.json']);
    const b = await readRunBundle(zip);
    expect(b.run).toEqual(run());
    expect(b.labels).toEqual(labels);
    expect([...b.checkpoint]).toEqual([...ckpt()]);
  });

  it('refuses junk, a foreign zip, a foreign format, a bad label line and a foreign checkpoint, each by name', async () => {
    expect(await refusal(new TextEncoder().encode('just some text'))).toBe('it is not a run bundle: not a zip archive (no end-of-directory record)');
    expect(await refusal(writeZip([{ path: 'x/train.jsonl', data: '{}' }]))).toBe('it is not a run bundle: the archive has no run.json');
    expect(await refusal(writeZip([{ path: 'run.json', data: JSON.stringify({ format: 'something-else' }) }]))).toBe(`it is not a run bundle of this page: run.json says its format is "something-else", not ${RUN_BUNDLE_FORMAT}`);

    const good = await readZip(writeRunBundle(run(), [rec(1)], ckpt()));
    const swap = (path: string, data: string | Uint8Array) => writeZip([...good].map(([p, d]) => ({ path: p, data: p === path ? data : d })));
    expect(await refusal(swap('ppo-run/labels.jsonl', exportNative([rec(1)]) + '{"label":"maybe"}\n'))).toMatch(/^labels\.jsonl has bad lines: line 2 \(/);
    expect(await refusal(swap('ppo-run/metrics.jsonl', '{"step":0}\nnot json\n'))).toBe('metrics.jsonl line 2 is not JSON');
    expect(await refusal(swap('ppo-run/policy.ckpt', new Uint8Array(16)))).toBe('policy.ckpt is not a checkpoint of this page');
    const head = JSON.parse(new TextDecoder().decode(good.get('ppo-run/run.json'))) as { run: object };
    expect(await refusal(swap('ppo-run/run.json', JSON.stringify({ ...head, formatVersion: 9 })))).toBe("the bundle's layout (version 9) is newer than this page reads (1)");
    expect(await refusal(swap('ppo-run/run.json', JSON.stringify({ ...head, run: { ...head.run, step: 'two' } })))).toBe('run.json does not describe a run: step: must be a whole number from 0 to 1000000; got "two"');
  });
});

describe('a run the page kept itself in an earlier layout', () => {
  const view = () => ({ job: { running: false }, result: null, metrics: new PpoMetrics(), error: null as string | null, shown: [] as StoredPpoRun[], show(r: StoredPpoRun) { this.shown.push(r); } });
  const keeper = (version: string, metadata: Record<string, unknown>, ppo = view()) =>
    new PpoKeeper({ policy: { name: 'sft', params: 1, metadata, origin: 'sft@1a2b3c4d', version } } as unknown as EngineState, {} as PrefsStore, ppo, { policyName: () => 'sft', linkSetsKnobs: () => false });

  beforeEach(() => clear());

  it('comes back for the policy version it was kept with, and only then', async () => {
    await set(OLDER_RUN_KEY, run());
    const ppo = view();
    expect(await keeper('sft@1a2b3c4d+2', {}, ppo).restore()).toBe('the PPO run up to step 2');
    expect(ppo.shown).toEqual([run()]);
    expect(await keeper('sft@1a2b3c4d+9', {}).restore()).toBeNull();
  });

  it('gives way to the run kept with the policy itself', async () => {
    await set(OLDER_RUN_KEY, run());
    const ppo = view();
    const own = run({ step: 4, policy: { ...run().policy, version: 'sft@1a2b3c4d+4' } });
    await keeper('sft@1a2b3c4d+4', { ppo: { run: own } }, ppo).restore();
    expect(ppo.shown).toEqual([own]);
  });
});
