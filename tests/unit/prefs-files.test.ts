// Preference records and files: validation names the field at fault; native JSONL round-trips
// losslessly; import skips bad lines by number and field, never changes what is stored, and keeps
// a pair once however often it comes; the TRL export writes TRL's conversational vision rows (a
// golden row) with the right images, and imports back its own rows, the flat rows of earlier
// exports, and PNGs saved again by another tool, by their pixels.
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { sampleScene } from '../../src/engine/world/sampler';
import { DEFAULT_PERCEPTION } from '../../src/engine/world/render';
import { ANNOTATOR_PRESETS } from '../../src/engine/prefs/annotator';
import { simulatedLabeller } from '../../src/engine/prefs/label';
import type { Label } from '../../src/engine/prefs/labels';
import { makeRecord, pairKey, swapResponses, validateRecord, type PreferenceRecord } from '../../src/engine/prefs/record';
import { exportNative, importNative } from '../../src/engine/prefs/native';
import { exportTrl, importTrl, recordImage, recordPng, trlRow, TRL_JSONL, type TrlRow } from '../../src/engine/prefs/trl';
import { reencodePng, withAlpha } from './png-reencode';
import { factSentences } from '../../src/engine/world/facts';

const AT = '2025-03-01T12:00:00.000Z';

/** A record about training scene `seed`, with the given label. */
function rec(seed: number, label: Label, responseA = 'it is day .', responseB = 'it is night .'): PreferenceRecord {
  return makeRecord({
    scene: sampleScene(seed),
    image: { perception: { ...DEFAULT_PERCEPTION }, noiseSeed: 1000 + seed },
    question: 'is it day or night ?',
    questionType: 'environment',
    responseA,
    responseB,
    label,
    labelledBy: seed % 2 ? { kind: 'person' } : simulatedLabeller('careful', ANNOTATOR_PRESETS.careful, 7),
    labelledAt: AT,
    policyVersion: 'sft@0badf00d',
    source: 'policy',
  });
}

const json = (r: unknown) => JSON.stringify(r);

describe('the record format', () => {
  it('accepts what makeRecord writes, unchanged, and fills in a content id', () => {
    const r = rec(1, 'A');
    expect(r.id).toMatch(/^[0-9a-f]{16}$/);
    const v = validateRecord(JSON.parse(json(r)));
    expect(v).toEqual({ record: r });
  });

  it('names every bad field', () => {
    const r = JSON.parse(json(rec(2, 'B'))) as Record<string, unknown>;
    const bad = { ...r, version: 2, label: 'C', responseB: r.responseA, labelledAt: 'yesterday', image: { perception: { blur: 5 }, noiseSeed: -1 }, scene: { background: 'dusk', objects: [] } };
    const v = validateRecord(bad);
    expect('errors' in v).toBe(true);
    const fields = 'errors' in v ? v.errors.map((e) => e.field) : [];
    expect(fields).toEqual(expect.arrayContaining(['version', 'label', 'responseB', 'labelledAt', 'image.perception.blur', 'image.noiseSeed', 'scene.background']));
    const simulated = JSON.parse(json(rec(4, 'A'))) as { labelledBy: { settings: Record<string, unknown> } };
    simulated.labelledBy.settings.noise = -1;
    const w = validateRecord(simulated);
    expect('errors' in w ? w.errors.map((e) => e.field) : []).toEqual(['labelledBy.settings.noise']);
  });

  it('treats (x, y, A) and (y, x, B) as the same pair', () => {
    const r = rec(3, 'A');
    expect(pairKey(swapResponses(r))).toBe(pairKey(r));
    expect(pairKey({ ...r, label: 'B' })).not.toBe(pairKey(r));
    expect(pairKey({ ...r, labelledAt: '2025-03-02T12:00:00.000Z' })).not.toBe(pairKey(r));
  });
});

