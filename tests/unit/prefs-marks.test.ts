// Mark records: the sentences are the judge's split and rebuild the answer; a correction must be a
// sentence of the grammar (refused naming `sentences[i].correction`); JSONL round-trips, import
// skips bad lines by number and field and keeps a mark once; the corrected answer and its pair
// (chosen: corrected; rejected: as written) go out through the TRL writer (a golden row); the
// format's JSON Schema is the file `npm run schema:mark` writes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { markJsonSchema } from '../../src/engine/prefs/mark-schema';
import { syntheticRecords } from '../../src/engine/prefs/synthetic';
import { markAnswer, simulatedMarker } from '../../src/engine/prefs/marker';
import { Rng, subSeed } from '../../src/engine/world/rng';
import { mutateJson } from '../helpers/import-fuzz';
import { jsonSchemaProblems } from '../helpers/json-schema-check';
import { DEFAULT_PERCEPTION } from '../../src/engine/world/render';
import type { Scene } from '../../src/engine/world/scene';
import { answerSentences, correctedAnswer, makeMark, markToPreference, validateMark, type MarkRecord } from '../../src/engine/prefs/mark';
import { exportMarks, exportTrlMarks, importMarks } from '../../src/engine/prefs/mark-file';
import { MARKER_PRESETS } from '../../src/engine/prefs/marker-settings';
import { validateRecord } from '../../src/engine/prefs/record';
import { importTrl, TRL_JSONL } from '../../src/engine/prefs/trl';
import { parseResponse } from '../../src/engine/language/parser';

const AT = '2025-03-01T12:00:00.000Z';
const SCENE: Scene = {
  background: 'day',
  objects: [
    { shape: 'circle', color: 'red', size: 'large', row: 0, col: 0 },
    { shape: 'square', color: 'blue', size: 'small', row: 1, col: 2 },
  ],
};
const ANSWER = 'there is a large red circle at the top left . there is a green circle at the top left . it is night .';

/** A mark of ANSWER: the second sentence corrected, the third marked false with no correction. */
function mark(over: Partial<MarkRecord> = {}): MarkRecord {
  return makeMark({
    scene: SCENE,
    image: { perception: { ...DEFAULT_PERCEPTION }, noiseSeed: 11 },
    question: 'describe the image .',
    questionType: 'holistic',
    answer: ANSWER,
    sentences: [
      { text: 'there is a large red circle at the top left .', false: false },
      { text: 'there is a green circle at the top left .', false: true, correction: 'there is a large red circle at the top left .' },
      { text: 'it is night .', false: true },
    ],
    markedBy: simulatedMarker('careful', MARKER_PRESETS.careful, 3),
    markedAt: AT,
    policyVersion: 'sft@0badf00d',
    ...over,
  });
}

const json = (x: unknown) => JSON.parse(JSON.stringify(x)) as Record<string, unknown>;

describe('the mark record', () => {
  it('splits an answer as the judge does, and the sentences rebuild it', () => {
    expect(answerSentences(ANSWER)).toEqual(parseResponse(ANSWER).map((s) => s.text));
    expect(answerSentences(ANSWER)).toEqual(['there is a large red circle at the top left .', 'there is a green circle at the top left .', 'it is night .']);
    expect(answerSentences('yes . the circle is')).toEqual(['yes .', 'the circle is']);
    expect(answerSentences('')).toEqual([]);
  });

  it('reads back a good mark with its id; the id is a hash of its content', () => {
    const m = mark();
    expect(m.id).toMatch(/^[0-9a-f]{16}$/);
    const back = validateMark(json(m));
    expect(back).toEqual({ mark: m });
    const { id: _id, ...noId } = json(m);
    expect(validateMark(noId)).toEqual({ mark: m });
    expect(mark({ markedAt: '2025-03-02T12:00:00.000Z' }).id).not.toBe(m.id);
  });

  it('refuses a correction the grammar cannot read, naming sentences[i].correction', () => {
    const bad = json(mark());
    (bad.sentences as Record<string, unknown>[])[2]!.correction = 'it is sunny .';
    const r = validateMark(bad);
    expect('errors' in r && r.errors.map((e) => e.field)).toEqual(['sentences[2].correction']);
    expect('errors' in r && r.errors[0]!.message).toContain('must be one sentence of the grammar');
    // Two sentences, or the grammar's words spaced otherwise, are refused too.
    for (const c of ['it is day . it is day .', 'it is day.', ' it is day .']) {
      (bad.sentences as Record<string, unknown>[])[2]!.correction = c;
      const r2 = validateMark(bad);
      expect('errors' in r2 && r2.errors.map((e) => e.field), c).toEqual(['sentences[2].correction']);
    }
  });

  it('refuses sentences that are not the judge split of the answer, a correction of a true sentence, and bounds', () => {
    const fields = (x: unknown) => {
      const r = validateMark(x);
      return 'errors' in r ? r.errors.map((e) => e.field) : [];
    };
    const m = json(mark());
    expect(fields({ ...m, sentences: (m.sentences as unknown[]).slice(0, 2) })).toEqual(['sentences']);
    expect(fields({ ...m, answer: ANSWER.replace('it is night', 'it is day') })).toEqual(['sentences']);
    expect(fields({ ...m, answer: `${ANSWER} ` })).toEqual(['answer']);
    const trueCorrected = json(m);
    (trueCorrected.sentences as Record<string, unknown>[])[0]!.correction = 'it is day .';
    expect(fields(trueCorrected)).toEqual(['sentences[0].correction']);
    expect(fields({ ...m, sentences: Array.from({ length: 33 }, () => ({ text: 'yes .', false: false })) })).toEqual(['sentences']);
    expect(fields({ ...m, format: 'rlhf-playground/preference' })).toEqual(['format']);
    expect(fields({ ...m, markedBy: { kind: 'simulated', name: 'careful', settings: { ...MARKER_PRESETS.careful, missShare: 2 }, seed: 3 } })).toEqual(['markedBy.settings.missShare']);
  });
});

