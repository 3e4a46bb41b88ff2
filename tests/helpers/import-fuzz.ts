// Fuzzing every import: seeded mutations of valid files (bytes flipped, inserted and deleted, files
// cut short, fields swapped, extreme numbers, NaN written as text, huge lists, deep nesting, wrong
// types) fed to each importer through its exported name. Each case must end in an acceptance or in
// a refusal of the documented kind whose message names what was wrong (a line, a field, a part of
// the file), and must change nothing it was given. A case that breaks this is a crash, kept with
// its number (rerun the importer with that case to see the file).

import { Rng, subSeed } from '../../src/engine/world/rng';
import { syntheticRecords } from '../../src/engine/prefs/synthetic';
import { importNative } from '../../src/engine/prefs/native';
import { validateRecord, type PreferenceRecord } from '../../src/engine/prefs/record';
import type { ImportResult } from '../../src/engine/prefs/native';
import { exportTrl, importTrl, TRL_JSONL } from '../../src/engine/prefs/trl';
import { validateMark, type MarkRecord } from '../../src/engine/prefs/mark';
import { importMarks, type MarkImportResult } from '../../src/engine/prefs/mark-file';
import { markAnswer, simulatedMarker } from '../../src/engine/prefs/marker';
import { MARKER_PRESETS } from '../../src/engine/prefs/marker-settings';
import { readZip, writeZip } from '../../src/app/ui/zip';
import { BundleError, readRunBundle, writeRunBundle } from '../../src/app/ppo/run-bundle';
import { readStoredRun, type StoredPpoRun } from '../../src/engine/ppo/run-record';
import { PPO_DEFAULTS } from '../../src/engine/ppo/config';
import { decodeCheckpointFile, encodeCheckpointFile } from '../../src/engine/model/checkpoint-file';
import { readExperimentTable } from '../../src/engine/experiment/table-file';
import { parsePreset } from '../../src/engine/ppo/presets';
import { parseExperimentPreset } from '../../src/engine/experiment/config';
import factRlhf from '../../src/engine/ppo/presets/fact-rlhf.json';
import defaultExperiment from '../../src/engine/experiment/presets/default.json';

const enc = new TextEncoder();
const dec = new TextDecoder();

// ---- Mutations -------------------------------------------------------------------------------

/** Numbers no bounded field takes (and some it does: −0, 0.5), as values. */
const EXTREMES = [1e308, -1e308, -0, 30000, 4294967296, -1, 0.5, 1e-300, 2 ** 53 + 2, 0];
/** Values of the wrong type for most fields. */
const WRONG: unknown[] = [null, true, 'NaN', '', '30000', [], {}, [1, 2, 3], { a: 1 }];
/** Number texts JSON either cannot hold (NaN, Infinity) or reads as a non-finite or extreme number (1e999). */
const NUMBER_TEXTS = ['1e999', '-1e999', 'NaN', 'Infinity', '-0', '1e308', '30000', '4294967296', '-1', '0.1e-400'];

/** Every place in a JSON value (the parent and the key), the root left out, at most `max`. */
function places(value: unknown, max = 400): { parent: Record<string, unknown> | unknown[]; key: string | number }[] {
  const out: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (x: unknown) => {
    if (out.length >= max || typeof x !== 'object' || x === null) return;
    const entries: [string | number, unknown][] = Array.isArray(x) ? x.map((y, i) => [i, y]) : Object.entries(x);
    for (const [key, y] of entries) {
      out.push({ parent: x as Record<string, unknown> | unknown[], key });
      walk(y);
    }
  };
  walk(value);
  return out;
}

const get = (p: { parent: Record<string, unknown> | unknown[]; key: string | number }) => (p.parent as Record<string | number, unknown>)[p.key];
const put = (p: { parent: Record<string, unknown> | unknown[]; key: string | number }, x: unknown) => {
  (p.parent as Record<string | number, unknown>)[p.key] = x;
};

