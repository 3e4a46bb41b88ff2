// `prefs`: preference files. Check one, import one into a store (new pairs appended, nothing
// stored changed, duplicates kept once), write a TRL-style set for Python, or import one back.

import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMON_FLAGS, UsageError, type CommandSpec, type Flags } from '../args';
import { exportNative, formatProblems, type ImportResult } from '../../engine/prefs/native';
import { exportTrl, importTrl, TRL_JSONL } from '../../engine/prefs/trl';
import { labelCounts } from '../../engine/prefs/label';
import type { PreferenceRecord } from '../../engine/prefs/record';
import { readPrefsFile, writeFiles } from './label';

export const spec: CommandSpec = {
  name: 'prefs',
  summary: 'Check, merge and convert preference files (native JSONL and a TRL-style set for Python).',
  usage: 'prefs (--check FILE | --in FILE --into STORE | --in FILE --to-trl DIR | --from-trl DIR --into STORE)',
  flags: {
    check: { type: 'string', help: 'validate a preference file: report bad lines by number and field, count the labels' },
    in: { type: 'string', help: 'preference file to read' },
    into: { type: 'string', help: 'store (a preference file) to add the pairs to; created if missing' },
    'to-trl': { type: 'string', help: 'write the decided pairs of --in as a TRL-style set (train.jsonl, images/, README.md) in this folder' },
    'from-trl': { type: 'string', help: 'a folder written by --to-trl, to import into --into' },
    json: { ...COMMON_FLAGS.json, help: 'the summary is one JSON line, with or without this flag' },
  },
};

function report(store: string, res: ImportResult): void {
  console.log(JSON.stringify({ store, lines: res.lines, added: res.added.length, duplicates: res.duplicates, badLines: new Set(res.problems.map((p) => p.line)).size, labels: labelCounts(res.added) }));
}

function readStore(path: string): PreferenceRecord[] {
  return existsSync(path) ? readPrefsFile(path).records : [];
}

function addToStore(path: string, res: ImportResult): void {
  if (res.added.length) appendFileSync(path, exportNative(res.added));
  else if (!existsSync(path)) writeFileSync(path, '');
}

export async function run(flags: Flags): Promise<number> {
  if (typeof flags.check === 'string') {
    const res = readPrefsFile(flags.check);
    console.log(JSON.stringify({ file: flags.check, lines: res.lines, records: res.records.length, duplicates: res.duplicates, badLines: new Set(res.problems.map((p) => p.line)).size, labels: labelCounts(res.records) }));
    return res.problems.length ? 1 : 0;
  }
  if (typeof flags['from-trl'] === 'string') {
    if (typeof flags.into !== 'string') throw new UsageError('prefs: --from-trl needs --into STORE');
    const dir = flags['from-trl'];
    const file = join(dir, TRL_JSONL);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new Error(`cannot read ${file}: ${(e as Error).message}`, { cause: e });
    }
    const res = importTrl(text, (p) => {
      const full = join(dir, p);
      return !p.includes('..') && existsSync(full) ? new Uint8Array(readFileSync(full)) : undefined;
    }, readStore(flags.into));
    for (const line of formatProblems(res.problems, file)) console.error(line);
    addToStore(flags.into, res);
    report(flags.into, res);
    return res.problems.length ? 1 : 0;
  }
  if (typeof flags.in !== 'string') throw new UsageError('prefs: give --check FILE, --in FILE with --into or --to-trl, or --from-trl DIR --into STORE');
  if (typeof flags['to-trl'] === 'string') {
    const res = readPrefsFile(flags.in);
    const ex = exportTrl(res.records);
    writeFiles(flags['to-trl'], ex.files);
    console.log(JSON.stringify({ out: flags['to-trl'], rows: ex.rows, skipped: ex.skipped, badLines: new Set(res.problems.map((p) => p.line)).size }));
    return res.problems.length ? 1 : 0;
  }
  if (typeof flags.into !== 'string') throw new UsageError('prefs: --in needs --into STORE or --to-trl DIR');
  const stored = readStore(flags.into);
  const res = readPrefsFile(flags.in, stored);
  addToStore(flags.into, res);
  report(flags.into, res);
  return res.problems.length ? 1 : 0;
}