describe('the marks file', () => {
  it('round-trips, numbers bad lines by field, and keeps a mark once', () => {
    const a = mark();
    const b = mark({ policyVersion: 'sft@12345678' });
    const text = exportMarks([a, b]);
    expect(importMarks(text)).toMatchObject({ marks: [a, b], added: [a, b], duplicates: 0, problems: [], lines: 2 });
    const bad = json(a);
    (bad.sentences as Record<string, unknown>[])[1]!.correction = 'there is a circle';
    const file = `${JSON.stringify(a)}\nnot json\n${JSON.stringify({ ...bad, policyVersion: 'x' })}\n${JSON.stringify(a)}\n`;
    const r = importMarks(file, [b]);
    expect(r.added).toEqual([a]);
    expect(r.marks).toEqual([b, a]);
    expect(r.duplicates).toBe(1);
    expect(r.problems.map((p) => [p.line, p.field])).toEqual([[2, '(line)'], [3, 'sentences[1].correction']]);
    // Another mark under a taken id is refused by its line.
    const clash = importMarks(`${JSON.stringify({ ...json(mark({ policyVersion: 'other' })), id: a.id })}\n`, [a]);
    expect(clash.problems.map((p) => [p.line, p.field])).toEqual([[1, 'id']]);
  });
});

describe('the corrected pair', () => {
  it('replaces a marked sentence by its correction and drops one marked without', () => {
    expect(correctedAnswer(mark())).toBe('there is a large red circle at the top left . there is a large red circle at the top left .');
    expect(correctedAnswer({ sentences: [{ text: 'yes .', false: false }] })).toBe('yes .');
  });

  it('is a preference record, corrected answer chosen, source "corrected", labelled by the marker', () => {
    const m = mark();
    const p = markToPreference(m)!;
    expect(p).toMatchObject({
      responseA: correctedAnswer(m), responseB: ANSWER, label: 'A', source: 'corrected', labelledAt: AT, policyVersion: 'sft@0badf00d',
      labelledBy: { kind: 'marker', name: 'careful', settings: { ...MARKER_PRESETS.careful }, seed: 3 },
    });
    expect(validateRecord(json(p))).toEqual({ record: p });
    const unmarked = mark({ sentences: answerSentences(ANSWER).map((text) => ({ text, false: false })) });
    expect(markToPreference(unmarked)).toBeUndefined();
  });

  it('goes out through the TRL writer: a golden row', () => {
    const m = mark();
    const p = markToPreference(m)!;
    const ex = exportTrlMarks([m, mark({ sentences: answerSentences(ANSWER).map((text) => ({ text, false: false })) })]);
    expect(ex.rows).toBe(1);
    expect(ex.unmarked).toBe(1);
    const line = (ex.files.find((f) => f.path === TRL_JSONL)!.data as string).trim();
    expect(line).toBe(
      '{"prompt":[{"role":"user","content":[{"type":"image"},{"type":"text","text":"describe the image ."}]}],' +
        '"chosen":[{"role":"assistant","content":[{"type":"text","text":"there is a large red circle at the top left . there is a large red circle at the top left ."}]}],' +
        `"rejected":[{"role":"assistant","content":[{"type":"text","text":"${ANSWER}"}]}],` +
        `"images":["images/${p.id}.png"],"id":"${p.id}","question_type":"holistic",` +
        '"facts":["there is a large red circle at the top left .","there is a small blue square on the right .","it is day ."],' +
        '"scene":{"background":"day","objects":[{"shape":"circle","color":"red","size":"large","row":0,"col":0},{"shape":"square","color":"blue","size":"small","row":1,"col":2}]},' +
        '"render":{"perception":{"noise":' + String(DEFAULT_PERCEPTION.noise) + ',"blur":' + String(DEFAULT_PERCEPTION.blur) + ',"resolution":' + String(DEFAULT_PERCEPTION.resolution) + ',"smallScale":' + String(DEFAULT_PERCEPTION.smallScale) + '},"noiseSeed":11},' +
        '"labelled_by":{"kind":"marker","name":"careful","settings":{"missShare":0,"smallMissShare":0,"falseAlarmShare":0,"correctShare":1},"seed":3},' +
        `"labelled_at":"${AT}","policy_version":"sft@0badf00d","source":"corrected"}`,
    );
    expect(ex.files.map((f) => f.path)).toContain(`images/${p.id}.png`);
    // And it reads back as the corrected pair it was.
    const files = new Map(ex.files.map((f) => [f.path, f.data]));
    const back = importTrl(line, (path) => files.get(path) as Uint8Array | undefined);
    expect(back.problems).toEqual([]);
    expect(back.added).toEqual([p]);
  });
});