/** A copy of a JSON value with one to three mutations in it. */
export function mutateJson(rng: Rng, value: unknown): unknown {
  const root = { v: structuredClone(value) as unknown };
  for (let n = 1 + rng.int(3); n > 0; n--) {
    const all = places(root.v);
    const p = all.length ? rng.pick(all) : { parent: root as unknown as Record<string, unknown>, key: 'v' };
    const kind = rng.int(10);
    const here = get(p);
    if (kind === 0) put(p, rng.pick(EXTREMES));
    else if (kind === 1) put(p, structuredClone(rng.pick(WRONG)));
    else if (kind === 2) {
      if (Array.isArray(p.parent)) p.parent.splice(p.key as number, 1);
      else delete p.parent[p.key as string];
    } else if (kind === 3) {
      // Swap two fields of one object (or two items of a list).
      const keys: (string | number)[] = Array.isArray(p.parent) ? p.parent.map((_, i) => i) : Object.keys(p.parent);
      const other = { parent: p.parent, key: rng.pick(keys) };
      const x = get(other);
      put(other, here);
      put(p, x);
    } else if (kind === 4) {
      // A huge list: of numbers, or of copies of what was there (fewer of an object, so a file stays within a few megabytes).
      const length = rng.pick([6, 100, 5_000, 200_000]);
      const copies = typeof here === 'number' || typeof here === 'boolean' || here === null ? Math.min(length, 5_000) : Math.min(length, 50);
      put(p, rng.chance(0.5) ? new Array(length).fill(rng.pick(EXTREMES)) : new Array(copies).fill(here));
    } else if (kind === 5) {
      // Deep nesting.
      let x: unknown = here;
      for (let d = rng.pick([10, 200, 1_000]); d > 0; d--) x = rng.chance(0.5) ? [x] : { x };
      put(p, x);
    } else if (kind === 6) put(p, 'x'.repeat(rng.pick([65, 2_001, 100_000])));
    else if (kind === 7) {
      if (Array.isArray(p.parent)) p.parent.push(here);
      else p.parent[`extra${rng.int(9)}`] = here;
    }
    else if (kind === 8 && Array.isArray(here) && here.length) put(p, [...here, ...here, ...here]);
    else if (typeof here === 'number') put(p, here * rng.pick([-1, 1e6, 1e300, 0.5]) + rng.pick([0, 1, -1]));
    else put(p, rng.pick(EXTREMES));
  }
  return root.v;
}

/** JSON text of a value, sometimes with one number written as text JSON cannot hold or reads as extreme. */
export function writeJson(rng: Rng, value: unknown): string {
  const text = JSON.stringify(value) ?? 'null';
  if (!rng.chance(0.15)) return text;
  const numbers = [...text.matchAll(/(?<=[:,[])-?\d+(\.\d+)?([eE][+-]?\d+)?/g)];
  if (!numbers.length) return text;
  const m = rng.pick(numbers);
  return text.slice(0, m.index) + rng.pick(NUMBER_TEXTS) + text.slice((m.index ?? 0) + m[0].length);
}

/** A copy of bytes with one to three byte-level mutations: flips, deletions, insertions, a cut. */
export function mutateBytes(rng: Rng, bytes: Uint8Array, cut = true): Uint8Array {
  let b = bytes;
  for (let n = 1 + rng.int(3); n > 0; n--) {
    if (b.length === 0) break;
    const at = rng.int(b.length);
    const kind = rng.int(cut ? 6 : 5);
    if (kind <= 1) b = new Uint8Array([...b.subarray(0, at), b[at]! ^ (1 + rng.int(255)), ...b.subarray(at + 1)]);
    else if (kind === 2) b = new Uint8Array([...b.subarray(0, at), ...b.subarray(at + 1 + rng.int(16))]);
    else if (kind === 3) b = new Uint8Array([...b.subarray(0, at), ...Array.from({ length: 1 + rng.int(16) }, () => rng.int(256)), ...b.subarray(at)]);
    else if (kind === 4) {
      // A 32-bit field set to an extreme (a length, an offset, a count).
      const c = new Uint8Array(b);
      if (at + 4 <= c.length) new DataView(c.buffer).setUint32(at, rng.pick([0, 1, 0x7fffffff, 0xffffffff, 30000]), true);
      b = c;
    } else b = b.slice(0, at);
  }
  return b === bytes ? bytes.slice() : b;
}

/** A copy of JSONL text with one to three line-level mutations (a line's JSON mutated, a line cut, repeated or blanked, bytes changed). */
export function mutateJsonl(rng: Rng, text: string): string {
  const lines = text.split('\n');
  for (let n = 1 + rng.int(3); n > 0; n--) {
    const i = rng.int(lines.length);
    const line = lines[i] as string;
    const kind = rng.int(6);
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      parsed = undefined;
    }
    if (kind <= 2 && parsed !== undefined) lines[i] = writeJson(rng, mutateJson(rng, parsed));
    else if (kind === 3) lines[i] = line.slice(0, rng.int(line.length + 1));
    else if (kind === 4) lines.splice(i, 0, rng.chance(0.5) ? line : rng.pick(['', '  ', '\r', '[]', '{}', 'null']));
    else lines[i] = dec.decode(mutateBytes(rng, enc.encode(line), false));
  }
  return lines.join(rng.chance(0.1) ? '\r\n' : '\n');
}