describe('native JSONL', () => {
  const records = [rec(10, 'A'), rec(11, 'B'), rec(12, 'tie', 'it is day .', 'it is day . the image is clear .'), rec(13, 'both-bad', 'it is night .', 'it is night . i hope this helps .')];

  it('round-trips losslessly', () => {
    const res = importNative(exportNative(records));
    expect(res.problems).toEqual([]);
    expect(res.records).toEqual(records);
  });

  it('reports bad lines by number and field, skips them, changes nothing stored and keeps each pair once', () => {
    const stored = [rec(20, 'A')];
    const snapshot = json(stored);
    const [g1, g2, g3] = [rec(21, 'A'), rec(22, 'B'), rec(23, 'tie', 'it is day .', 'it is day . the image is clear .')];
    const lines = [
      json(g1), //                                          1 good
      '{"format": "rlhf-playground/preference", "vers', //  2 not JSON
      json({ ...g2, label: 'maybe' }), //                   3 bad label
      json({ ...g2, scene: undefined }), //                 4 no scene
      '', //                                                5 blank, ignored
      json(g2), //                                          6 good
      json(g1), //                                          7 the same pair again
      json(swapResponses(g2)), //                           8 the same pair, A and B swapped
      json(stored[0]), //                                   9 already stored
      json({ ...g3, id: g1.id }), //                       10 good content, but its id belongs to line 1's pair
      json({ ...g3, id: undefined }), //                   11 good, id computed
      json({ ...g3, format: 'something-else' }), //       12 bad format
    ];
    const res = importNative(lines.join('\n') + '\n', stored);
    expect(json(stored)).toBe(snapshot);
    expect(res.records.slice(0, 1)).toEqual(stored);
    expect(res.added.map((r) => r.id)).toEqual([g1.id, g2.id, g3.id]);
    expect(res.records).toHaveLength(4);
    expect(res.duplicates).toBe(3);
    expect(res.lines).toBe(11);
    const byLine = new Map<number, string[]>();
    for (const p of res.problems) byLine.set(p.line, [...(byLine.get(p.line) ?? []), p.field]);
    expect([...byLine.keys()]).toEqual([2, 3, 4, 10, 12]);
    expect(byLine.get(2)).toEqual(['(line)']);
    expect(byLine.get(3)).toEqual(['label']);
    expect(byLine.get(4)).toEqual(['scene']);
    expect(byLine.get(10)).toEqual(['id']);
    expect(byLine.get(12)).toEqual(['format']);
    // Importing the same file again adds nothing.
    const again = importNative(lines.join('\n'), res.records);
    expect(again.added).toEqual([]);
    expect(again.records).toEqual(res.records);
  });
});

