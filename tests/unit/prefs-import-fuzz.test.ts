// A fuzzed import through the page's store (src/app/label/prefs.svelte.ts) on IndexedDB
// (fake-indexeddb): 2,000 seeded mutations of a valid native JSONL file (bytes flipped, deleted
// and inserted, lines truncated, fields swapped, wrong types, huge numbers, bytes that are not
// UTF-8, blank lines, CRLF, a JSON array instead of lines, a TRL row, a cut file) and 300 of a
// TRL-style .zip. Each import returns a report (it never throws), names every line it refused by
// number, accounts for every line (refused, added or a duplicate), stores only valid records and
// leaves what was stored before exactly as it was, adding after it only what was valid and new.
// A failure names its case number: rerun with that seed to see the file.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { set } from 'idb-keyval';
import { Rng, subSeed } from '../../src/engine/world/rng';
import { pairKey, validateRecord, type PreferenceRecord } from '../../src/engine/prefs/record';
import { syntheticRecords } from '../../src/engine/prefs/synthetic';
import { exportTrl, trlRow } from '../../src/engine/prefs/trl';
import { writeZip } from '../../src/app/ui/zip';
import { PREFS_KEY, PrefsStore, type ImportReport } from '../../src/app/label/prefs.svelte';
import { deleteStoredLabels, readStoredLabels } from '../../src/app/label/label-chunks';

const SEED = 1313;
const CASES = 2000;
const ZIP_CASES = 300;

// The file: eight good lines, one of them a pair the store already holds. The store: three labels.
const fileRecords = syntheticRecords(8, 31);
const stored = [...syntheticRecords(2, 32), fileRecords[5] as PreferenceRecord];
const enc = new TextEncoder();

/** What a line must do on import: be accepted (added or a duplicate), be refused, be ignored (blank), or either of the first two. */
type Expect = 'good' | 'bad' | 'blank' | 'any';
interface Line {
  bytes: Uint8Array;
  expect: Expect;
}

const line = (text: string, expect: Expect): Line => ({ bytes: enc.encode(text), expect });
const objOf = (l: Line) => JSON.parse(new TextDecoder().decode(l.bytes)) as Record<string, unknown>;
const splice = (b: Uint8Array, at: number, remove: number, insert: number[] = []) => new Uint8Array([...b.subarray(0, at), ...insert, ...b.subarray(at + remove)]);
/** Any byte but a newline (a newline would split the line; that is what the line-level mutations are for). */
const byteNot10 = (rng: Rng) => {
  const b = rng.int(255);
  return b >= 10 ? b + 1 : b;
};

const FIELDS = ['format', 'version', 'id', 'scene', 'image', 'question', 'questionType', 'responseA', 'responseB', 'label', 'labelledBy', 'labelledAt', 'policyVersion', 'source'];
/** No field of the record takes any of these. */
const WRONG = [null, 7, true, [], {}, -1.5];
/** Pairs of fields whose values never fit each other's place. */
const SWAPS = [['format', 'version'], ['scene', 'question'], ['label', 'labelledAt'], ['image', 'labelledBy'], ['policyVersion', 'version'], ['source', 'scene']];
/** Numbers no field takes, written as JSON text (1e999 parses to Infinity). */
const HUGE = ['1e999', '-1e999', '4294967296', '1e308', '123456789012345678901234567890'];