describe('the mark format as JSON Schema', () => {
  it('docs/mark.schema.json is what `npm run schema:mark` writes from the mark schema, with its bounds', () => {
    const schema = markJsonSchema();
    expect(JSON.parse(readFileSync(new URL('../../docs/mark.schema.json', import.meta.url), 'utf8'))).toEqual(schema);
    const props = schema.properties as Record<string, Record<string, unknown>>;
    expect(schema.required).toEqual(['format', 'version', 'scene', 'image', 'question', 'answer', 'sentences', 'markedBy', 'markedAt', 'policyVersion']);
    expect(props.format).toEqual({ const: 'rlhf-playground/mark' });
    expect(props.sentences).toEqual({
      type: 'array', maxItems: 32,
      items: { type: 'object', properties: { text: { type: 'string', maxLength: 2000 }, false: { type: 'boolean' }, correction: { type: 'string', maxLength: 2000 } }, required: ['text', 'false'] },
    });
    expect(JSON.stringify(props.markedBy)).toContain('"smallMissShare":{"type":"number","minimum":0,"maximum":1}');
  });

  it('agrees with validateMark on good marks and 400 mutations of them, but for the rules it states in words', () => {
    const schema = markJsonSchema();
    const good = [
      json(mark()),
      ...syntheticRecords(12, 8).map((r, i) =>
        json(markAnswer({ ...r, answer: `${r.responseA} it is day . it is night .` }, simulatedMarker(i % 2 ? 'noisy' : 'careful', i % 2 ? MARKER_PRESETS.noisy : MARKER_PRESETS.careful, i), r.policyVersion, r.labelledAt)),
      ),
    ];
    for (const m of good) expect(jsonSchemaProblems(schema, m), JSON.stringify(m)).toEqual([]);
    // Cells, the answer's spacing and split, a correction's grammar and place, a real date: words only.
    const wordsOnly = (e: { field: string; message: string }) =>
      (/^scene\.objects\[\d+\]$/.test(e.field) && /already holds/.test(e.message)) || e.field === 'answer' || e.field === 'sentences' || /^sentences\[\d+\]\.correction$/.test(e.field) || e.field === 'markedAt';
    const rng = new Rng(subSeed(77, 2));
    let refused = 0;
    for (const x of Array.from({ length: 400 }, () => mutateJson(rng, rng.pick(good)))) {
      const byJson = jsonSchemaProblems(schema, x);
      const byValibot = validateMark(x);
      const where = JSON.stringify(x).slice(0, 300);
      if (byJson.length) expect('errors' in byValibot, `the JSON Schema refuses (${byJson.join(', ')}) what validateMark accepts: ${where}`).toBe(true);
      else if ('errors' in byValibot) expect(byValibot.errors.filter((e) => !wordsOnly(e)), `validateMark refuses what the JSON Schema accepts: ${where}`).toEqual([]);
      if ('errors' in byValibot) refused++;
    }
    expect(refused).toBeGreaterThan(200);
  });
});