// ---- Checks ----------------------------------------------------------------------------------

/** How a case ended. */
export type Outcome = { kind: 'accepted' } | { kind: 'refused'; message: string } | { kind: 'unnamed'; message: string } | { kind: 'crash'; message: string };

/** A frozen deep copy: an importer that writes to what it was given throws in strict mode. */
function frozen<T>(x: T): T {
  const walk = (y: unknown) => {
    if (typeof y !== 'object' || y === null || Object.isFrozen(y)) return;
    Object.freeze(y);
    for (const z of Object.values(y)) walk(z);
  };
  const c = structuredClone(x);
  walk(c);
  return c;
}

/**
 * What must hold of an import into `existing` (`all`: the merged list): the stored list is
 * untouched and begins the merged one, a problem names its line and field, every added item reads
 * back as itself, and every line is accounted for. `noun` names the items in the messages.
 */
function checkMerge<T>(
  res: { all: readonly T[]; added: readonly T[]; duplicates: number; problems: readonly { line: number; field: string; message: string }[]; lines: number },
  existing: readonly T[],
  before: string,
  lineCount: number,
  readBack: (value: unknown) => T | undefined,
  noun: string,
): Outcome {
  if (JSON.stringify(existing) !== before) return { kind: 'crash', message: `the stored ${noun}s changed` };
  if (res.all === existing) return { kind: 'crash', message: 'the stored list itself was returned' };
  if (res.all.length !== existing.length + res.added.length || res.all.some((r, i) => i < existing.length && r !== existing[i])) return { kind: 'crash', message: `the merged list does not start with the stored ${noun}s` };
  for (const p of res.problems) {
    if (!(p.line >= 1 && p.line <= lineCount) || !p.field || !p.message) return { kind: 'crash', message: `a problem does not name its line and field: ${JSON.stringify(p)}` };
  }
  for (const r of res.added) {
    const again = readBack(JSON.parse(JSON.stringify(r)));
    if (again === undefined || JSON.stringify(again) !== JSON.stringify(r)) return { kind: 'crash', message: `an added ${noun} does not read back as itself: ${JSON.stringify(r).slice(0, 200)}` };
  }
  const refusedLines = new Set(res.problems.map((p) => p.line)).size;
  if (refusedLines + res.added.length + res.duplicates !== res.lines) return { kind: 'crash', message: `lines unaccounted for: ${res.lines} read, ${refusedLines} refused, ${res.added.length} added, ${res.duplicates} duplicates` };
  return res.problems.length ? { kind: 'refused', message: `line ${res.problems[0]!.line}: ${res.problems[0]!.field}: ${res.problems[0]!.message}` } : { kind: 'accepted' };
}

/** What must hold of a labels import (checkMerge). */
function checkImport(res: ImportResult, existing: readonly PreferenceRecord[], before: string, lineCount: number): Outcome {
  return checkMerge({ ...res, all: res.records }, existing, before, lineCount, (v) => {
    const r = validateRecord(v);
    return 'record' in r ? r.record : undefined;
  }, 'record');
}

const lineCount = (text: string) => text.split('\n').length;

// ---- The importers ---------------------------------------------------------------------------