/** One mutation of one line of a good file; only lines still good are given to the JSON-level ones. */
function mutateLine(rng: Rng, lines: Line[]): void {
  const i = rng.int(lines.length);
  const l = lines[i] as Line;
  const kind = rng.int(12);
  const sure = l.expect === 'good';
  const len = l.bytes.length;
  if (kind === 0) {
    const at = rng.int(len);
    const b = l.bytes[at]! ^ (1 + rng.int(255));
    lines[i] = { bytes: splice(l.bytes, at, 1, [b === 10 ? 11 : b]), expect: 'any' };
  } else if (kind === 1 && len > 1) lines[i] = { bytes: splice(l.bytes, rng.int(len), 1), expect: 'any' };
  else if (kind === 2) lines[i] = { bytes: splice(l.bytes, rng.int(len + 1), 0, [byteNot10(rng)]), expect: 'any' };
  else if (kind === 3) {
    // Bytes that are not UTF-8: a lone continuation byte, a lead byte without its tail, an overlong form.
    const bad = rng.pick([[0x80], [0xc3], [0xff], [0xe2, 0x82], [0xc0, 0xaf], [0xed, 0xa0, 0x80]]);
    lines[i] = { bytes: splice(l.bytes, rng.int(len + 1), 0, bad), expect: 'any' };
  } else if (kind === 4 && len > 1) {
    // Cut short: an object line without its closing brace is never JSON.
    lines[i] = { bytes: l.bytes.subarray(0, 1 + rng.int(len - 1)), expect: sure ? 'bad' : 'any' };
  } else if (sure && kind === 5) {
    const o = objOf(l);
    const [a, b] = rng.pick(SWAPS) as [string, string];
    [o[a], o[b]] = [o[b], o[a]];
    lines[i] = line(JSON.stringify(o), 'bad');
  } else if (sure && kind === 6) {
    const o = objOf(l);
    o[rng.pick(FIELDS)] = rng.pick(WRONG);
    lines[i] = line(JSON.stringify(o), 'bad');
  } else if (sure && kind === 7) {
    const o = objOf(l);
    const text = JSON.stringify(o);
    const where = rng.pick(['"noiseSeed":', '"version":', '"row":']);
    const at = text.indexOf(where) + where.length;
    const end = at + /^-?[\d.e+]+/.exec(text.slice(at))![0].length;
    lines[i] = line(text.slice(0, at) + rng.pick(HUGE) + text.slice(end), 'bad');
  } else if (sure && kind === 8) {
    // A field left out (id and questionType are optional: without them the line is still good).
    const o = objOf(l);
    const f = rng.pick(FIELDS);
    delete o[f];
    lines[i] = line(JSON.stringify(o), f === 'id' || f === 'questionType' ? 'good' : 'bad');
  } else if (kind === 9) {
    // Blank lines: empty, spaces and tabs, a lone CR.
    lines.splice(i, 0, line(rng.pick(['', '   ', '\t', '\r', ' \t \r']), 'blank'));
  } else if (kind === 10) {
    // A TRL-style row: a foreign shape for this file.
    lines[i] = line(JSON.stringify(trlRow({ ...(fileRecords[rng.int(fileRecords.length)] as PreferenceRecord), label: 'A' })), 'bad');
  } else if (sure && kind === 11) {
    // The same line again further on: kept once.
    lines.splice(i + 1 + rng.int(lines.length - i), 0, { bytes: l.bytes, expect: 'good' });
  } else lines[i] = { bytes: splice(l.bytes, rng.int(len + 1), 0, [...enc.encode(rng.pick(['}', '{', ',', '"', '\\', ']', 'null', '\u0000']))]), expect: 'any' };
}

