// A policy's version (engine/model/version.ts, VlmModel.startRun): each run from the same weights
// gets a version of its own from its first update; a run that changes nothing leaves it as it was.
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend';
import { makeConfig } from '../../src/engine/model/config';
import { createModel } from '../../src/engine/model/model';
import { newRunName, policyVersion, versionSuffix } from '../../src/engine/model/version';

beforeAll(async () => {
  await initBackend({ preferred: 'wasm', wasmPaths: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
});

describe('a run’s name in the version', () => {
  it('two runs of 3 updates from the same weights end with different versions, each under the version they started from', () => {
    const m = createModel(makeConfig('default', 160), { seed: 1 });
    m.origin = 'sft@1a2b3c4d';
    m.startRun('ppo-0001');
    expect(m.version).toBe('sft@1a2b3c4d');
    for (let i = 0; i < 3; i++) m.bumpGeneration();
    expect(m.origin).toBe('sft@1a2b3c4d/ppo-0001');
    expect(m.version).toBe('sft@1a2b3c4d/ppo-0001+3');
    const first = m.version;
    // Back to the loaded weights (as the page's reset does), then a second run of the same length.
    m.origin = 'sft@1a2b3c4d';
    m.generation = 0;
    m.startRun('ppo-0002');
    for (let i = 0; i < 3; i++) m.bumpGeneration();
    expect(m.version).toBe('sft@1a2b3c4d/ppo-0002+3');
    expect(m.version).not.toBe(first);
    // A run on top of a tuned policy starts from its version.
    m.startRun('dpo-00ff');
    m.bumpGeneration();
    expect(m.version).toBe('sft@1a2b3c4d/ppo-0002+3/dpo-00ff+1');
    m.dispose();
  });

  it('a run stopped before its first update leaves the version as it was', () => {
    const m = createModel(makeConfig('default', 160), { seed: 1 });
    m.origin = 'sft@1a2b3c4d';
    m.generation = 5;
    m.startRun('ppo-0003');
    expect(m.version).toBe(policyVersion('sft@1a2b3c4d', 5));
    m.dispose();
  });

  it('names runs by kind and four hex digits, and reads the part after the checkpoint’s checksum', () => {
    expect(newRunName('ppo', () => 0)).toBe('ppo-0000');
    expect(newRunName('dpo', () => 0.999999)).toBe('dpo-ffff');
    expect(newRunName('sft', () => 0.25)).toBe('sft-4000');
    expect(versionSuffix('sft@1a2b3c4d', 'sft@1a2b3c4d')).toBe('');
    expect(versionSuffix('sft@1a2b3c4d/ppo-0001+80', 'sft@1a2b3c4d/ppo-0001')).toBe('/ppo-0001+80');
    expect(versionSuffix('new+12', 'new')).toBe('+12');
  });
});
