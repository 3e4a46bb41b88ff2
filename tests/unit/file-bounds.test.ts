// Bounds on every number, text and list a file can hold: a crafted file can cost neither memory
// nor minutes. A label file asking for a 30000-pixel drawing is refused by line and field, and the
// renderer refuses one too when called directly; perception keeps to the page's limits.
import { describe, expect, it } from 'vitest';
import { importNative } from '../../src/engine/prefs/native';
import { validateRecord } from '../../src/engine/prefs/record';
import { syntheticRecords } from '../../src/engine/prefs/synthetic';
import { validateAnnotatorSettings } from '../../src/engine/prefs/annotator';
import { PERCEPTION_BOUNDS, renderScene } from '../../src/engine/world/render';
import { sampleScene } from '../../src/engine/world/sampler';
import { validateScene } from '../../src/engine/world/scene';
import { readMetricRow, readStoredRun } from '../../src/engine/ppo/run-record';
import { readExperimentTable } from '../../src/engine/experiment/table-file';
import { parseExperimentPreset } from '../../src/engine/experiment/config';

const [r1, r2, r3] = syntheticRecords(3, 5).map((r) => JSON.parse(JSON.stringify(r)) as Record<string, unknown> & { image: { perception: Record<string, number>; noiseSeed: number } });
const withPerception = (r: typeof r1, over: Record<string, unknown>) => ({ ...r, image: { ...r!.image, perception: { ...r!.image.perception, ...over } } });
const fieldsOf = (v: unknown) => {
  const res = validateRecord(v);
  return 'errors' in res ? res.errors : [];
};