/** A mutated file and what each of its lines must do; line i of the result is line i + 1 of the file. */
function mutateFile(rng: Rng): { bytes: Uint8Array; lines: Line[] } {
  const good = fileRecords.map((r) => line(JSON.stringify(r), 'good'));
  const whole = rng.int(20);
  if (whole === 0) {
    // A JSON array instead of lines: one line, or pretty-printed over many; no line is a record.
    const text = rng.chance(0.5) ? JSON.stringify(fileRecords) : JSON.stringify(fileRecords, null, 2);
    const lines = text.split('\n').map((t) => line(t, 'bad'));
    return { bytes: enc.encode(text), lines };
  }
  let lines = good;
  const n = whole === 1 ? 0 : 1 + rng.int(4);
  for (let k = 0; k < n; k++) mutateLine(rng, lines);
  const eol = rng.chance(0.15) ? '\r\n' : '\n';
  const parts: number[] = [];
  lines.forEach((l, i) => {
    parts.push(...l.bytes);
    if (i < lines.length - 1 || rng.chance(0.7)) parts.push(...enc.encode(eol));
  });
  let bytes = new Uint8Array(parts);
  if (whole === 2) {
    // The file cut short at any byte: the lines after it are gone, the cut one is unknown (or blank).
    const cut = rng.int(bytes.length);
    bytes = bytes.subarray(0, cut);
    let at = 0;
    const kept: Line[] = [];
    for (const l of lines) {
      if (at >= cut) break;
      const end = at + l.bytes.length;
      kept.push(end <= cut ? l : { bytes: l.bytes.subarray(0, cut - at), expect: 'any' });
      at = end + eol.length;
    }
    lines = kept;
  }
  return { bytes, lines };
}

const isBlank = (b: Uint8Array) => new TextDecoder().decode(b).trim() === '';
const storedNow = async () => (await readStoredLabels()).records;

/** Every stored record is valid: it reads back as itself. */
function expectValid(records: readonly PreferenceRecord[], where: string): void {
  for (const r of records) expect(validateRecord(JSON.parse(JSON.stringify(r))), where).toEqual({ record: r });
}

/** A store holding `stored`, as a reload finds it (in layout 1, which the store moves to layout 2). */
async function storeWith(records: readonly PreferenceRecord[]): Promise<PrefsStore> {
  await deleteStoredLabels();
  await set(PREFS_KEY, { version: 1, records });
  const store = new PrefsStore();
  await store.ready;
  return store;
}

/** What must hold of any import into `stored`, whatever the file was. */
async function expectSafe(report: ImportReport, where: string): Promise<PreferenceRecord[]> {
  const after = await storedNow();
  expect(JSON.stringify(after.slice(0, stored.length)), where).toBe(JSON.stringify(stored));
  expect(after.length - stored.length, where).toBe(report.added);
  expectValid(after.slice(stored.length), where);
  const keys = after.map(pairKey);
  expect(new Set(keys).size, where).toBe(keys.length);
  return after;
}

describe('a fuzzed native import', () => {
  it(`survives ${CASES} mutated files: every bad line named, nothing stored changed, only valid records added`, async () => {
    const seen = { bad: 0, good: 0, any: 0, blank: 0, added: 0, arrays: 0 };
    for (let c = 0; c < CASES; c++) {
      const where = `case ${c} (seed ${SEED})`;
      const rng = new Rng(subSeed(SEED, c));
      const { bytes, lines } = mutateFile(rng);
      const store = await storeWith(stored);
      const report = await store.importFile(new File([bytes as BlobPart], 'labels.jsonl'));

      // Every non-blank line read, every line accounted for once: refused, added or a duplicate.
      const counted = lines.map((l, i) => ({ ...l, n: i + 1 })).filter((l) => !isBlank(l.bytes));
      expect(report.lines, where).toBe(counted.length);
      const refused = new Set(report.problems.map((p) => p.line));
      for (const n of refused) expect(counted.some((l) => l.n === n), `${where}: line ${n} is not a line of the file`).toBe(true);
      expect(refused.size + report.added + report.duplicates, where).toBe(report.lines);
      for (const l of lines.map((x, i) => ({ ...x, n: i + 1 }))) {
        if (l.expect === 'bad') expect(refused.has(l.n), `${where}: line ${l.n} is bad but was not named`).toBe(true);
        if (l.expect === 'blank') expect(refused.has(l.n), `${where}: blank line ${l.n} was named`).toBe(false);
        // A good line is refused only for its id, taken by a changed copy of it earlier in the file.
        if (l.expect === 'good') for (const p of report.problems.filter((q) => q.line === l.n)) expect(p.field, where).toBe('id');
      }
      for (const p of report.problems) expect(p.message.length, where).toBeGreaterThan(0);

      const after = await expectSafe(report, where);
      expect(store.records, where).toEqual(after);
      if (report.added === 0) expect(JSON.stringify(after), where).toBe(JSON.stringify(stored));
      // Each good line's pair is in the store now (it was added, or was there already).
      const keys = new Set(after.map(pairKey));
      for (const l of lines.filter((x, i) => x.expect === 'good' && !refused.has(i + 1))) {
        const r = validateRecord(objOf(l));
        expect('record' in r && keys.has(pairKey(r.record)), where).toBe(true);
      }
      for (const l of lines) seen[l.expect]++;
      seen.added += report.added;
      if (lines.length > 1 && lines.every((l) => l.expect === 'bad')) seen.arrays++;
    }
    // The mutations did reach every kind of line.
    expect(seen.bad).toBeGreaterThan(CASES / 2);
    expect(seen.any).toBeGreaterThan(CASES / 4);
    expect(seen.blank).toBeGreaterThan(CASES / 20);
    expect(seen.arrays).toBeGreaterThan(CASES / 100);
    expect(seen.added).toBeGreaterThan(CASES);
  });
});