describe('the TRL-style export', () => {
  const records = [rec(30, 'A'), rec(31, 'B'), rec(32, 'tie', 'it is day .', 'it is day . the image is clear .'), rec(33, 'both-bad', 'it is night .', 'it is night . i hope this helps .'), rec(34, 'B', 'yes .', 'no .')];
  const ex = exportTrl(records);
  const files = new Map(ex.files.map((f) => [f.path, f.data]));
  const read = (p: string) => {
    const d = files.get(p);
    return d instanceof Uint8Array ? d : undefined;
  };
  const lines = (files.get(TRL_JSONL) as string).trim().split('\n');

  it("writes a row as TRL's conversational vision preference format, our columns after it", () => {
    const r = records[4]!;
    // TRL's dataset formats, "Vision datasets": the prompt's user content is a list of typed parts,
    // {"type": "image"} where the image goes; chosen and rejected are one assistant message each.
    expect(JSON.parse(JSON.stringify(trlRow(r)))).toEqual({
      prompt: [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'is it day or night ?' }] }],
      chosen: [{ role: 'assistant', content: [{ type: 'text', text: 'no .' }] }],
      rejected: [{ role: 'assistant', content: [{ type: 'text', text: 'yes .' }] }],
      images: [`images/${r.id}.png`],
      id: r.id,
      question_type: 'environment',
      facts: factSentences(r.scene),
      scene: JSON.parse(JSON.stringify(r.scene)),
      render: { perception: { ...DEFAULT_PERCEPTION }, noiseSeed: 1034 },
      labelled_by: { kind: 'simulated', name: 'careful', settings: { ...ANNOTATOR_PRESETS.careful }, seed: 7 },
      labelled_at: AT,
      policy_version: 'sft@0badf00d',
      source: 'policy',
    });
    expect(Object.keys(trlRow(r)).slice(0, 4)).toEqual(['prompt', 'chosen', 'rejected', 'images']);
    expect(trlRow(r).facts.length).toBeGreaterThan(0);
    // Its line of the JSONL, as written: TRL's columns first, then ours.
    const golden =
      '{"prompt":[{"role":"user","content":[{"type":"image"},{"type":"text","text":"is it day or night ?"}]}],' +
      '"chosen":[{"role":"assistant","content":[{"type":"text","text":"no ."}]}],' +
      '"rejected":[{"role":"assistant","content":[{"type":"text","text":"yes ."}]}],' +
      `"images":["images/${r.id}.png"],"id":"${r.id}","question_type":"environment","facts":[`;
    expect(lines[2]!.slice(0, golden.length)).toBe(golden);
  });

  it('writes one row and one PNG per decided pair; ties and both-bad are left out', () => {
    expect(ex.rows).toBe(3);
    expect(ex.skipped).toEqual({ tie: 1, 'both-bad': 1 });
    const rows = lines.map((l) => JSON.parse(l) as TrlRow);
    const texts = (m: TrlRow['chosen']) => m[0]!.content.map((p) => (p.type === 'text' ? p.text : '<image>')).join(' ');
    expect(rows.map((r) => [texts(r.prompt), texts(r.chosen), texts(r.rejected)])).toEqual([
      ['<image> is it day or night ?', 'it is day .', 'it is night .'],
      ['<image> is it day or night ?', 'it is night .', 'it is day .'],
      ['<image> is it day or night ?', 'no .', 'yes .'],
    ]);
    for (const r of rows) {
      expect(r.images).toEqual([`images/${r.id}.png`]);
      const png = read(r.images[0]!)!;
      expect([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
      // The IDAT holds 48 rows of a filter byte and 48 RGB pixels.
      const view = new DataView(png.buffer, png.byteOffset);
      const idatLen = view.getUint32(33);
      expect(inflateSync(png.subarray(41, 41 + idatLen)).length).toBe(48 * (1 + 48 * 3));
    }
    const readme = files.get('README.md') as string;
    expect(readme).toContain('load_dataset("json"');
    expect(readme).toContain('cast_column("images", Sequence(Image()))');
    expect(readme).toContain('DPOTrainer');
    expect(readme).toContain('RewardTrainer reads text only');
  });

  it('round-trips: every decided pair comes back with its id, content and image', () => {
    const res = importTrl(files.get(TRL_JSONL) as string, read);
    expect(res.problems).toEqual([]);
    const decided = records.filter((r) => r.label === 'A' || r.label === 'B');
    expect(res.records).toHaveLength(decided.length);
    res.records.forEach((back, i) => {
      const orig = decided[i]!;
      expect(back).toEqual(orig.label === 'A' ? orig : swapResponses(orig));
      expect(back.id).toBe(orig.id);
      expect(pairKey(back)).toBe(pairKey(orig));
      expect(recordPng(back)).toEqual(recordPng(orig));
    });
    // Imported into the native store it came from, it adds nothing.
    expect(importTrl(files.get(TRL_JSONL) as string, read, records).added).toEqual([]);
  });

  it('imports the flat rows of earlier exports (prompt, chosen and rejected as strings)', () => {
    const flat = lines.map((l) => {
      const r = JSON.parse(l) as TrlRow;
      const t = (m: TrlRow['chosen']) => (m[0]!.content.find((p) => p.type === 'text') as { text: string }).text;
      return JSON.stringify({ ...r, prompt: t(r.prompt), chosen: t(r.chosen), rejected: t(r.rejected) });
    });
    const res = importTrl(flat.join('\n'), read);
    expect(res.problems).toEqual([]);
    expect(res.records).toEqual(importTrl(files.get(TRL_JSONL) as string, read).records);
  });

  it('takes a PNG saved again by another tool (other filters, zlib level, RGBA) by its pixels', () => {
    const again = new Map(files);
    const decided = records.filter((r) => r.label === 'A' || r.label === 'B');
    decided.forEach((r, i) => {
      const rgb = Uint8Array.from(recordImage(r).data);
      const png = i === 0
        ? reencodePng(48, 48, rgb, { colour: 2, filter: (y) => [1, 2, 3, 4, 0][y % 5]!, level: 9 })
        : reencodePng(48, 48, withAlpha(rgb), { colour: 6, filter: () => 4, level: i, idatBytes: 512 });
      expect(png).not.toEqual(read(`images/${r.id}.png`));
      again.set(`images/${r.id}.png`, png);
    });
    const res = importTrl(files.get(TRL_JSONL) as string, (p) => again.get(p) as Uint8Array | undefined);
    expect(res.problems).toEqual([]);
    expect(res.records).toHaveLength(3);
  });

  it('refuses a PNG with one pixel changed, or not opaque, naming the line and the image', () => {
    const r = records[1]!;
    const path = `images/${r.id}.png`;
    const rgb = Uint8Array.from(recordImage(r).data);
    const changed = rgb.slice();
    changed[(10 * 48 + 7) * 3 + 1]! ^= 1; // pixel (7, 10), green
    const faded = withAlpha(rgb);
    faded[(47 * 48 + 47) * 4 + 3] = 254;
    for (const [png, message] of [
      [reencodePng(48, 48, changed, { colour: 2, filter: () => 4, level: 9 }), /^images\/[0-9a-f]+\.png is not the image of the row's scene and render settings: pixel \(7, 10\) is \(\d+, \d+, \d+\), not \(\d+, \d+, \d+\)$/],
      [reencodePng(48, 48, faded, { colour: 6, filter: () => 0, level: 6 }), /pixel \(47, 47\) is not opaque \(alpha 254\)$/],
      [reencodePng(24, 24, rgb.subarray(0, 24 * 24 * 3), { colour: 2, filter: () => 0, level: 6 }), /: it is 24×24, not 48×48$/],
      [reencodePng(48, 48, rgb, { colour: 2, filter: () => 0, level: 6, interlace: 1 }), /: the PNG is interlaced \(Adam7\)/],
    ] as const) {
      const res = importTrl(lines.join('\n'), (p) => (p === path ? png : read(p)));
      expect(res.added).toHaveLength(2);
      expect(res.problems).toHaveLength(1);
      expect(res.problems[0]).toMatchObject({ line: 2, field: 'images[0]' });
      expect(res.problems[0]!.message.startsWith(`${path} is not the image`)).toBe(true);
      expect(res.problems[0]!.message).toMatch(message);
    }
  });

  it('rejects a row whose image is missing or is not its scene, and a row of the wrong shape', () => {
    const [first, second] = lines;
    const rows = [
      first,
      JSON.stringify({ ...JSON.parse(second!), images: ['images/nope.png'] }),
      JSON.stringify({ ...JSON.parse(first!), id: 'other', images: [`images/${(JSON.parse(second!) as TrlRow).id}.png`] }),
      JSON.stringify({ ...JSON.parse(first!), prompt: [{ role: 'user', content: [{ type: 'text', text: 'no image part' }] }], chosen: [{ role: 'user', content: 'yes .' }] }),
    ];
    const res = importTrl(rows.join('\n'), read);
    expect(res.added).toHaveLength(1);
    expect(res.problems.map((p) => [p.line, p.field])).toEqual([[2, 'images[0]'], [3, 'images[0]'], [4, 'prompt'], [4, 'chosen']]);
    expect(res.problems[0]!.message).toBe('no file images/nope.png beside the JSONL');
  });
});