/** One importer under the fuzz: a seeded mutated file made and fed to it. */
export interface FuzzTarget {
  name: string;
  /** Whether every refusal must name its place; false where the reader's own errors may not (tallied as unnamed). */
  strictNames: boolean;
  /** Makes a mutated file (its bytes, or its text as the page reads it). */
  make(rng: Rng): Promise<Uint8Array | string>;
  /** Imports it: what the importer did with it. */
  feed(file: Uint8Array | string): Promise<Outcome>;
}

const asText = (file: Uint8Array | string) => (typeof file === 'string' ? file : dec.decode(file));
const asBytes = (file: Uint8Array | string) => (typeof file === 'string' ? enc.encode(file) : file);

const fileRecords = syntheticRecords(6, 41);
const stored = frozen([...syntheticRecords(2, 42), fileRecords[2] as PreferenceRecord]);
const storedJson = JSON.stringify(stored);
const nativeText = fileRecords.map((r) => JSON.stringify(r)).join('\n') + '\n';

/** Labels, native JSONL (engine/prefs/native.ts importNative). */
const labels: FuzzTarget = {
  name: 'labels .jsonl',
  strictNames: true,
  async make(rng) {
    return rng.chance(0.05) ? JSON.stringify(mutateJson(rng, fileRecords)) : mutateJsonl(rng, nativeText);
  },
  async feed(file) {
    const text = asText(file);
    return checkImport(importNative(text, stored), stored, storedJson, lineCount(text));
  },
};

/** Marks of synthetic answers (each pair's first response and both backgrounds, so one sentence is false; a careful and a noisy marker in turn). */
const fileMarks = syntheticRecords(6, 43).map((r, i) =>
  markAnswer({ ...r, answer: `${r.responseA} it is day . it is night .` }, simulatedMarker(i % 2 ? 'noisy' : 'careful', i % 2 ? MARKER_PRESETS.noisy : MARKER_PRESETS.careful, 5), r.policyVersion, r.labelledAt),
);
const storedMarks = frozen([fileMarks[2] as MarkRecord]);
const storedMarksJson = JSON.stringify(storedMarks);
const marksText = fileMarks.map((m) => JSON.stringify(m)).join('\n') + '\n';

/** What must hold of a marks import (checkMerge). */
function checkMarkImport(res: MarkImportResult, existing: readonly MarkRecord[], before: string, lineCount: number): Outcome {
  return checkMerge({ ...res, all: res.marks }, existing, before, lineCount, (v) => {
    const m = validateMark(v);
    return 'mark' in m ? m.mark : undefined;
  }, 'mark');
}

/** Marks, JSONL (engine/prefs/mark-file.ts importMarks). */
const marks: FuzzTarget = {
  name: 'marks .jsonl',
  strictNames: true,
  async make(rng) {
    return rng.chance(0.05) ? JSON.stringify(mutateJson(rng, fileMarks)) : mutateJsonl(rng, marksText);
  },
  async feed(file) {
    const text = asText(file);
    return checkMarkImport(importMarks(text, storedMarks), storedMarks, storedMarksJson, lineCount(text));
  },
};

const trlRecords = fileRecords.map((r, i) => ({ ...r, label: i % 2 ? 'A' : 'B' }) as PreferenceRecord);
const trlFiles = exportTrl(trlRecords).files.map((f) => ({ path: `preferences-trl/${f.path}`, data: typeof f.data === 'string' ? enc.encode(f.data) : f.data }));
const trlZip = writeZip(trlFiles, new Date(Date.UTC(2025, 0, 1)));
/** The store a TRL set is imported into: two other pairs and one pair of the set. */
const storedTrl = frozen([...syntheticRecords(2, 42), trlRecords[2] as PreferenceRecord]);
const storedTrlJson = JSON.stringify(storedTrl);

