// The preference format as JSON Schema (docs/preference.schema.json): the file is what the record's
// valibot schema writes, and a small checker of the JSON Schema subset it uses agrees with
// validateRecord on good records and on seeded mutations of them (every disagreement is one of the
// three rules JSON Schema cannot say: two objects in one cell, two equal responses, a date that
// does not exist).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { preferenceJsonSchema } from '../../src/engine/prefs/preference-schema';
import { validateRecord } from '../../src/engine/prefs/record';
import { syntheticRecords } from '../../src/engine/prefs/synthetic';
import { Rng, subSeed } from '../../src/engine/world/rng';
import { mutateJson } from '../helpers/import-fuzz';
import { jsonSchemaProblems, type Schema } from '../helpers/json-schema-check';

/** The rules the JSON Schema states in words only. */
const wordsOnly = (e: { field: string; message: string }) =>
  (/^scene\.objects\[\d+\]$/.test(e.field) && /already holds/.test(e.message)) || (e.field === 'responseB' && /must differ/.test(e.message)) || e.field === 'labelledAt';

const schema = preferenceJsonSchema();
const good = syntheticRecords(40, 7).map((r) => JSON.parse(JSON.stringify(r)) as Record<string, unknown>);

describe('the preference format as JSON Schema', () => {
  it('docs/preference.schema.json is what `npm run schema:preference` writes from the record schema', () => {
    const file = readFileSync(new URL('../../docs/preference.schema.json', import.meta.url), 'utf8');
    expect(JSON.parse(file)).toEqual(schema);
  });

  it('states the bounds: perception within the page\'s limits, seeds in 32 bits, at most five objects, texts of bounded length', () => {
    const p = (schema.properties as Record<string, Schema>).image!.properties as Record<string, Schema>;
    const perception = p.perception!.properties as Record<string, Schema>;
    expect(perception.resolution).toEqual({ type: 'integer', minimum: 8, maximum: 48, default: 48 });
    expect(perception.noise).toEqual({ type: 'number', minimum: 0, maximum: 64, default: 32 });
    expect(perception.blur).toEqual({ type: 'integer', minimum: 0, maximum: 2, default: 1 });
    expect(perception.smallScale).toEqual({ type: 'number', minimum: 0.2, maximum: 0.85, default: 0.4 });
    expect(p.noiseSeed).toEqual({ type: 'integer', minimum: 0, maximum: 4294967295 });
    const props = schema.properties as Record<string, Schema>;
    expect(props.scene!.properties).toMatchObject({ objects: { type: 'array', maxItems: 5 } });
    expect(props.question).toEqual({ type: 'string', maxLength: 2000, pattern: '\\S' });
    expect(props.label).toEqual({ enum: ['A', 'B', 'tie', 'both-bad'] });
    expect(schema.required).toEqual(['format', 'version', 'scene', 'image', 'question', 'responseA', 'responseB', 'label', 'labelledBy', 'labelledAt', 'policyVersion', 'source']);
  });

  it('accepts every good record', () => {
    for (const r of good) expect(jsonSchemaProblems(schema, r), JSON.stringify(r)).toEqual([]);
  });

  it('agrees with validateRecord on 600 mutated records and on hand-made bad ones', () => {
    const hand = [
      { ...good[0], image: { perception: { resolution: 30000 }, noiseSeed: 1 } },
      { ...good[0], image: { perception: { noise: 65 }, noiseSeed: 1 } },
      { ...good[0], image: { perception: { smallScale: 0.1 }, noiseSeed: 1 } },
      { ...good[0], image: { perception: { blur: 3 }, noiseSeed: 2 ** 32 } },
      { ...good[0], question: 'x'.repeat(2001) },
      { ...good[0], question: '   ' },
      { ...good[0], labelledBy: { kind: 'robot' } },
      { ...good[0], labelledBy: { kind: 'simulated', name: 'careful', seed: 1, settings: { hallucinationWeight: 2, informativenessWeight: 1, lengthBias: 0, noise: 101, tieMargin: 0, flagBothBad: true } } },
    ];
    const rng = new Rng(subSeed(99, 1));
    const mutated = Array.from({ length: 600 }, () => mutateJson(rng, rng.pick(good)));
    let refused = 0;
    let wordsOnlyCases = 0;
    for (const x of [...hand, ...mutated]) {
      const byJson = jsonSchemaProblems(schema, x);
      const byValibot = validateRecord(x);
      const where = JSON.stringify(x).slice(0, 300);
      if (byJson.length) expect('errors' in byValibot, `the JSON Schema refuses (${byJson.join(', ')}) what validateRecord accepts: ${where}`).toBe(true);
      else if ('errors' in byValibot) {
        expect(byValibot.errors.filter((e) => !wordsOnly(e)), `validateRecord refuses what the JSON Schema accepts: ${where}`).toEqual([]);
        wordsOnlyCases++;
      }
      if ('errors' in byValibot) refused++;
    }
    for (const x of hand) expect(jsonSchemaProblems(schema, x)).not.toEqual([]);
    // Most mutations break the record; some leave it good.
    expect(refused).toBeGreaterThan(300);
    expect(refused).toBeLessThan(hand.length + mutated.length);
    expect(wordsOnlyCases).toBeLessThan(60);
  });
});