describe('bounds on imported files', () => {
  it('refuses a label file line with a resolution of 30000, naming its line and the field', () => {
    const text = [r1, withPerception(r2, { resolution: 30000 }), r3].map((r) => JSON.stringify(r)).join('\n');
    const res = importNative(text);
    expect(res.added).toHaveLength(2);
    expect(res.problems).toEqual([{ line: 2, field: 'image.perception.resolution', message: 'must be a whole number from 8 to 48; got 30000' }]);
  });

  it('holds every perception knob to the page\'s limits', () => {
    expect(PERCEPTION_BOUNDS).toEqual({ noise: { min: 0, max: 64 }, blur: { integer: true, min: 0, max: 2 }, resolution: { integer: true, min: 8, max: 48 }, smallScale: { min: 0.2, max: 0.85 } });
    const cases: [Record<string, unknown>, string][] = [
      [{ noise: 65 }, 'noise'], [{ noise: -1 }, 'noise'], [{ blur: 3 }, 'blur'], [{ blur: 0.5 }, 'blur'], [{ resolution: 7 }, 'resolution'],
      [{ resolution: 47.5 }, 'resolution'], [{ smallScale: 0.19 }, 'smallScale'], [{ smallScale: 1 }, 'smallScale'], [{ noise: '32' }, 'noise'],
    ];
    for (const [over, field] of cases) expect(fieldsOf(withPerception(r1, over)).map((e) => e.field), JSON.stringify(over)).toEqual([`image.perception.${field}`]);
    for (const ok of [{ noise: 64, blur: 2, resolution: 8, smallScale: 0.2 }, { noise: 0, blur: 0, resolution: 48, smallScale: 0.85 }]) expect(fieldsOf(withPerception(r1, ok))).toEqual([]);
  });

  it('the renderer refuses a resolution of 30000 when called directly, before allocating anything', () => {
    expect(() => renderScene(sampleScene(1), { resolution: 30000 })).toThrow('renderScene: resolution must be a whole number from 8 to 48; got 30000');
    expect(() => renderScene(sampleScene(1), { noise: 1e308 })).toThrow(/renderScene: noise must be a number from 0 to 64/);
    expect(() => renderScene(sampleScene(1), {}, { size: 1e6 })).toThrow(/size must be a whole number from 1 to 1024/);
  });

  it('bounds seeds, texts, objects and annotator settings', () => {
    expect(fieldsOf({ ...r1, image: { ...r1!.image, noiseSeed: 2 ** 32 } }).map((e) => e.field)).toEqual(['image.noiseSeed']);
    expect(fieldsOf({ ...r1, scene: { ...(r1!.scene as object), seed: -1 } }).map((e) => e.field)).toEqual(['scene.seed']);
    expect(fieldsOf({ ...r1, responseA: 'x'.repeat(2001) })).toEqual([{ field: 'responseA', message: 'is 2001 characters long; at most 2000' }]);
    expect(fieldsOf({ ...r1, policyVersion: 'v'.repeat(2001) }).map((e) => e.field)).toEqual(['policyVersion']);
    expect(fieldsOf({ ...r1, labelledBy: { kind: 'person', name: 'n'.repeat(201) } }).map((e) => e.field)).toEqual(['labelledBy.name']);
    const seven = Array.from({ length: 7 }, (_, k) => ({ shape: 'circle', color: 'red', size: 'small', row: Math.floor(k / 3) % 3, col: k % 3 }));
    expect(validateScene({ background: 'day', objects: seven })).toEqual({ errors: [{ path: 'scene.objects', message: 'has 7 objects; at most 5' }] });
    expect(validateScene({ background: 'day', objects: [{ shape: 'circle', color: 'red', size: 'small', row: 0, col: 0, jitterX: 'left' }] })).toEqual({ errors: [{ path: 'scene.objects[0].jitterX', message: 'must be a finite number; got "left"' }] });
    const settings = { hallucinationWeight: 2, informativenessWeight: 1, lengthBias: 0, noise: 0.05, tieMargin: 0.1, flagBothBad: true };
    expect(validateAnnotatorSettings({ ...settings, lengthBias: 1e308 })).toEqual({ errors: [{ field: 'lengthBias', message: 'must be a number from -100 to 100; got 1e+308' }] });
    expect(validateAnnotatorSettings({ ...settings, noise: -0.1 })).toMatchObject({ errors: [{ field: 'noise' }] });
  });

  it('bounds stored runs, metric rows, tables and experiment presets', () => {
    expect(readMetricRow({ step: 1, ...Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`m${i}`, i])) })).toBe('has 301 figures; at most 256');
    expect(readMetricRow({ step: 1.5 })).toBe('step must be a whole number from 0 to 1000000; got 1.5');
    expect(readMetricRow({ step: 1, ['k'.repeat(101)]: 1 })).toMatch(/longer than 100 characters/);
    expect(readStoredRun({ version: 1, step: 1e9 })).toMatchObject({ problem: expect.stringMatching(/^startedAt: must be a string/) });
    const report = { shapesHal: { score: 3, hallucinationRate: 0.2, informativeness: 0.5 } };
    const row = { name: 'SFT', mean: report, perSeed: [report] };
    expect(readExperimentTable({ rows: [row] })).toEqual({ rows: [row] });
    expect(readExperimentTable({ rows: Array.from({ length: 65 }, () => row) })).toEqual({ problem: 'rows: has 65 rows; at most 64' });
    expect(readExperimentTable({ rows: [{ ...row, perSeed: [{ ...report, pope: { n: Infinity } }] }] })).toEqual({ problem: 'rows[0].perSeed[0]: pope.n must be a finite number' });
    expect(readExperimentTable({ rows: [{ ...row, mean: { shapesHal: { ...report.shapesHal, hallucinationRate: 2 } } }] })).toEqual({ problem: 'rows[0].mean.shapesHal.hallucinationRate: must be a number from 0 to 1; got 2' });
    expect(readExperimentTable([row])).toMatchObject({ problem: expect.stringMatching(/not a JSON object with a "rows" list/) });
    const preset = { name: 'big', description: 'd', rows: Array.from({ length: 65 }, (_, i) => ({ kind: 'start', name: `S${i}`, start: 'sft' })), targets: [], settings: {} };
    expect(() => parseExperimentPreset(preset)).toThrow('experiment preset big: rows has 65 rows; at most 64');
    const rows = [{ kind: 'start', name: 'SFT', start: 'sft' }, { kind: 'start', name: 'SFT+', start: 'sft-plus' }];
    const cut = { kind: 'cut', row: 'SFT+', base: 'SFT', hallucinationCut: 1e308, informativenessDrop: 0.1 };
    expect(() => parseExperimentPreset({ ...preset, rows, targets: [cut] })).toThrow('experiment preset big: targets[0].hallucinationCut must be a number from 0 to 10; got 1e+308');
    expect(() => parseExperimentPreset({ ...preset, rows, targets: [{ ...cut, kind: 'beat' }] })).toThrow('targets[0].kind must be one of cut, bound, ahead, beats, hacked, not-hacked; got "beat"');
  });
});