/** TRL sets as .zip (app/ui/zip.ts readZip, then engine/prefs/trl.ts importTrl), as the page reads one. */
const trl: FuzzTarget = {
  name: 'TRL .zip',
  strictNames: true,
  async make(rng) {
    if (rng.chance(0.5)) return mutateBytes(rng, trlZip);
    // A mutated part zipped again: the rows, an image, or a part left out.
    const files = trlFiles.map((f) => ({ ...f }));
    const i = rng.int(files.length);
    const f = files[i]!;
    if (rng.chance(0.1)) files.splice(i, 1);
    else if (f.path.endsWith('.jsonl')) f.data = enc.encode(mutateJsonl(rng, dec.decode(f.data)));
    else f.data = mutateBytes(rng, f.data);
    return writeZip(files, new Date(Date.UTC(2025, 0, 1)));
  },
  async feed(file) {
    const bytes = asBytes(file);
    let files: Map<string, Uint8Array>;
    try {
      files = await readZip(bytes);
    } catch (e) {
      return e instanceof Error && e.message ? { kind: 'refused', message: e.message } : { kind: 'crash', message: `readZip threw ${String(e)}` };
    }
    const jsonl = [...files.keys()].find((p) => p === TRL_JSONL || p.endsWith(`/${TRL_JSONL}`));
    if (!jsonl) return { kind: 'refused', message: `no ${TRL_JSONL} in the archive` };
    const root = jsonl.slice(0, -TRL_JSONL.length);
    const text = dec.decode(files.get(jsonl));
    return checkImport(importTrl(text, (path) => files.get(root + path), storedTrl), storedTrl, storedTrlJson, lineCount(text));
  },
};

const run: StoredPpoRun = {
  version: 1, startedAt: '2025-01-01T00:00:00.000Z', savedAt: '2025-01-01T00:01:00.000Z', step: 2, ended: false,
  policy: { name: 'sft', origin: 'sft@1a2b3c4d', version: 'sft@1a2b3c4d+2' }, preset: 'fact-rlhf', config: { ...PPO_DEFAULTS }, steps: 0, refreshEvery: 10, saveEvery: 2,
  metrics: [{ step: 0, 'gold/score': 3.5, 'gold/hallucination_rate': 0.4 }, { step: 1, 'objective/kl': 0.01 }, { step: 2, 'objective/kl': 0.02 }],
};
const checkpoint = encodeCheckpointFile({ modelTopology: { class_name: 'Tiny' }, weightSpecs: [{ name: 'w', shape: [2, 2], dtype: 'float32' }], weightData: new Float32Array([1, 2, 3, 4]).buffer });
const bundle = writeRunBundle(run, fileRecords.slice(0, 3), checkpoint, new Date(Date.UTC(2025, 0, 1)));
const bundleFiles = await readZip(bundle);
/** The parts of a bundle a refusal may name. */
const BUNDLE_PARTS = /run\.json|metrics\.jsonl|labels\.jsonl|policy\.ckpt|zip|archive|bundle|layout/;

/** PPO run bundles (app/ppo/run-bundle.ts readRunBundle). */
const bundles: FuzzTarget = {
  name: 'run bundle .zip',
  strictNames: true,
  async make(rng) {
    if (rng.chance(0.4)) return mutateBytes(rng, bundle);
    const files = [...bundleFiles].map(([path, data]) => ({ path, data }));
    const i = rng.int(files.length);
    const f = files[i]!;
    if (rng.chance(0.08)) files.splice(i, 1);
    else if (f.path.endsWith('.json')) f.data = enc.encode(writeJson(rng, mutateJson(rng, JSON.parse(dec.decode(f.data)))));
    else if (f.path.endsWith('.jsonl')) f.data = enc.encode(mutateJsonl(rng, dec.decode(f.data)));
    else f.data = mutateBytes(rng, f.data);
    return writeZip(files, new Date(Date.UTC(2025, 0, 1)));
  },
  async feed(file) {
    const bytes = asBytes(file);
    const copy = bytes.slice();
    let outcome: Outcome;
    try {
      const read = await readRunBundle(bytes);
      const again = readStoredRun(JSON.parse(JSON.stringify(read.run)));
      if (!('run' in again)) return { kind: 'crash', message: `an accepted run does not read back: ${again.problem}` };
      for (const r of read.labels) if (!('record' in validateRecord(JSON.parse(JSON.stringify(r))))) return { kind: 'crash', message: 'an accepted label is not valid' };
      outcome = { kind: 'accepted' };
    } catch (e) {
      outcome = e instanceof BundleError && BUNDLE_PARTS.test(e.message) ? { kind: 'refused', message: e.message } : { kind: 'crash', message: `${(e as Error)?.constructor?.name}: ${(e as Error)?.message ?? String(e)}` };
    }
    if (copy.some((x, i) => x !== bytes[i])) return { kind: 'crash', message: 'the file\'s bytes changed' };
    return outcome;
  },
};