describe('a fuzzed TRL-style import', () => {
  const { files } = exportTrl(fileRecords);
  const zip = writeZip(files.map((f) => ({ path: `preferences-trl/${f.path}`, data: f.data })), new Date(Date.UTC(2025, 0, 1)));

  it('the unmutated set imports', async () => {
    const store = await storeWith(stored);
    const report = await store.importFile(new File([zip as BlobPart], 'labels.zip'));
    expect(report.problems).toEqual([]);
    expect(report.added + report.duplicates).toBe(fileRecords.filter((r) => r.label === 'A' || r.label === 'B').length);
    await expectSafe(report, 'the unmutated set');
  });

  it(`survives ${ZIP_CASES} mutated archives: a report each time, nothing stored changed`, async () => {
    let refused = 0;
    let rows = 0;
    for (let c = 0; c < ZIP_CASES; c++) {
      const where = `zip case ${c} (seed ${SEED})`;
      const rng = new Rng(subSeed(SEED + 1, c));
      // Half the cases damage the archive (every entry carries a CRC-32, so that refuses it whole);
      // the other half damage train.jsonl and zip it again, so the damage reaches the rows.
      const inRows = rng.int(2) === 0;
      let bytes: Uint8Array = inRows ? enc.encode(files[0]!.data as string) : zip;
      for (let k = 1 + rng.int(3); k > 0; k--) {
        const at = rng.int(bytes.length);
        const m = rng.int(6);
        if (m <= 2) bytes = splice(bytes, at, 1, [bytes[at]! ^ (1 + rng.int(255))]);
        else if (m === 3) bytes = splice(bytes, at, 1 + rng.int(16));
        else if (m === 4) bytes = splice(bytes, at, 0, Array.from({ length: 1 + rng.int(16) }, () => rng.int(256)));
        else bytes = bytes.subarray(0, at);
      }
      if (inRows) bytes = writeZip(files.map((f, i) => ({ path: `preferences-trl/${f.path}`, data: i === 0 ? bytes : f.data })), new Date(Date.UTC(2025, 0, 1)));
      const store = await storeWith(stored);
      const report = await store.importFile(new File([bytes as BlobPart], 'labels.zip'));
      const after = await expectSafe(report, where);
      if (report.added === 0) expect(JSON.stringify(after), where).toBe(JSON.stringify(stored));
      if (report.problems.some((p) => p.line === 0)) {
        expect(report.added, where).toBe(0);
        refused++;
      } else if (report.problems.length > 0) rows++;
    }
    // Some archives were refused whole, in others only rows were.
    expect(refused).toBeGreaterThan(ZIP_CASES / 10);
    expect(rows).toBeGreaterThan(ZIP_CASES / 20);
  });
});