/** Rewrites a checkpoint with its JSON part replaced (header lengths fixed), as a crafted file would be. */
function withCheckpointJson(json: string): Uint8Array {
  const view = new DataView(checkpoint.buffer, checkpoint.byteOffset);
  const jsonBytes = view.getUint32(12, true);
  const weights = checkpoint.subarray(20 + jsonBytes);
  const body = enc.encode(json);
  const out = new Uint8Array(20 + body.length + weights.length);
  out.set(checkpoint.subarray(0, 20));
  const o = new DataView(out.buffer);
  o.setUint32(12, body.length, true);
  out.set(body, 20);
  out.set(weights, 20 + body.length);
  return out;
}
const checkpointJson = JSON.parse(dec.decode(checkpoint.subarray(20, 20 + new DataView(checkpoint.buffer, checkpoint.byteOffset).getUint32(12, true)))) as unknown;

/** Single-file checkpoints (engine/model/checkpoint-file.ts decodeCheckpointFile): a refusal must say it is about the checkpoint. */
const checkpoints: FuzzTarget = {
  name: 'checkpoint .ckpt',
  strictNames: true,
  async make(rng) {
    return rng.chance(0.5) ? mutateBytes(rng, checkpoint) : withCheckpointJson(rng.chance(0.2) ? dec.decode(mutateBytes(rng, enc.encode(JSON.stringify(checkpointJson)), true)) : writeJson(rng, mutateJson(rng, checkpointJson)));
  },
  async feed(file) {
    const bytes = asBytes(file);
    const copy = bytes.slice();
    let outcome: Outcome;
    try {
      decodeCheckpointFile(bytes);
      outcome = { kind: 'accepted' };
    } catch (e) {
      if (!(e instanceof Error) || !e.message) outcome = { kind: 'crash', message: `threw ${String(e)}` };
      else outcome = /checkpoint/i.test(e.message) ? { kind: 'refused', message: e.message } : { kind: 'unnamed', message: `${e.constructor.name}: ${e.message}` };
    }
    if (copy.some((x, i) => x !== bytes[i])) return { kind: 'crash', message: 'the file\'s bytes changed' };
    return outcome;
  },
};

const report = (score: number) => ({
  shapesHal: { trueInformative: 0.4, score, hallucinationRate: 0.3, informativeness: 0.6, noAnswer: 0, byType: { counting: { n: 12, score } } },
  pope: { random: { accuracy: 0.8, precision: 0.8, recall: 0.7, f1: 0.75, yesRatio: 0.5, n: 30, unclear: 0 } },
  chair: { chairI: 0.2, chairS: 0.3, mentions: 40, n: 12 },
});
const table = { preset: 'default', seeds: [1, 2], rows: ['SFT', 'RLHF'].map((name, i) => ({ name, slug: name.toLowerCase(), mean: report(2 + i), perSeed: [report(2 + i), report(2.5 + i)], meanResponseLength: 9.5 })), stopped: false };

/** An experiment's table.json (engine/experiment/table-file.ts readExperimentTable), read as the page reads a file: text, then JSON. */
const tables: FuzzTarget = {
  name: 'experiment table.json',
  strictNames: true,
  async make(rng) {
    return rng.chance(0.15) ? dec.decode(mutateBytes(rng, enc.encode(JSON.stringify(table)))) : writeJson(rng, mutateJson(rng, table));
  },
  async feed(file) {
    const text = asText(file);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      return { kind: 'refused', message: `not JSON: ${(e as Error).message}` };
    }
    const before = JSON.stringify(value);
    const res = readExperimentTable(value);
    if (JSON.stringify(value) !== before) return { kind: 'crash', message: 'the parsed file changed' };
    if ('problem' in res) return res.problem ? { kind: 'refused', message: res.problem } : { kind: 'crash', message: 'an empty problem' };
    return { kind: 'accepted' };
  },
};

/** Presets read from JSON files (PPO's and the experiment's): a refusal names the preset and the field. */
function presetTarget(name: string, base: unknown, parse: (raw: unknown) => unknown, named: RegExp): FuzzTarget {
  return {
    name,
    strictNames: true,
    async make(rng) {
      return writeJson(rng, mutateJson(rng, base));
    },
    async feed(file) {
      const text = asText(file);
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (e) {
        return { kind: 'refused', message: `not JSON: ${(e as Error).message}` };
      }
      const before = JSON.stringify(value);
      let outcome: Outcome;
      try {
        parse(value);
        outcome = { kind: 'accepted' };
      } catch (e) {
        outcome = e instanceof Error && named.test(e.message) ? { kind: 'refused', message: e.message } : { kind: 'crash', message: `${(e as Error)?.constructor?.name}: ${(e as Error)?.message ?? String(e)}` };
      }
      if (JSON.stringify(value) !== before) return { kind: 'crash', message: 'the parsed preset changed' };
      return outcome;
    },
  };
}

export const FUZZ_TARGETS: readonly FuzzTarget[] = [
  labels,
  marks,
  trl,
  bundles,
  checkpoints,
  tables,
  presetTarget('PPO preset .json', factRlhf, parsePreset, /^ppo preset .+: \S/),
  presetTarget('experiment preset .json', defaultExperiment, parseExperimentPreset, /^experiment preset .+: \S/),
];

/** What a fuzz of one importer found. */
export interface FuzzTally {
  importer: string;
  files: number;
  accepted: number;
  refused: number;
  /** Refusals of the documented kind whose message does not say which part of the file was wrong. */
  unnamed: number;
  crashes: number;
  seconds: number;
  /** The slowest import (the file's making not counted), in milliseconds, and its case. */
  slowestMs: number;
  slowestCase: number;
  /** The first few crashes: case number and what went wrong. */
  examples: string[];
}

/** Runs `cases` mutated files through one importer, case c seeded by subSeed(seed, c). */
export async function fuzzImporter(target: FuzzTarget, cases: number, seed: number): Promise<FuzzTally> {
  const tally: FuzzTally = { importer: target.name, files: cases, accepted: 0, refused: 0, unnamed: 0, crashes: 0, seconds: 0, slowestMs: 0, slowestCase: 0, examples: [] };
  const t0 = performance.now();
  for (let c = 0; c < cases; c++) {
    const rng = new Rng(subSeed(seed, c));
    let outcome: Outcome;
    let ms = 0;
    try {
      const file = await target.make(rng);
      const t = performance.now();
      try {
        outcome = await target.feed(file);
      } finally {
        ms = performance.now() - t;
      }
    } catch (e) {
      outcome = { kind: 'crash', message: `threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message ?? String(e)}` };
    }
    if (ms > tally.slowestMs) Object.assign(tally, { slowestMs: ms, slowestCase: c });
    if (outcome.kind === 'accepted') tally.accepted++;
    else if (outcome.kind === 'refused') tally.refused++;
    else if (outcome.kind === 'unnamed') {
      tally.refused++;
      tally.unnamed++;
      if (tally.examples.length < 5) tally.examples.push(`case ${c} (seed ${seed}), refused without naming where: ${outcome.message}`);
    } else {
      tally.crashes++;
      if (tally.examples.length < 5) tally.examples.push(`case ${c} (seed ${seed}): ${outcome.message}`);
    }
  }
  tally.seconds = (performance.now() - t0) / 1000;
  return tally;
}

/** The tallies as a table: importer, files, accepted, refused, crashes, seconds, slowest case. */
export function formatTallies(tallies: readonly FuzzTally[]): string {
  const head = ['importer', 'files', 'accepted', 'refused', 'unnamed', 'crashes', 'seconds', 'slowest import ms (case)'];
  const rows = tallies.map((t) => [t.importer, t.files, t.accepted, t.refused, t.unnamed, t.crashes, t.seconds.toFixed(1), `${t.slowestMs.toFixed(0)} (${t.slowestCase})`].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const examples = tallies.flatMap((t) => t.examples.map((e) => `  ${t.importer}: ${e}`));
  return [line(head), ...rows.map(line), ...(examples.length ? ['crashes and unnamed refusals (the first five of each importer):', ...examples] : [])].join('\n');
}
